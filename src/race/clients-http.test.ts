/**
 * HTTP clients, unwrapped, against a real server on loopback: axios (over `http.request`) and
 * global `fetch` reading the body. The counter lives behind `GET`/`PUT /balance`; the fix is a
 * `POST /balance/add` the server applies in one step.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosInstance } from 'axios';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { atomicAdd, lostUpdate, type CounterStore } from './fixtures/clients/counter.ts';
import { expectFixed, expectFoundAndReplayed } from './fixtures/clients/verdicts.ts';

describe('HTTP clients against a loopback server, unwrapped', () => {
  let balance = 100;
  let server: http.Server;
  let base = '';
  let api: AxiosInstance;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.method === 'PUT') balance = Number(body);
        else if (req.method === 'POST') balance += Number(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ balance }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    api = axios.create({ baseURL: base, httpAgent: new http.Agent({ keepAlive: true }) });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const axiosStore = (): CounterStore => ({
    reset: () => {
      balance = 100;
      return Promise.resolve();
    },
    read: async () => (await api.get<{ balance: number }>('/balance')).data.balance,
    write: async (value) => void (await api.put('/balance', String(value))),
    add: async (amount) => void (await api.post('/balance/add', String(amount))),
    current: () => Promise.resolve(balance),
  });

  const fetchStore = (): CounterStore => ({
    reset: () => {
      balance = 100;
      return Promise.resolve();
    },
    read: async () => ((await (await fetch(`${base}/balance`)).json()) as { balance: number }).balance,
    write: async (value) =>
      void (await fetch(`${base}/balance`, { method: 'PUT', body: String(value) })).text(),
    add: async (amount) =>
      void (await fetch(`${base}/balance/add`, { method: 'POST', body: String(amount) })).text(),
    current: () => Promise.resolve(balance),
  });

  it('axios over http.request: the lost update is found and replays exactly (seed 31)', async () => {
    await expectFoundAndReplayed(lostUpdate('axios lost update', axiosStore()), 31);
  });

  it('axios: the server-side add passes, with nothing uncontrolled (seed 31)', async () => {
    await expectFixed(atomicAdd('axios add', axiosStore()), 31);
  });

  it('fetch, reading the body: the lost update is found and replays exactly (seed 32)', async () => {
    await expectFoundAndReplayed(lostUpdate('fetch lost update', fetchStore()), 32);
  });

  it('fetch: the server-side add passes (seed 32)', async () => {
    await expectFixed(atomicAdd('fetch add', fetchStore()), 32);
  });
});
