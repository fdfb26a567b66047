/**
 * Requests per second of fray's `inject` against the tools users would pick instead —
 * light-my-request (Fastify's inject), supertest, `fetch` over loopback, and calling the
 * handler directly (`app.fetch(new Request(...))` for Hono) — for a plain node handler,
 * Express, Fastify and Hono, in one run. Every request is a GET with its body read to the end
 * (20 per sample in-process, 1 per sample for tools that open a connection); tables show time
 * per request relative to fray.
 *
 * light-my-request swaps the prototypes of the Express it injects into, so it gets a second,
 * private copy of Express (the other tools' Express app stays untouched). For Hono it injects
 * into @hono/node-server's listener (without its global Request/Response override).
 *
 * The machine is shared: each suite runs in ROUNDS (3) rounds, the tasks in a different order each
 * round, and every figure is the median over the rounds (one slow round does not decide).
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
import { Bench } from 'tinybench';
import { environment, markdownTable, measure, num, printRatios } from '../table.ts';

const BODY = 'hello world';
const require = createRequire(import.meta.url);

type Express = typeof express;

/** Express, loaded fresh: a copy whose prototypes nobody else shares. */
function freshExpress(): Express {
  for (const key of Object.keys(require.cache))
    if (key.includes('/node_modules/express/')) delete require.cache[key];
  return require('express') as Express;
}

/** One request with its body read, as a task. */
type Task = () => Promise<unknown>;

// In-process tools send this many requests per sample (the harness's own cost per sample —
// timing, an await — then weighs little); tools that open a connection send one.
const BATCH = 20;
const NETWORKED = new Set(['supertest', 'fetch over loopback']);

function batchOf(name: string): number {
  return NETWORKED.has(name) ? 1 : BATCH;
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
  readonly tasks: Record<string, Task>;
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
      'fray inject': async () => (await client.get('/')).text(),
      'light-my-request': async () => (await lightMyRequest(handler, { url: '/' })).payload,
      supertest: async () => (await supertest(handler).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
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
      'fray inject': async () => (await client.get('/')).text(),
      'light-my-request': async () => (await lightMyRequest(lmrApp, { url: '/' })).payload,
      supertest: async () => (await supertest(app).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
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
      'fray inject': async () => (await client.get('/')).text(),
      'light-my-request (fastify.inject)': async () => (await native.inject({ url: '/' })).payload,
      supertest: async () => (await supertest(tested.server).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
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
      'fray inject': async () => (await client.get('/')).text(),
      'direct call app.fetch(new Request())': async () =>
        (await app.fetch(new Request('http://localhost/'))).text(),
      'light-my-request (via @hono/node-server)': async () =>
        (await lightMyRequest(asNode, { url: '/' })).payload,
      supertest: async () => (await supertest(asNode).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

const ROUNDS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** One task's figures, per request. */
interface Figures {
  readonly name: string;
  /** Median time per request, ns. */
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly samples: number;
}

/** Measure `tasks` in ROUNDS rounds (rotating their order); per task, the median over rounds. */
async function measureRounds(tasks: Record<string, Task>): Promise<Figures[]> {
  const names = Object.keys(tasks);
  const rounds: Map<string, { p50: number; p99: number; samples: number }>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: 700, warmupTime: 150 });
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as string;
      const task = tasks[name] as Task;
      const size = batchOf(name);
      bench.add(
        name,
        size === 1
          ? task
          : async () => {
              for (let n = 0; n < size; n++) await task();
            },
      );
    }
    await bench.run();
    const figures = new Map<string, { p50: number; p99: number; samples: number }>();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed')
        throw new Error(`bench task '${task.name}' did not complete: ${result.state}`);
      const size = batchOf(task.name);
      figures.set(task.name, {
        p50: (result.latency.p50 * 1e6) / size,
        p99: (result.latency.p99 * 1e6) / size,
        samples: result.latency.samplesCount * size,
      });
    }
    rounds.push(figures);
  }
  return names.map((name) => {
    const runs = rounds.map((round) => round.get(name) as { p50: number; p99: number; samples: number });
    return {
      name,
      medianNs: median(runs.map((r) => r.p50)),
      p99Ns: median(runs.map((r) => r.p99)),
      samples: runs.reduce((total, r) => total + r.samples, 0),
    };
  });
}

function printTable(title: string, results: readonly Figures[]): void {
  const fray = results.find((r) => r.name === 'fray inject') as Figures;
  const rows = results.map((r) => [
    r.name,
    num(1e9 / r.medianNs),
    num(r.medianNs),
    num(r.p99Ns),
    num(r.samples),
    `${num(r.medianNs / fray.medianNs, 2)}×`,
  ]);
  process.stdout.write(
    `\n### ${title}\n\n${markdownTable(['task', 'req/s', 'median ns', 'p99 ns', 'requests', 'time vs fray inject'], rows)}\n`,
  );
}

/** fray's throughput relative to a peer: >1 means fray serves more requests per second. */
function speedup(results: readonly Figures[], peer: string): number {
  const fray = results.find((r) => r.name === 'fray inject');
  const other = results.find((r) => r.name.startsWith(peer));
  if (fray === undefined || other === undefined) return Number.NaN;
  return other.medianNs / fray.medianNs;
}

process.stdout.write(
  `${environment()}; GET with the body read to the end, ${BATCH} per sample in-process (1 over a connection); medians over ${ROUNDS} rounds\n`,
);
const goals: (string | number)[][] = [];
for (const build of [nodeSuite, expressSuite, fastifySuite, honoSuite]) {
  const suite = await build();
  const results = await measureRounds(suite.tasks);
  printTable(suite.title, results);
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
  { time: 1_000 },
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
  { time: 1_000 },
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
