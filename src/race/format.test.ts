import { Socket } from 'node:net';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { callArgs, count, short } from './format.ts';

describe('short(): values in a report line', () => {
  it('makes a real pg client and pool, an ioredis client and a Fastify instance one token, never a dump of their internals', async () => {
    // Arrange — none of them connects: the objects alone are what a report would print.
    const client = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const redis = new Redis({ lazyConnect: true });
    const app = Fastify();
    try {
      // Act
      const tokens = [client, pool, redis, app, new Socket()].map((value) => short(value));

      // Assert
      expect(tokens).toEqual([
        'pg.Client',
        'pg.Pool',
        'ioredis.Redis',
        expect.stringMatching(/^\{… \d+ members\}$/),
        'Socket',
      ]);
    } finally {
      redis.disconnect();
      await pool.end();
      await app.close();
    }
  });

  it('shows a Response, a Request, an inject request line, a query result, buffers and dates as short tokens', () => {
    // Arrange
    const values = [
      new Response('{}', { status: 201 }),
      new Request('http://shop.test/orders', { method: 'POST' }),
      { method: 'PATCH', url: 'http://localhost/api/v1/products/1' },
      { rows: [{ id: 1 }], rowCount: 1, fields: [] },
      { rows: [], rowCount: 2, fields: [] },
      Buffer.from('hello'),
      new Uint8Array(3),
      new Date(Date.UTC(2026, 0, 1)),
      new TypeError('bad\nsecond line'),
    ];

    // Act
    const tokens = values.map((value) => short(value));

    // Assert
    expect(tokens).toEqual([
      'Response 201',
      'Request POST http://shop.test/orders',
      'PATCH http://localhost/api/v1/products/1',
      'rows [ { id: 1 } ]',
      '2 rows affected',
      'Buffer(5)',
      'Uint8Array(3)',
      '2026-01-01T00:00:00.000Z',
      'TypeError: bad',
    ]);
  });

  it('shows plain data two levels deep, the first entries of collections, and simple class instances', () => {
    // Arrange
    class Order {
      id = 7;
      status = 'paid';
    }
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;

    // Act
    const tokens = [
      { id: 1, tags: ['a', 'b'], deep: { deeper: { deepest: 1 } } },
      [1, 2, 3, 4, 5, 6, 7, 8],
      new Map([['k', { v: 1 }]]),
      new Set([1, 2]),
      new Order(),
      circular,
      { 'x-user-id': '1' },
    ].map((value) => short(value));

    // Assert
    expect(tokens).toEqual([
      "{ id: 1, tags: [ 'a', 'b' ], deep: { deeper: {…} } }",
      '[ 1, 2, 3, 4, 5, 6, … 2 more ]',
      "Map(1) { 'k' => { v: 1 } }",
      'Set(2) { 1, 2 }',
      "Order { id: 7, status: 'paid' }",
      '{ a: 1, self: [Circular] }',
      "{ 'x-user-id': '1' }",
    ]);
  });

  it('bounds the line and the arguments of a call', () => {
    // Arrange
    const sql = `select ${'x, '.repeat(60)}1`;

    // Act
    const line = short({ sql }, 30);
    const args = callArgs([sql, [1, new pg.Pool()]]);

    // Assert
    expect(line).toHaveLength(30);
    expect(line.endsWith('…')).toBe(true);
    expect(args).toMatch(/^\('select x, x, (x, )+x…, \[ 1, pg\.Pool \]\)$/);
    expect(args.length).toBeLessThanOrEqual(92);
  });
});

describe('count', () => {
  it('groups thousands as en-US does, by hand for integers', () => {
    // Arrange
    const numbers = [0, 7, 999, 1000, 12_345, 1_000_000, -4321, 2 ** 40, 2.5, Number.MAX_SAFE_INTEGER + 2];
    // Act / Assert
    for (const n of numbers) expect(count(n)).toBe(n.toLocaleString('en-US'));
  });
});
