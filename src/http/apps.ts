/**
 * Recognising what `inject()` was given and how to drive it: how a request is dispatched
 * (a node `(req, res)` call, `'request'` on a server, or a fetch handler call), which server
 * upgrades WebSockets, and what start-up and shut-down mean for it (Fastify `ready`/`close`,
 * Nest `init`/`close`). Only public APIs of each framework are used, and nothing is patched.
 *
 * @module
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { HttpUnsupportedAppError, HttpUsageError } from '../errors/index.ts';
import type { NodeApp } from './node-exchange.ts';

/** What kind of app `inject()` recognised. */
export type AppKind =
  | 'node-listener'
  | 'express'
  | 'connect'
  | 'koa'
  | 'fastify'
  | 'fetch-handler'
  | 'fetch-app'
  | 'http-server'
  | 'nest';

/** A fetch handler: `(request) => Response`, e.g. `hono.fetch`, `itty-router`, a Deno-style handler. */
export type FetchHandler = (request: Request) => Response | PromiseLike<Response>;

/** A recognised app. */
export interface ResolvedApp {
  readonly kind: AppKind;
  /** For messages: `an Express app`. */
  readonly label: string;
  /** Make the app ready to serve (idempotent framework calls: Fastify `ready`, Nest `init`). */
  start(): Promise<void>;
  /** Shut the app down (Fastify `close`, Nest `close`). */
  stop(): Promise<void>;
  /** After `start()`: how requests go in. */
  target(): DispatchTarget;
  /** After `start()`: the server whose `'connection'`/`'upgrade'` carry WebSockets, if any. */
  upgradeServer(): http.Server | undefined;
}

/** How requests go in. */
export type DispatchTarget =
  | { readonly mode: 'node'; readonly app: NodeApp }
  | { readonly mode: 'fetch'; readonly handler: FetchHandler };

/** `kind` option of `inject()`: how to read a bare function. */
export type AppHint = 'auto' | 'node' | 'fetch';

type AnyFunction = (...args: any[]) => unknown;

// Node's default `server.keepAliveTimeout`, advertised as `Keep-Alive: timeout=5`.
const DEFAULT_KEEP_ALIVE = 5_000;

/**
 * Recognise `app`.
 *
 * @example
 * ```ts
 * const resolved = resolveApp(express(), 'auto');
 * resolved.kind; // 'express'
 * ```
 */
export function resolveApp(app: unknown, hint: AppHint): ResolvedApp {
  if (app === null || (typeof app !== 'object' && typeof app !== 'function')) {
    throw new HttpUnsupportedAppError(app === null ? 'null' : describePrimitive(app));
  }
  const value = app as Record<string, unknown>;
  if (
    typeof value['getHttpAdapter'] === 'function' &&
    typeof value['init'] === 'function' &&
    typeof value['getHttpServer'] === 'function'
  ) {
    return nestApp(value);
  }
  if (
    typeof value['routing'] === 'function' &&
    typeof value['ready'] === 'function' &&
    typeof value['inject'] === 'function'
  ) {
    return fastifyApp(value);
  }
  if (typeof value['callback'] === 'function' && Array.isArray(value['middleware'])) return koaApp(value);
  if (app instanceof http.Server || app instanceof https.Server) return serverApp(app);
  if (typeof app === 'object' && /Http2/.test(constructorName(app))) {
    throw new HttpUnsupportedAppError(
      `an HTTP/2 server (${constructorName(app)})`,
      'inject the app behind it (its request listener) instead; HTTP/2 streams have another request/response API.',
    );
  }
  // After Fastify: a Fastify instance is thenable (await fastify === ready).
  if (typeof value['then'] === 'function') {
    throw new HttpUnsupportedAppError(
      'a promise',
      'await the app first: inject(await buildApp()), or use NestFactory.create() with await.',
    );
  }
  if (typeof app === 'object' && typeof value['fetch'] === 'function') {
    const fetch = value['fetch'] as AnyFunction;
    return fetchApp(
      'fetch-app',
      `a fetch app (${constructorName(app)})`,
      (request) => fetch.call(app, request) as Response,
    );
  }
  if (typeof app === 'function') {
    const fn = app as AnyFunction;
    if (typeof value['handle'] === 'function' && typeof value['use'] === 'function') {
      const isExpress = typeof value['request'] === 'object' && typeof value['response'] === 'object';
      return listenerApp(
        isExpress ? 'express' : 'connect',
        isExpress ? 'an Express app' : 'a Connect app',
        fn,
      );
    }
    const asNode = hint === 'node' || (hint === 'auto' && fn.length >= 2);
    if (asNode) return listenerApp('node-listener', `the listener ${fn.name || '(anonymous)'}`, fn);
    return fetchApp('fetch-handler', `the fetch handler ${fn.name || '(anonymous)'}`, fn as FetchHandler);
  }
  throw new HttpUnsupportedAppError(`an object (${constructorName(app)})`);
}

