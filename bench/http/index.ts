/**
 * Requests per second of fray's `inject` against the tools users would pick instead —
 * light-my-request (Fastify's inject), supertest, `fetch` over loopback, and calling the
 * handler directly (`app.fetch(new Request(...))` for Hono) — for a plain node handler,
 * Express, Fastify and Hono, in one run. Every task sends a batch of sequential GET requests
 * and reads each body to the end; tables show time per request relative to fray.
 *
 * light-my-request swaps the prototypes of the Express it injects into, so it gets a second,
 * private copy of Express (the other tools' Express app stays untouched). For Hono it injects
 * into @hono/node-server's listener (without its global Request/Response override).
 *
 * Also: the cost of fray/di's `use(token)` with no override, against a `Map` lookup.
 *
 * Run: npm run bench http   (or: npx node bench/http/index.ts)
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { getRequestListener } from '@hono/node-server';
import type express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import lightMyRequest from 'light-my-request';
import supertest from 'supertest';
import { override, token, use } from '../../src/di/index.ts';
import { inject } from '../../src/http/index.ts';
import { environment, markdownTable, measure, num, printRatios, type Measured } from '../table.ts';

const BATCH = 50;
const BODY = 'hello world';
const require = createRequire(import.meta.url);

type Express = typeof express;

/** Express, loaded fresh: a copy whose prototypes nobody else shares. */
function freshExpress(): Express {
  for (const key of Object.keys(require.cache))
    if (key.includes('/node_modules/express/')) delete require.cache[key];
  return require('express') as Express;
}

function batch(send: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    for (let i = 0; i < BATCH; i++) await send();
  };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function fetchText(url: string): Promise<string> {
  return (await fetch(url)).text();
}

interface Suite {
  readonly title: string;
  readonly tasks: Record<string, () => Promise<void>>;
  readonly close: () => Promise<void>;
}

