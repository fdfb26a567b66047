/**
 * A handler that never responds fails with FRAY_HTTP_NO_RESPONSE after `timeout`; an aborted
 * request reaches the handler as a closed request; closing the client ends what is in
 * flight; handlers that throw are reported with the request they were handling.
 */
import http from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { describe, expect, test, vi } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { inject } from './index.ts';

function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** What the handler saw of its request when the connection closed. */
interface Seen {
  requestDestroyed: boolean;
  /** `req.signal` (Node ≥ 24) aborted; `undefined` where Node has no `req.signal`. */
  signalAborted: boolean | undefined;
  responseClosed: boolean;
}

/** What a handler sees when its client gives up, on this Node version. */
const GAVE_UP: Seen = {
  requestDestroyed: true,
  signalAborted: 'signal' in http.IncomingMessage.prototype ? true : undefined,
  responseClosed: true,
};

/** A node handler that never answers and reports how its request ended. */
function hangingHandler(): { handler: http.RequestListener; seen: Promise<Seen>; started: Promise<void> } {
  const seen = gate<Seen>();
  const started = gate();
  const handler: http.RequestListener = (req, res) => {
    const signal = (req as http.IncomingMessage & { signal?: AbortSignal }).signal;
    res.on('close', () => {
      seen.open({ requestDestroyed: req.destroyed, signalAborted: signal?.aborted, responseClosed: true });
    });
    started.open();
  };
  return { handler, seen: seen.promise, started: started.promise };
}

describe('timeout', () => {
  test('a handler that never responds fails with FRAY_HTTP_NO_RESPONSE naming method and path', async () => {
    // Arrange
    const { handler, seen } = hangingHandler();
    await using client = await inject(handler, { timeout: 50 });

    // Act
    const error = await failure(client.post('/orders/7?dry=1', { json: { sku: 'x' } }));

    // Assert
    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_NO_RESPONSE');
    expect((error as Error).message).toContain(
      'POST /orders/7: the app did not start responding within 50 ms',
    );
    expect((error as { url: string }).url).toBe('http://localhost/orders/7?dry=1');
    // The app sees the client give up, as when a real client disconnects.
    expect(await seen).toEqual(GAVE_UP);
  });

  test('a fetch handler that never answers fails the same way, and sees its signal abort', async () => {
    const aborted = gate<unknown>();
    const handler = (request: Request): Promise<Response> => {
      request.signal.addEventListener('abort', () => aborted.open(request.signal.reason));
      return new Promise<Response>(() => undefined);
    };
    await using client = await inject(handler, { timeout: 30 });

    const error = await failure(client.get('/never'));

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_NO_RESPONSE');
    expect((error as Error).message).toContain('GET /never');
    expect(await aborted.promise).toBe(error);
  });

  test('a per-request timeout overrides the client’s; 0 disables it', async () => {
    const { handler } = hangingHandler();
    await using client = await inject(handler, { timeout: 0 });

    const error = await failure(client.get('/slow', { timeout: 20 }));

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_NO_RESPONSE');
  });

  test('a streaming body is not cut by the timeout once the head arrived', async () => {
    const done = gate();
    const app = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      if (req.url === '/hang') return;
      res.writeHead(200);
      res.write('partial ');
      void done.promise.then(() => res.end('rest'));
    };
    await using client = await inject(app, { timeout: 20 });

    const response = await client.get('/stream');
    const body = response.text();
    // A request started later times out: the first one's deadline has certainly passed too.
    const later = await failure(client.get('/hang'));
    done.open();

    expect(isFrayError(later) && later.code).toBe('FRAY_HTTP_NO_RESPONSE');
    expect(await body).toBe('partial rest');
  });
});