function constructorName(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

function nodeApp(dispatch: NodeApp['dispatch'], server: http.Server | undefined): NodeApp {
  const keepAliveTimeout = server?.keepAliveTimeout;
  return {
    dispatch,
    server,
    keepAliveTimeout: typeof keepAliveTimeout === 'number' ? keepAliveTimeout : DEFAULT_KEEP_ALIVE,
  };
}

function listenerApp(kind: AppKind, label: string, listener: AnyFunction): ResolvedApp {
  const target: DispatchTarget = { mode: 'node', app: nodeApp((req, res) => listener(req, res), undefined) };
  return {
    kind,
    label,
    start: resolved,
    stop: resolved,
    target: () => target,
    upgradeServer: () => undefined,
  };
}

function fetchApp(kind: AppKind, label: string, handler: FetchHandler): ResolvedApp {
  const target: DispatchTarget = { mode: 'fetch', handler };
  return {
    kind,
    label,
    start: resolved,
    stop: resolved,
    target: () => target,
    upgradeServer: () => undefined,
  };
}

function serverApp(server: http.Server): ResolvedApp {
  const target: DispatchTarget = {
    mode: 'node',
    app: nodeApp((req, res) => server.emit('request', req, res), server),
  };
  return {
    kind: 'http-server',
    label: `an ${server instanceof https.Server ? 'https' : 'http'}.Server`,
    start: resolved,
    stop: resolved,
    target: () => target,
    upgradeServer: () => server,
  };
}

function koaApp(app: Record<string, unknown>): ResolvedApp {
  let target: DispatchTarget | undefined;
  const build = (): DispatchTarget => {
    // Koa composes its middleware in callback(), as listen() does: built once, at start-up,
    // after the test file registered everything.
    const listener = (app['callback'] as () => AnyFunction).call(app);
    return { mode: 'node', app: nodeApp((req, res) => listener(req, res), undefined) };
  };
  return {
    kind: 'koa',
    label: 'a Koa app',
    start: () => {
      target ??= build();
      return Promise.resolve();
    },
    stop: resolved,
    target: () => (target ??= build()),
    upgradeServer: () => undefined,
  };
}

interface FastifyLike {
  routing(req: IncomingMessage, res: ServerResponse): void;
  ready(): PromiseLike<unknown>;
  close(): PromiseLike<unknown>;
  server: http.Server;
}

function fastifyApp(value: Record<string, unknown>): ResolvedApp {
  const app = value as unknown as FastifyLike;
  const target: DispatchTarget = {
    mode: 'node',
    app: nodeApp((req, res) => app.routing(req, res), app.server),
  };
  return {
    kind: 'fastify',
    label: 'a Fastify instance',
    start: async () => {
      await app.ready();
    },
    stop: async () => {
      await app.close();
    },
    target: () => target,
    upgradeServer: () => app.server,
  };
}

interface NestLike {
  init(): Promise<unknown>;
  close(): Promise<unknown>;
  getHttpServer(): http.Server;
  getHttpAdapter(): { getType?(): string; getInstance?(): unknown };
}

function nestApp(value: Record<string, unknown>): ResolvedApp {
  const app = value as unknown as NestLike;
  let target: DispatchTarget | undefined;
  const adapterType = (): string => app.getHttpAdapter().getType?.() ?? 'express';
  return {
    kind: 'nest',
    label: `a NestJS application (${adapterType()} adapter)`,
    start: async () => {
      await app.init();
      if (adapterType() === 'fastify') {
        // Nest's FastifyAdapter only readies Fastify in listen(); routes need it.
        const instance = app.getHttpAdapter().getInstance?.() as
          { ready?: () => PromiseLike<unknown> } | undefined;
        await instance?.ready?.();
      }
      const server = app.getHttpServer();
      target = { mode: 'node', app: nodeApp((req, res) => server.emit('request', req, res), server) };
    },
    stop: async () => {
      await app.close();
    },
    target: () => {
      if (target === undefined)
        throw new HttpUsageError(
          'the Nest application was used before fray/http started it.',
          'send requests through the inject() client, which starts the app on its first request; this is a bug in fray/http if you did.',
        );
      return target;
    },
    upgradeServer: () => app.getHttpServer(),
  };
}

function resolved(): Promise<void> {
  return Promise.resolve();
}

function describePrimitive(value: unknown): string {
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${String(value)}`;
  return String(typeof value);
}
