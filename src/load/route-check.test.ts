import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { inject } from '../http/index.ts';
import { containsJson, runRouteChecks, validateRouteChecks } from './index.ts';

describe('containsJson', () => {
  test.each([
    [{ a: 1 }, { a: 1, b: 2 }, true],
    [{ a: { b: 1 } }, { a: { b: 1, c: 2 } }, true],
    [[{ id: 1 }], [{ id: 1, x: 2 }], true],
    [[{ id: 1 }], [{ id: 1 }, { id: 2 }], false],
    [{ a: 1 }, { a: '1' }, false],
    [{ a: undefined }, {}, false],
    ['ok', 'ok', true],
    [{ a: 1 }, [1], false],
  ])('%j in %j → %s', (expected, actual, result) => {
    expect(containsJson(expected, actual)).toBe(result);
  });
});

describe('runRouteChecks', () => {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok', version: 3 }, 200, { 'x-served-by': 'shop' }));
  app.get('/broken', (c) => c.json({ error: 'boom' }, 500));
  app.get('/text', (c) => c.text('plain'));

  test('passes when status, headers and JSON match; fails naming what differed', async () => {
    // Arrange
    await using client = await inject(app);

    // Act
    const results = await runRouteChecks(
      client,
      [
        {
          request: { path: '/health' },
          expect: { status: 200, json: { status: 'ok' }, headers: { 'x-served-by': 'shop' } },
        },
        { name: 'broken route', request: { path: '/broken' }, expect: { status: [200, 204] } },
        { request: { path: '/health' }, expect: { status: 200, json: { status: 'down' } } },
        { request: { path: '/text' }, expect: { status: 200, json: { a: 1 } } },
      ],
      () => 0,
    );

    // Assert
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['GET /health', 'passed'],
      ['broken route', 'failed'],
      ['GET /health', 'failed'],
      ['GET /text', 'failed'],
    ]);
    expect(results[1]?.detail).toBe('status 500, expected 200 or 204');
    expect(results[2]?.detail).toBe('body {"status":"ok","version":3} does not contain {"status":"down"}');
    expect(results[3]?.detail).toBe('body is not JSON: "plain"');
  });

  test('a request that throws is a failed check, not a crash', async () => {
    const client = { fetch: () => Promise.reject(new Error('ECONNREFUSED')) };

    const [result] = await runRouteChecks(
      client,
      [{ request: { path: '/x' }, expect: { status: 200 } }],
      () => 0,
    );

    expect(result).toEqual({
      name: 'GET /x',
      status: 'failed',
      detail: 'request failed: ECONNREFUSED',
      ms: 0,
    });
  });
});

describe('validateRouteChecks', () => {
  test.each([
    ['not a list', { request: { path: '/' } }, 'checks: must be a list'],
    [
      'no status',
      [{ request: { path: '/' }, expect: {} }],
      'checks[0].expect.status: must be an HTTP status',
    ],
    ['bad status', [{ request: { path: '/' }, expect: { status: 42 } }], 'checks[0].expect.status'],
    ['no path', [{ request: {}, expect: { status: 200 } }], 'checks[0].request'],
  ])('%s is refused with FRAY_LOAD_OPTIONS', (_label, checks, message) => {
    let error: unknown;
    try {
      validateRouteChecks(checks);
    } catch (caught) {
      error = caught;
    }
    expect(isFrayError(error) && error.code).toBe('FRAY_LOAD_OPTIONS');
    expect((error as Error).message).toContain(message);
  });
});
