/**
 * Serve a scenario's app on a loopback port for `fray run` (transport `'http'`): Node
 * listeners (Express, Connect), `http.Server`, Koa, Fastify, NestJS, and fetch handlers
 * (Hono and plain `(Request) => Response`), each started the way its framework expects and
 * closed after the run — open keep-alive sockets included.
 *
 * @module
 */
import { createServer, Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CliScenarioError } from '../errors/index.ts';

/** A served app. */
export interface ServedApp {
  readonly url: string;
  close(): Promise<void>;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type FetchHandler = (request: Request) => Response | Promise<Response>;

function urlOf(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string')
    throw new Error('the server is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}

async function listen(server: Server): Promise<ServedApp> {
  if (!server.listening) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }
  return {
    url: urlOf(server.address()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serve a WHATWG fetch handler through `node:http`. */
function fetchListener(handler: FetchHandler): Listener {
  return (req, res) => {
    const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    const method = req.method ?? 'GET';
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (method !== 'GET' && method !== 'HEAD') {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
    Promise.resolve()
      .then(() => handler(new Request(url, init)))
      .then(async (response) => {
        const outgoing: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          if (name === 'set-cookie') return;
          outgoing[name] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length > 0) outgoing['set-cookie'] = cookies;
        res.writeHead(response.status, response.statusText, outgoing);
        if (response.body === null) {
          res.end();
          return;
        }
        for await (const chunk of response.body) res.write(chunk);
        res.end();
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : 'internal error');
      });
  };
}

function has(value: unknown, key: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[key] === 'function'
  );
}

/**
 * Start `app` (what a scenario's `app()` returned) on 127.0.0.1 and return its URL.
 *
 * @example
 * ```ts
 * const served = await serveApp(express().get('/', (_, res) => res.send('ok')), 'users.scenario.ts');
 * // … load served.url …
 * await served.close();
 * ```
 */
export async function serveApp(value: unknown, file: string): Promise<ServedApp> {
  // `{ app, close }`: an app with its own shutdown (database pools, queues…).
  if (
    typeof value === 'object' &&
    value !== null &&
    'app' in value &&
    has(value, 'close') &&
    !has(value, 'listen')
  ) {
    const inner = await serveApp(value.app, file);
    const close = (value as unknown as { close: () => unknown }).close;
    return {
      url: inner.url,
      close: async () => {
        await inner.close();
        await close();
      },
    };
  }
  if (value instanceof Server) return listen(value);
  // Fastify: listen({ port, host }), address through .server.
  if (
    has(value, 'listen') &&
    has(value, 'ready') &&
    typeof value === 'object' &&
    value !== null &&
    'server' in value
  ) {
    const app = value as {
      listen(options: { port: number; host: string }): Promise<unknown>;
      server: Server;
      close(): Promise<void>;
    };
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: urlOf(app.server.address()), close: () => app.close() };
  }
  // NestJS: listen(port, host), address through getHttpServer().
  if (has(value, 'getHttpServer') && has(value, 'listen')) {
    const app = value as {
      listen(port: number, host: string): Promise<unknown>;
      getHttpServer(): Server;
      close(): Promise<void>;
    };
    await app.listen(0, '127.0.0.1');
    return { url: urlOf(app.getHttpServer().address()), close: () => app.close() };
  }
  // Koa: callback() gives the Node listener.
  if (has(value, 'callback') && has(value, 'use')) {
    return listen(createServer((value as { callback(): Listener }).callback()));
  }
  // Hono and other fetch-handler objects.
  if (has(value, 'fetch')) {
    const app = value as { fetch: FetchHandler };
    return listen(createServer(fetchListener((request) => app.fetch(request))));
  }
  if (typeof value === 'function') {
    // One parameter: a fetch handler (Request) => Response; otherwise a Node listener
    // (req, res) or (req, res, next) — Express and Connect apps are such functions.
    return listen(
      createServer(value.length === 1 ? fetchListener(value as FetchHandler) : (value as Listener)),
    );
  }
  throw new CliScenarioError(
    file,
    `app() returned ${value === null ? 'null' : typeof value}, which fray cannot serve.`,
    'return a Node (req, res) listener or Express/Connect app, an http.Server, a Koa, Fastify or NestJS app, or a fetch handler (Hono).',
  );
}