// A plain node (req, res) handler.
async function nodeSuite(): Promise<Suite> {
  const handler: http.RequestListener = (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(BODY);
  };
  const client = await inject(handler);
  const server = http.createServer(handler);
  const origin = await listen(server);
  return {
    title: 'node (req, res) handler',
    tasks: {
      'fray inject': batch(async () => (await client.get('/')).text()),
      'light-my-request': batch(async () => (await lightMyRequest(handler, { url: '/' })).payload),
      supertest: batch(async () => (await supertest(handler).get('/')).text),
      'fetch over loopback': batch(() => fetchText(`${origin}/`)),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

async function expressSuite(): Promise<Suite> {
  const build = (express: Express) => {
    const app = express();
    app.get('/', (_req, res) => {
      res.send(BODY);
    });
    return app;
  };
  const app = build(require('express') as Express);
  const lmrApp = build(freshExpress());
  const client = await inject(app);
  const server = http.createServer(app);
  const origin = await listen(server);
  return {
    title: 'Express 5',
    tasks: {
      'fray inject': batch(async () => (await client.get('/')).text()),
      'light-my-request': batch(async () => (await lightMyRequest(lmrApp, { url: '/' })).payload),
      supertest: batch(async () => (await supertest(app).get('/')).text),
      'fetch over loopback': batch(() => fetchText(`${origin}/`)),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

async function fastifySuite(): Promise<Suite> {
  const build = () => {
    const app = Fastify();
    app.get('/', (_request, reply) => reply.type('text/plain').send(BODY));
    return app;
  };
  const injected = build();
  const native = build();
  const tested = build();
  const served = build();
  const client = await inject(injected);
  await native.ready();
  await tested.ready();
  const origin = await served.listen({ port: 0, host: '127.0.0.1' });
  return {
    title: 'Fastify 5',
    tasks: {
      'fray inject': batch(async () => (await client.get('/')).text()),
      'light-my-request (fastify.inject)': batch(async () => (await native.inject({ url: '/' })).payload),
      supertest: batch(async () => (await supertest(tested.server).get('/')).text),
      'fetch over loopback': batch(() => fetchText(`${origin}/`)),
    },
    close: async () => {
      await client.close();
      await Promise.all([native.close(), tested.close(), served.close()]);
    },
  };
}

async function honoSuite(): Promise<Suite> {
  const app = new Hono();
  app.get('/', (c) => c.text(BODY));
  const client = await inject(app);
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  const asNode: http.RequestListener = (req, res) => {
    void listener(req, res);
  };
  const server = http.createServer(asNode);
  const origin = await listen(server);
  return {
    title: 'Hono 4 (fetch handler)',
    tasks: {
      'fray inject': batch(async () => (await client.get('/')).text()),
      'direct call app.fetch(new Request())': batch(async () =>
        (await app.fetch(new Request('http://localhost/'))).text(),
      ),
      'light-my-request (via @hono/node-server)': batch(
        async () => (await lightMyRequest(asNode, { url: '/' })).payload,
      ),
      supertest: batch(async () => (await supertest(asNode).get('/')).text),
      'fetch over loopback': batch(() => fetchText(`${origin}/`)),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

function perRequest(results: readonly Measured[]): Measured[] {
  return results.map((r) => ({ ...r, hz: r.hz * BATCH, meanNs: r.meanNs / BATCH, p99Ns: r.p99Ns / BATCH }));
}

/** fray's throughput relative to a peer: >1 means fray serves more requests per second. */
function speedup(results: readonly Measured[], peer: string): number {
  const fray = results.find((r) => r.name === 'fray inject');
  const other = results.find((r) => r.name.startsWith(peer));
  if (fray === undefined || other === undefined) return Number.NaN;
  return other.meanNs / fray.meanNs;
}

process.stdout.write(`${environment()}; ${BATCH} sequential requests per sample, body read to the end\n`);
const goals: (string | number)[][] = [];
for (const build of [nodeSuite, expressSuite, fastifySuite, honoSuite]) {
  const suite = await build();
  const results = perRequest(await measure(suite.tasks, { time: 1_500, warmupTime: 300 }));
  printRatios(suite.title, results, 'fray inject');
  await suite.close();
  const lmr = speedup(results, 'light-my-request');
  const supertestRatio = speedup(results, 'supertest');
  const direct = speedup(results, 'direct call');
  goals.push([
    suite.title,
    `${num(lmr, 2)}×`,
    `${num(supertestRatio, 2)}×`,
    Number.isNaN(direct) ? 'n/a' : `${num(direct, 2)}×`,
  ]);
}
process.stdout.write(
  `\n### fray inject throughput relative to each tool (goals: ≥ 1.0× light-my-request on node handlers and Express, ≥ 5× supertest, ≥ 0.8× the direct call for fetch handlers)\n\n${markdownTable(
    ['app', 'vs light-my-request', 'vs supertest', 'vs direct call'],
    goals,
  )}\n`,
);

// fray/di: use() with no override anywhere in the process is a field read and a branch.
const Clock = token('Clock', () => 42);
const map = new Map<object, number>([[Clock, 42]]);
const DI_BATCH = 10_000;
const di = await measure(
  {
    'Map#get': () => {
      let sum = 0;
      for (let i = 0; i < DI_BATCH; i++) sum += map.get(Clock) as number;
      return sum;
    },
    'use(token), no override in the process': () => {
      let sum = 0;
      for (let i = 0; i < DI_BATCH; i++) sum += use(Clock);
      return sum;
    },
  },
  { time: 500 },
);
// After the first override the process pays an AsyncLocalStorage lookup per use().
const handle = override(token<number>('Other'), 1);
const diActive = await measure(
  {
    'use(token), overrides active elsewhere': () => {
      let sum = 0;
      for (let i = 0; i < DI_BATCH; i++) sum += use(Clock);
      return sum;
    },
  },
  { time: 500 },
);
handle.restore();
printRatios(
  'fray/di use(token), per lookup',
  [...di, ...diActive].map((r) => ({
    ...r,
    hz: r.hz * DI_BATCH,
    meanNs: r.meanNs / DI_BATCH,
    p99Ns: r.p99Ns / DI_BATCH,
  })),
  'Map#get',
);
