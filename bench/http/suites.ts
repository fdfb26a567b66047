/**
 * The apps bench/http measures — a plain node handler, Express 5, Fastify 5 and Hono 4, each
 * answering `GET /` with a short text — and, for each, the same request through fray's
 * `inject` and through the tools users would pick instead: light-my-request (Fastify's
 * inject), a direct `app.fetch(new Request())` call for Hono, supertest and `fetch` over
 * loopback.
 *
 * light-my-request swaps the prototypes of the Express it injects into, so it gets a second,
 * private copy of Express. For Hono it injects into @hono/node-server's listener (without its
 * global Request/Response override).
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
import { inject } from '../../src/http/index.ts';
import type { Task } from './paired.ts';

const BODY = 'hello world';
const require = createRequire(import.meta.url);

type Express = typeof express;

// The Express every tool but light-my-request uses, loaded once: freshExpress() empties the
// require cache, after which require('express') would return light-my-request's copy.
const sharedExpress = require('express') as Express;

/** One app and the ways to request it. */
export interface Suite {
  readonly title: string;
  /** In-process tasks, the first being `fray inject`; compared on CPU time. */
  readonly inProcess: Record<string, Task>;
  /** Tools that go through a socket; compared on wall time. */
  readonly networked: Record<string, Task>;
  readonly close: () => Promise<void>;
}

/** Express, loaded fresh: a copy whose prototypes nobody else shares. */
function freshExpress(): Express {
  for (const key of Object.keys(require.cache))
    if (key.includes('/node_modules/express/')) delete require.cache[key];
  return require('express') as Express;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function fetchText(url: string): Promise<string> {
  return (await fetch(url)).text();
}

/** A plain node (req, res) handler. */
export async function nodeSuite(): Promise<Suite> {
  const handler: http.RequestListener = (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(BODY);
  };
  const client = await inject(handler);
  const server = http.createServer(handler);
  const origin = await listen(server);
  return {
    title: 'node (req, res) handler',
    inProcess: {
      'fray inject': async () => (await client.get('/')).text(),
      'light-my-request': async () => (await lightMyRequest(handler, { url: '/' })).payload,
    },
    networked: {
      supertest: async () => (await supertest(handler).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

/** Express 5. */
export async function expressSuite(): Promise<Suite> {
  const build = (express: Express) => {
    const app = express();
    app.get('/', (_req, res) => {
      res.send(BODY);
    });
    return app;
  };
  const app = build(sharedExpress);
  const lmrApp = build(freshExpress());
  const client = await inject(app);
  const server = http.createServer(app);
  const origin = await listen(server);
  return {
    title: 'Express 5',
    inProcess: {
      'fray inject': async () => (await client.get('/')).text(),
      'light-my-request': async () => (await lightMyRequest(lmrApp, { url: '/' })).payload,
    },
    networked: {
      supertest: async () => (await supertest(app).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

/** Fastify 5; light-my-request is `fastify.inject()`. */
export async function fastifySuite(): Promise<Suite> {
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
    inProcess: {
      'fray inject': async () => (await client.get('/')).text(),
      'light-my-request (fastify.inject)': async () => (await native.inject({ url: '/' })).payload,
    },
    networked: {
      supertest: async () => (await supertest(tested.server).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
    },
    close: async () => {
      await client.close();
      await Promise.all([native.close(), tested.close(), served.close()]);
    },
  };
}

/** Hono 4, a fetch handler; the direct call is `app.fetch(new Request(url))`. */
export async function honoSuite(): Promise<Suite> {
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
    inProcess: {
      'fray inject': async () => (await client.get('/')).text(),
      'direct call app.fetch(new Request())': async () =>
        (await app.fetch(new Request('http://localhost/'))).text(),
      'light-my-request (via @hono/node-server)': async () =>
        (await lightMyRequest(asNode, { url: '/' })).payload,
    },
    networked: {
      supertest: async () => (await supertest(asNode).get('/')).text,
      'fetch over loopback': () => fetchText(`${origin}/`),
    },
    close: async () => {
      await client.close();
      server.close();
    },
  };
}

/** Every suite, by the name `--only` takes. */
export const SUITES: Readonly<Record<string, () => Promise<Suite>>> = {
  node: nodeSuite,
  express: expressSuite,
  fastify: fastifySuite,
  hono: honoSuite,
};
