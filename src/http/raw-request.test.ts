/**
 * `client.request()` beyond the differential corpus: the answer as written (no redirect
 * followed, no decoding, 101 kept, header case in `rawHeaders`), what fray adds and when
 * (Host, the client's default headers, the jar's cookies, framing), streamed bodies, timeouts,
 * aborts, handler failures, fray/di overrides, refusals for fetch handlers, and bad specs.
 */
import http from 'node:http';
import { setImmediate as tick } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { override, token, use } from '../di/index.ts';
import {
  HttpHandlerError,
  HttpNoResponseError,
  HttpUnknownOptionError,
  HttpUsageError,
} from '../errors/index.ts';
import { inject } from './index.ts';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** Answers with the request line and header lines it received, and the body. */
const echo: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        line: `${req.method} ${req.url} HTTP/${req.httpVersion}`,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('latin1'),
      }),
    );
  });
};

interface Echoed {
  line: string;
  rawHeaders: string[];
  body: string;
}

describe('the answer as the server wrote it', () => {
  test('a redirect is returned, not followed; gzip stays compressed; header case is kept', async () => {
    // Arrange
    const gzipped = gzipSync('compressed');
    const app = express();
    app.get('/old', (_req, res) => {
      res.redirect(301, '/new');
    });
    app.get('/zipped', (_req, res) => {
      res.set('Content-Encoding', 'gzip').set('X-Custom-Case', 'kept').send(gzipped);
    });
    await using client = await inject(app);

    // Act
    const moved = await client.request({ path: '/old' });
    const zipped = await client.request({ path: '/zipped' });

    // Assert
    expect(moved.status).toBe(301);
    expect(moved.redirected).toBe(false);
    expect(moved.headers.get('location')).toBe('/new');
    expect(Buffer.from(await zipped.arrayBuffer())).toEqual(gzipped);
    expect(zipped.rawHeaders).toContain('X-Custom-Case');
    expect(zipped.rawHeaders[zipped.rawHeaders.indexOf('X-Custom-Case') + 1]).toBe('kept');
    expect(zipped.headers.get('x-custom-case')).toBe('kept');
  });

  test('a 101 nobody asked for is returned (fetch fails on it)', async () => {
    const app: http.RequestListener = (_req, res) => {
      res.writeHead(101, { Upgrade: 'other' });
      res.end();
    };
    await using client = await inject(app);

    const raw = await client.request({ path: '/' });
    const viaFetch = await failure(client.get('/'));

    expect(raw.status).toBe(101);
    expect(raw.statusText).toBe('Switching Protocols');
    expect(raw.body).toBeNull();
    expect(viaFetch).toBeInstanceOf(TypeError);
  });
});

describe('what fray adds, and only when not named', () => {
  test('Host from baseURL, then the lines as written, the client defaults, cookies and Content-Length', async () => {
    // Arrange
    await using client = await inject(echo, {
      baseURL: 'http://api.test:8080/prefix',
      headers: { authorization: 'Bearer t', 'x-tenant': 'acme' },
      cookies: { session: 's1' },
    });

    // Act
    const sent = (await (
      await client.request({
        method: 'PATCH',
        path: '/a/../b',
        headers: [
          ['X-Tenant', 'other'],
          ['X-Tenant', 'again'],
        ],
        body: 'body',
      })
    ).json()) as Echoed;

    // Assert: the path is not prefixed nor normalized; x-tenant was named, so its default is not added.
    expect(sent.line).toBe('PATCH /a/../b HTTP/1.1');
    expect(sent.rawHeaders).toEqual([
      'Host',
      'api.test:8080',
      'X-Tenant',
      'other',
      'X-Tenant',
      'again',
      'authorization',
      'Bearer t',
      'Cookie',
      'session=s1',
      'Content-Length',
      '4',
    ]);
    expect(sent.body).toBe('body');
  });

  test('named Host, Cookie and Content-Length are sent as they are; cookies: false skips the jar', async () => {
    await using client = await inject(echo, { cookies: { session: 's1' } });

    const named = (await (
      await client.request({
        method: 'POST',
        path: '/',
        headers: { host: 'evil.test', cookie: 'mine=1', 'content-length': '2' },
        body: 'ok',
      })
    ).json()) as Echoed;
    const noJar = (await (await client.request({ path: '/', cookies: false })).json()) as Echoed;

    expect(named.rawHeaders).toEqual(['host', 'evil.test', 'cookie', 'mine=1', 'content-length', '2']);
    expect(noJar.rawHeaders).toEqual(['Host', 'localhost']);
  });

  test('Set-Cookie of a raw response goes into the jar', async () => {
    const app = express();
    app.get('/login', (_req, res) => {
      res.cookie('session', 'abc').send('ok');
    });
    await using client = await inject(app);

    await client.request({ path: '/login' });

    expect(client.cookies?.get('session')).toBe('abc');
  });

  test('a streamed body goes chunk-encoded, and arrives whole', async () => {
    await using client = await inject(echo);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of ['str', 'eam', 'ed']) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });

    const sent = (await (await client.request({ method: 'PUT', path: '/', body: stream })).json()) as Echoed;

    expect(sent.rawHeaders).toEqual(['Host', 'localhost', 'Transfer-Encoding', 'chunked']);
    expect(sent.body).toBe('streamed');
  });
});

