/**
 * The order event stream (server-sent events): read chunk by chunk while the server is still
 * writing — something httpx's ASGITransport cannot do (it buffers the whole response).
 */
import { describe, expect } from 'vitest';
import { test } from './fray.ts';

async function seed(
  client: { post: (path: string, init: { json: unknown }) => Promise<Response> },
  db: { query: <R>(text: string) => Promise<{ rows: R[] }> },
) {
  const user = (await (
    await client.post('/api/v1/users', { json: { name: 'Ada', email: 'ada@example.com' } })
  ).json()) as {
    id: number;
  };
  const { rows } = await db.query<{ id: number }>(
    "insert into products (sku, name, price_cents, stock) values ('LP-1', 'Kind of Blue', 2999, 5) returning id::int",
  );
  return { userId: user.id, productId: (rows[0] as { id: number }).id };
}

describe('GET /api/v1/orders/events', () => {
  test('each order arrives as its own event while the stream stays open', async ({ client, db }) => {
    // Arrange
    const { userId, productId } = await seed(client, db);
    const abort = new AbortController();
    const res = await client.get('/api/v1/orders/events', { signal: abort.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const next = async (): Promise<string> => {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      return decoder.decode(value);
    };

    // Act + Assert: the hello comment, then one event per order, in order
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await next()).toBe(': connected\n\n');
    await client.post('/api/v1/orders', { json: { userId, productId, quantity: 1 } });
    expect(await next()).toMatch(
      /^event: order\ndata: \{"id":\d+,"userId":\d+,"productId":\d+,"quantity":1\}\n\n$/,
    );
    await client.post('/api/v1/orders', { json: { userId, productId, quantity: 2 } });
    expect(await next()).toContain('"quantity":2');

    // The client going away ends the handler's loop (no listener left behind).
    abort.abort();
    await expect(reader.read()).rejects.toThrow();
  });
});