describe('fake timers', () => {
  test('a test’s fake timers stall neither requests nor their timeout', async () => {
    vi.useFakeTimers();
    try {
      const app: http.RequestListener = (req, res) => {
        if (req.url === '/ok') res.end('ok');
      };
      await using client = await inject(app, { timeout: 30 });

      const ok = await client.get('/ok');
      const hung = await failure(client.get('/hang'));

      expect(await ok.text()).toBe('ok');
      expect(isFrayError(hung) && hung.code).toBe('FRAY_HTTP_NO_RESPONSE');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('AbortSignal', () => {
  test('aborting before the response rejects like fetch and closes the handler’s request', async () => {
    const { handler, seen, started } = hangingHandler();
    await using client = await inject(handler);
    const controller = new AbortController();

    const pending = client.get('/wait', { signal: controller.signal });
    await started;
    controller.abort();
    const error = await failure(pending);

    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(await seen).toEqual(GAVE_UP);
  });

  test('an already aborted signal rejects with its reason and never reaches the app', async () => {
    let called = false;
    await using client = await inject((_req: http.IncomingMessage, res: http.ServerResponse) => {
      called = true;
      res.end();
    });

    const error = await failure(client.get('/', { signal: AbortSignal.abort(new Error('gave up')) }));

    expect(error).toEqual(new Error('gave up'));
    expect(called).toBe(false);
  });

  test('aborting after the head errors the body and closes the connection', async () => {
    const closed = gate();
    const app = express();
    app.get('/stream', (_req, res) => {
      res.write('first');
      res.on('close', () => closed.open());
    });
    await using client = await inject(app);
    const controller = new AbortController();

    const response = await client.get('/stream', { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();

    const error = await failure(reader.read());
    await closed.promise;
    expect((error as DOMException).name).toBe('AbortError');
  });

  test('a fetch handler sees its request’s signal abort', async () => {
    const reason = gate<unknown>();
    const started = gate();
    const app = new Hono();
    app.get('/wait', (c) => {
      c.req.raw.signal.addEventListener('abort', () => reason.open(c.req.raw.signal.reason));
      started.open();
      return new Promise<Response>(() => undefined);
    });
    await using client = await inject(app);
    const controller = new AbortController();

    const pending = client.get('/wait', { signal: controller.signal });
    await started.promise;
    controller.abort(new Error('user left'));

    expect(await failure(pending)).toEqual(new Error('user left'));
    expect(await reason.promise).toEqual(new Error('user left'));
  });
});

describe('closing the client', () => {
  test('aborts requests in flight with FRAY_HTTP_CLIENT_CLOSED and refuses new ones', async () => {
    const { handler, seen, started } = hangingHandler();
    const client = await inject(handler);

    const pending = client.get('/wait');
    await started;
    await client.close();
    const during = await failure(pending);
    const after = await failure(client.get('/later'));

    expect(isFrayError(during) && during.code).toBe('FRAY_HTTP_CLIENT_CLOSED');
    expect((during as Error).message).toContain('GET /wait');
    expect(isFrayError(after) && after.code).toBe('FRAY_HTTP_CLIENT_CLOSED');
    expect((await seen).responseClosed).toBe(true);
    expect(client.closed).toBe(true);
  });
});

describe('handlers that fail', () => {
  test('a node listener that throws fails the request with FRAY_HTTP_HANDLER_FAILED and the cause', async () => {
    await using client = await inject((_req: http.IncomingMessage, _res: http.ServerResponse) => {
      throw new TypeError('boom');
    });

    const error = await failure(client.delete('/items/1'));

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_HANDLER_FAILED');
    expect((error as Error).message).toContain('DELETE /items/1');
    expect((error as Error).cause).toEqual(new TypeError('boom'));
  });

  test('an async node listener that rejects is reported the same way', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async listener that rejects
    await using client = await inject(async (_req: http.IncomingMessage, _res: http.ServerResponse) => {
      throw new Error('async boom');
    });

    const error = await failure(client.get('/'));

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_HANDLER_FAILED');
    expect((error as Error).cause).toEqual(new Error('async boom'));
  });

  test('a fetch handler that returns no Response is reported', async () => {
    await using client = await inject(() => ({ ok: true }) as unknown as Response, { kind: 'fetch' });

    const error = await failure(client.get('/'));

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_HANDLER_FAILED');
    expect((error as Error).message).toContain('returned an object (Object) instead of a Response');
  });

  test('a response the app breaks off after sending part of it errors the body like fetch ("terminated")', async () => {
    await using client = await inject((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
      // Destroyed once the part was flushed to the connection.
      setImmediate(() => res.destroy());
    });

    const response = await client.get('/');
    const error = await failure(response.text());

    expect(response.status).toBe(200);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
    expect(((error as Error).cause as Error).message).toBe('other side closed');
  });

  test('a connection the app destroys before anything was flushed fails like fetch ("fetch failed")', async () => {
    // res.write() corks the socket until the next tick: a real server sends nothing either.
    await using client = await inject((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('never flushed');
      res.socket?.destroy();
    });

    const error = await failure(client.get('/'));

    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(((error as Error).cause as Error).message).toBe('other side closed');
  });
});
