/**
 * Route behaviour through `inject` (the write-ups' TestAsyncRouteValidation and user
 * endpoint tests), each test on its own rolled-back Postgres view.
 */
import { describe, expect } from 'vitest';
import { config, test } from './fray.ts';

describe('operations', () => {
  test('GET /health checks the database', async ({ client }) => {
    const res = await client.get('/health');

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  test('GET /metrics needs the API key', async ({ client }) => {
    const missing = await client.get('/metrics');
    const wrong = await client.get('/metrics', { headers: { 'x-api-key': 'nope' } });
    const right = await client.get('/metrics', { headers: { 'x-api-key': config.apiKey } });

    expect([missing.status, wrong.status, right.status]).toEqual([401, 403, 200]);
    expect(await right.json()).toMatchObject({ timestamp: expect.any(String), byStatus: expect.any(Object) });
  });
});

describe('/api/v1/users', () => {
  test('an empty list at first', async ({ client }) => {
    const res = await client.get('/api/v1/users');

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  test('POST creates (201) and GET reads it back', async ({ client }) => {
    const created = await client.post('/api/v1/users', { json: { name: 'Ada', email: 'ada@example.com' } });
    const user = (await created.json()) as { id: number };

    const read = await client.get(`/api/v1/users/${user.id}`);

    expect(created.status).toBe(201);
    expect(await read.json()).toEqual({ id: user.id, name: 'Ada', email: 'ada@example.com' });
  });

  test('invalid input is a 422 listing every invalid field', async ({ client }) => {
    const res = await client.post('/api/v1/users', { json: { name: '', email: 'not-an-email' } });

    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        { loc: ['body', 'name'], msg: 'must NOT have fewer than 1 characters', type: 'minLength' },
        { loc: ['body', 'email'], msg: 'must match format "email"', type: 'format' },
      ],
    });
  });

  test('unknown fields are dropped, never stored (Fastify removeAdditional)', async ({ client }) => {
    const res = await client.post('/api/v1/users', {
      json: { name: 'Ada', email: 'ada@example.com', admin: true },
    });

    expect(res.status).toBe(201);
    expect(await res.json()).not.toHaveProperty('admin');
  });

  test('a missing field is named in the 422', async ({ client }) => {
    const res = await client.post('/api/v1/users', { json: { name: 'Ada' } });

    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ['body', 'email'], msg: "must have required property 'email'", type: 'required' }],
    });
  });

  test('unknown ids are 404, malformed ids 422', async ({ client }) => {
    const unknown = await client.get('/api/v1/users/4242');
    const malformed = await client.get('/api/v1/users/abc');

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'user 4242 not found' });
    expect(malformed.status).toBe(422);
  });

  test('PUT updates, DELETE removes (204), and the user is gone', async ({ client }) => {
    const { id } = (await (
      await client.post('/api/v1/users', { json: { name: 'Ada', email: 'ada@example.com' } })
    ).json()) as {
      id: number;
    };

    const updated = await client.put(`/api/v1/users/${id}`, {
      json: { name: 'Ada L.', email: 'ada@example.com' },
    });
    const removed = await client.delete(`/api/v1/users/${id}`);
    const after = await client.get(`/api/v1/users/${id}`);

    expect(await updated.json()).toEqual({ id, name: 'Ada L.', email: 'ada@example.com' });
    expect(removed.status).toBe(204);
    expect(after.status).toBe(404);
  });

  test('a duplicate email is a 409', async ({ client }) => {
    await client.post('/api/v1/users', { json: { name: 'Ada', email: 'ada@example.com' } });

    const res = await client.post('/api/v1/users', { json: { name: 'Imposter', email: 'ada@example.com' } });

    expect(res.status).toBe(409);
  });
});

describe('/api/v1/artists', () => {
  test('an artist with albums is created in one transaction', async ({ client }) => {
    const res = await client.post('/api/v1/artists', {
      json: { name: 'Nina Simone', albums: ['Pastel Blues'] },
    });

    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: 'Nina Simone', albums: ['Pastel Blues'] });
  });

  test('a failing album rolls the artist back: 500, and no artist was stored', async ({ client, db }) => {
    const res = await client.post('/api/v1/artists', { json: { name: 'Miles', albums: ['x'.repeat(201)] } });

    expect(res.status).toBe(500);
    expect((await db.query('select count(*)::int as n from artists')).rows).toEqual([{ n: 0 }]);
  });
});

describe('/api/v1/orders', () => {
  test('an order takes stock (201); past the stock it is a 409', async ({ client, db }) => {
    const user = (await (
      await client.post('/api/v1/users', { json: { name: 'Ada', email: 'ada@example.com' } })
    ).json()) as {
      id: number;
    };
    const { rows } = await db.query<{ id: number }>(
      "insert into products (sku, name, price_cents, stock) values ('LP-1', 'Kind of Blue', 2999, 1) returning id::int",
    );
    const productId = rows[0]?.id;

    const first = await client.post('/api/v1/orders', { json: { userId: user.id, productId, quantity: 1 } });
    const second = await client.post('/api/v1/orders', { json: { userId: user.id, productId, quantity: 1 } });
    const product = await client.get(`/api/v1/products/${productId}`);

    expect([first.status, second.status]).toEqual([201, 409]);
    expect(await product.json()).toMatchObject({ stock: 0 });
  });
});

describe('/webhooks/meli', () => {
  test("the marketplace's order notifications, in order, leave its order paid; a malformed one is a 422", async ({
    client,
  }) => {
    const notify = (type: string, id: number) =>
      client.post('/webhooks/meli', { json: { type, data: { id } } });

    const created = await notify('order.created', 42);
    const paid = await notify('order.paid', 42);
    const order = await client.get('/api/v1/marketplace/orders/42');
    const malformed = await notify('order.shipped', 42);
    const unknown = await client.get('/api/v1/marketplace/orders/43');

    expect([created.status, paid.status]).toEqual([200, 200]);
    expect(await paid.json()).toEqual({ result: 'applied' });
    expect(await order.json()).toEqual({ id: 42, status: 'paid' });
    expect(malformed.status).toBe(422);
    expect(unknown.status).toBe(404);
  });
});