describe('timeouts, aborts, failures, overrides', () => {
  test('a handler that never answers fails with FRAY_HTTP_NO_RESPONSE and sees its connection close', async () => {
    let closed = false;
    const app: http.RequestListener = (req, _res) => {
      req.socket.on('close', () => {
        closed = true;
      });
    };
    await using client = await inject(app);

    const error = await failure(client.request({ method: 'TRACE', path: '/slow', timeout: 50 }));
    await tick();

    expect(error).toBeInstanceOf(HttpNoResponseError);
    expect((error as Error).message).toContain('TRACE /slow');
    expect(closed).toBe(true);
  });

  test('an aborted signal rejects with its reason', async () => {
    await using client = await inject(echo);
    const controller = new AbortController();
    controller.abort(new Error('stop'));

    const error = await failure(client.request({ path: '/', signal: controller.signal }));

    expect((error as Error).message).toBe('stop');
  });

  test('a listener that throws fails the request with FRAY_HTTP_HANDLER_FAILED', async () => {
    const listener = (_req: http.IncomingMessage, _res: http.ServerResponse) => {
      throw new Error('boom');
    };
    await using client = await inject(listener);
    await using server = await inject(http.createServer(listener));

    const fromListener = await failure(client.request({ method: 'TRACE', path: '/' }));
    const fromServer = await failure(server.request({ method: 'TRACE', path: '/' }));

    expect(fromListener).toBeInstanceOf(HttpHandlerError);
    expect((fromListener as Error).cause).toMatchObject({ message: 'boom' });
    expect(fromServer).toBeInstanceOf(HttpHandlerError);
  });

  test('fray/di overrides reach the handler through Node’s server', async () => {
    const Greeting = token('Greeting', () => 'production');
    const app = Fastify();
    app.get('/', async () => {
      await tick();
      return use(Greeting);
    });
    await using client = await inject(app, { overrides: [[Greeting, 'client']] });

    const fromClient = await (await client.request({ path: '/' })).text();
    let fromScope: string;
    {
      using _ = override(Greeting, 'scoped');
      fromScope = await (await client.request({ path: '/' })).text();
    }

    expect(fromClient).toBe('client');
    expect(fromScope).toBe('scoped');
  });

  test('a detached request() works', async () => {
    await using client = await inject(echo);
    const { request } = client;

    const response = await request({ method: 'TRACE', path: '/' });

    expect(response.status).toBe(200);
  });
});

describe('fetch handlers', () => {
  const app = new Hono();
  app.all('*', (c) => c.text(`${c.req.method} ${new URL(c.req.url).pathname}`));

  test('what a Request can carry is sent, with the Response’s headers as rawHeaders', async () => {
    await using client = await inject(app);

    const response = await client.request({ method: 'PURGE', path: '/a//b', headers: [['X-A', '1']] });

    expect(await response.text()).toBe('PURGE /a//b');
    expect(response.rawHeaders).toEqual(['content-type', response.headers.get('content-type')]);
  });

  test.each([
    [{ method: 'TRACE', path: '/' }, "'TRACE' HTTP method is unsupported"],
    [{ path: '/', body: 'x' }, 'GET/HEAD method cannot have body'],
    [{ path: '/', httpVersion: '1.0' }, 'HTTP/1.0 cannot be sent to a fetch handler'],
  ])('%o is refused, naming what to inject instead', async (spec, reason) => {
    await using client = await inject(app);

    const error = await failure(client.request(spec));

    expect(error).toBeInstanceOf(HttpUsageError);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain('getRequestListener(app.fetch)');
  });
});

describe('bad specs', () => {
  test.each([
    [{ path: '/', methd: 'TRACE' }, HttpUnknownOptionError, "did you mean 'method'?"],
    [{ method: 'GET' }, HttpUsageError, 'path must be a non-empty string, got undefined'],
    [{ path: '/', headers: [['X-A']] }, HttpUsageError, 'each header must be a [name, value] pair'],
    [{ path: '/', headers: { 'X-A': 1 } }, HttpUsageError, 'header names and values must be strings'],
    [{ path: '/', body: { a: 1 } }, HttpUsageError, 'body must be a string, bytes'],
  ])('%o', async (spec, type, message) => {
    await using client = await inject(echo);

    const error = await failure(client.request(spec as never));

    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toContain(message);
  });
});
