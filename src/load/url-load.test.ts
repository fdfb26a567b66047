/**
 * load() against loopback URLs: the worker thread, fray's HTTP/1.1 pool, errors by kind,
 * timeouts, request functions (main thread and module), and refusal of remote hosts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { load } from './load.ts';
import { resolveTarget } from './target.ts';

interface Seen {
  method: string;
  url: string;
  body: string;
  type: string | undefined;
}

const seen: Seen[] = [];
let server: Server;
let base = '';

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const url = req.url ?? '/';
    seen.push({
      method: req.method ?? '',
      url,
      body: Buffer.concat(chunks).toString(),
      type: req.headers['content-type'],
    });
    if (url.startsWith('/fail')) {
      res.statusCode = 500;
      res.end('broken');
    } else if (url.startsWith('/reset')) {
      req.socket.destroy();
    } else if (url.startsWith('/hang')) {
      // never answers
    } else if (url.startsWith('/chunked')) {
      res.write('a');
      res.end('b');
    } else {
      res.end('ok');
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('URL targets', () => {
  test('declarative requests run round-robin from a worker thread', async () => {
    // Arrange
    seen.length = 0;
    // Act
    const report = await load(base, {
      request: [{ path: '/a' }, { method: 'POST', path: '/b', json: { x: 1 } }, { path: '/chunked' }],
      concurrency: 3,
      requests: 90,
      warmup: 0,
    });
    // Assert
    const level = report.levels[0];
    expect(level?.requests).toBe(90);
    expect(level?.successRate).toBe(1);
    expect(level?.generator.thread).toBe('worker');
    expect(report.target).toEqual({ kind: 'url', url: `${base}/` });
    expect(seen.filter((s) => s.url === '/a')).toHaveLength(30);
    expect(seen.find((s) => s.url === '/b')).toEqual({
      method: 'POST',
      url: '/b',
      body: '{"x":1}',
      type: 'application/json',
    });
  });

  test('statuses, resets and timeouts are errors by kind; good requests keep flowing', async () => {
    const report = await load(base, {
      request: [{ path: '/ok' }, { path: '/fail' }, { path: '/reset' }, { path: '/ok' }],
      concurrency: 2,
      requests: 80,
    });
    expect(report.levels[0]?.errors).toEqual({ 'status 500': 20, ECONNRESET: 20 });
    expect(report.levels[0]?.successRate).toBe(0.5);
    expect(report.levels[0]?.errorSamples['status 500']).toMatch(/^500/);

    const hung = await load(base, {
      request: [{ path: '/hang' }, { path: '/ok' }, { path: '/ok' }],
      concurrency: 1,
      requests: 9,
      timeout: '80ms',
    });
    expect(hung.levels[0]?.errors).toEqual({ timeout: 3 });
    expect(hung.levels[0]?.requests).toBe(9);
  });

  test('the open model reports corrected and uncorrected latency from the worker', async () => {
    const report = await load(base, { request: { path: '/ok' }, rate: 400, requests: 40 });
    expect(report.levels[0]).toMatchObject({ rate: 400, requests: 40, arrivals: 40, dropped: 0 });
    expect(report.levels[0]?.uncorrectedLatency?.p50).toBeGreaterThan(0);
  });

  test("a request function runs on the caller's thread with thread: 'main'", async () => {
    seen.length = 0;
    const report = await load(base, {
      thread: 'main',
      request: async (client, i) => {
        const response = await client.post(`/items/${i}`, { json: { i } });
        return response;
      },
      concurrency: 2,
      requests: 10,
    });
    expect(report.levels[0]?.successRate).toBe(1);
    expect(report.levels[0]?.generator.thread).toBe('main');
    expect(seen.map((s) => s.body).sort()).toContain('{"i":3}');
  });

  test('a request function in a module runs inside the worker', async () => {
    seen.length = 0;
    const module = new URL('../../test/fixtures/load/request-module.ts', import.meta.url);
    const report = await load(base, { request: { module, export: 'postItem' }, concurrency: 2, requests: 6 });
    expect(report.levels[0]?.successRate).toBe(1);
    expect(report.levels[0]?.generator.thread).toBe('worker');
    expect(seen.map((s) => s.url)).toContain('/items?from=module');
    const nested = await load(base, {
      request: { module, export: 'default.nested.getItem' },
      concurrency: 1,
      requests: 2,
    });
    expect(nested.levels[0]?.requests).toBe(2);
  });

  test('functions cannot cross into the worker: a clear error', async () => {
    const error = await load(base, { request: (client) => client.get('/'), requests: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isFrayError(error) && error.code).toBe('FRAY_LOAD_OPTIONS');
    expect((error as Error).message).toMatch(/cannot cross into the worker thread[\s\S]*thread: 'main'/);
    const missing = await load(base, {
      request: {
        module: new URL('../../test/fixtures/load/request-module.ts', import.meta.url),
        export: 'nope',
      },
      requests: 1,
    }).catch((e: unknown) => e);
    expect(isFrayError(missing) && missing.code).toBe('FRAY_LOAD_OPTIONS');
  });
});

describe('remote hosts', () => {
  test('an IPv4-mapped address outside 127/8 is still remote', async () => {
    const error = await resolveTarget('http://[::ffff:10.0.0.1]:1/', { allowRemote: false, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(isFrayError(error) && error.code).toBe('FRAY_LOAD_REMOTE_REFUSED');
  });

  test('a non-loopback URL is refused before any traffic', async () => {
    const error = await load('http://192.0.2.10:8080/', { request: { path: '/' }, requests: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isFrayError(error) && error.code).toBe('FRAY_LOAD_REMOTE_REFUSED');
    expect((error as Error).message).toMatch(/`allowRemote: true` or set FRAY_LOAD_REMOTE=1/);
  });

  test('allowRemote or FRAY_LOAD_REMOTE=1 lets it through; loopback forms are accepted', async () => {
    await expect(resolveTarget('http://192.0.2.10/', { allowRemote: true })).resolves.toMatchObject({
      kind: 'url',
    });
    await expect(
      resolveTarget('http://192.0.2.10/', { allowRemote: false, env: { FRAY_LOAD_REMOTE: '1' } }),
    ).resolves.toMatchObject({ kind: 'url' });
    for (const url of [
      'http://127.0.0.2:1/',
      'http://[::1]:1/',
      'http://localhost:1/',
      'http://[::ffff:127.0.0.1]:1/',
      'http://[0:0:0:0:0:ffff:7f00:1]:1/',
    ]) {
      await expect(resolveTarget(url, { allowRemote: false, env: {} })).resolves.toMatchObject({
        kind: 'url',
      });
    }
  });
});
