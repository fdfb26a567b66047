/**
 * Differential fidelity: for every request of the corpus, the response through `inject`
 * equals the response real `fetch` gets from the same app listening on 127.0.0.1 — status,
 * status text, final URL and redirect flag, headers (ignoring `date`, `connection`,
 * `keep-alive`) and body bytes. Large bodies are generated from a fixed seed (corpus.SEED).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import connect from 'connect';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  corpus,
  expressApp,
  fastifyApp,
  honoApp,
  koaApp,
  nodeApp,
  SEED,
  serveReal,
  type Served,
} from './fixtures/corpus.ts';
import { inject, type InjectClient } from './index.ts';

// `connection` and `keep-alive` are compared: fray follows the request's `connection` as
// Node's server does.
const IGNORED = new Set(['date']);
// A fetch handler returns a Response without transport details: the server adapter (here
// @hono/node-server) writes the status line with Node's reason phrase and adds
// content-length or transfer-encoding. inject hands back the app's own Response (as Hono's
// app.request() does), so the status text and these two headers are compared for node apps.
const IGNORED_FOR_FETCH_APPS = new Set([
  ...IGNORED,
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
]);

const frameworks = [
  { kind: 'node', build: nodeApp, ignored: IGNORED, statusText: true },
  { kind: 'express', build: expressApp, ignored: IGNORED, statusText: true },
  { kind: 'koa', build: koaApp, ignored: IGNORED, statusText: true },
  { kind: 'fastify', build: fastifyApp, ignored: IGNORED, statusText: true },
  { kind: 'hono', build: honoApp, ignored: IGNORED_FOR_FETCH_APPS, statusText: false },
  // The same routes through the other accepted shapes: Connect middleware, an http.Server
  // (inject uses its request listeners; the real one listens), a bare fetch handler.
  { kind: 'connect', build: () => connect().use(nodeApp()), ignored: IGNORED, statusText: true },
  { kind: 'http-server', build: () => http.createServer(nodeApp()), ignored: IGNORED, statusText: true },
  {
    kind: 'fetch-handler',
    build: () => {
      const app = honoApp();
      return (request: Request) => app.fetch(request);
    },
    ignored: IGNORED_FOR_FETCH_APPS,
    statusText: false,
  },
] as const;

/** A rejected request: fetch's error, its cause's name, code and message. */
interface Refused {
  error: { name: string; message: string; cause: unknown };
}

async function settle(
  request: Promise<Response>,
  ignored: ReadonlySet<string>,
  statusText: boolean,
): Promise<Captured | Refused> {
  let response: Response;
  try {
    response = await request;
  } catch (error) {
    const { name, message, cause } = error as Error & { cause?: Error & { code?: string } };
    return {
      error: {
        name,
        message,
        cause: cause && { name: cause.name, code: cause.code, message: cause.message },
      },
    };
  }
  return capture(response, ignored, statusText);
}

interface Captured {
  status: number;
  statusText: string | undefined;
  url: string;
  redirected: boolean;
  headers: [string, string][];
  body: string | { length: number; sha256: string };
}

async function capture(
  response: Response,
  ignored: ReadonlySet<string>,
  statusText: boolean,
): Promise<Captured> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    statusText: statusText ? response.statusText : undefined,
    url: response.url,
    redirected: response.redirected,
    headers: [...response.headers].filter(([name]) => !ignored.has(name)),
    body:
      bytes.byteLength <= 8192
        ? new TextDecoder().decode(bytes)
        : { length: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

describe.each(frameworks)(
  `inject matches fetch over loopback (seed ${SEED}): $kind`,
  ({ kind, build, ignored, statusText }) => {
    let served: Served;
    let client: InjectClient;

    beforeAll(async () => {
      // Express's final handler logs handler errors with console.error (outside env 'test',
      // where it would put stack traces in the 500 page): keep the test output clean.
      if (kind === 'express') vi.spyOn(console, 'error').mockImplementation(() => undefined);
      served = await serveReal(kind, build());
      // The same origin as the real server, so Host, URLs and redirects compare; no cookie
      // jar, as fetch has none.
      client = await inject(build(), { baseURL: served.origin, cookies: false });
    });

    afterAll(async () => {
      await client.close();
      await served.close();
      vi.restoreAllMocks();
    });

    // Connect and a bare http.Server carry the node listener's routes (no error handling).
    const routesOf = kind === 'connect' || kind === 'http-server' ? 'node' : kind;
    test.each(corpus.filter((request) => !request.skip?.includes(routesOf)))('$name', async (request) => {
      // Act
      const expected = await settle(
        fetch(`${served.origin}${request.path}`, request.init?.()),
        ignored,
        statusText,
      );
      const actual = await settle(client.fetch(request.path, request.init?.()), ignored, statusText);

      // Assert
      expect(actual).toEqual(expected);
    });
  },
);
