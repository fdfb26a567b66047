/**
 * The marketplace integration (the write-ups' /meli/user and /meli/products tests): the
 * provider is an in-process Hono app reached through `inject`; tokens live in the test's
 * database; expiry is driven by the test's clock.
 */
import { describe, expect } from 'vitest';
import { asyncMock } from 'fray/mock';
import { inject } from 'fray/http';
import { buildApp } from '../src/app.ts';
import { Clock, Db, MeliFetch } from '../src/deps.ts';
import { config, connectedUser, EPOCH, test } from './fray.ts';

const HOUR = 3_600_000;

describe('GET /meli/user and /meli/products', () => {
  test('with a valid token: the provider’s user, no refresh', async ({ client, db, provider }) => {
    const userId = await connectedUser(client, db, provider, EPOCH + 6 * HOUR);

    const res = await client.get('/meli/user', { headers: { 'x-user-id': String(userId) } });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: 1000 + userId,
      nickname: `SELLER_${userId}`,
      email: `seller${userId}@example.com`,
    });
    expect(provider.stats.refreshes).toBe(0);
  });

  test('products of the seller', async ({ client, db, provider }) => {
    const userId = await connectedUser(client, db, provider, EPOCH + 6 * HOUR);

    const res = await client.get('/meli/products', { headers: { 'x-user-id': String(userId) } });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      seller: `SELLER_${userId}`,
      products: [{ title: 'Vinyl record player' }, { title: 'Headphones' }],
    });
  });

  test('an expired token is refreshed once, rotated, and stored', async ({ client, db, provider, clock }) => {
    const userId = await connectedUser(client, db, provider, EPOCH + 6 * HOUR);
    clock.advance(7 * HOUR);

    const res = await client.get('/meli/user', { headers: { 'x-user-id': String(userId) } });
    const stored = await db.query<{ refresh_token: string; expires_at: Date }>(
      'select refresh_token, expires_at from meli_tokens where user_id = $1',
      [userId],
    );

    expect(res.status).toBe(200);
    expect(provider.stats.refreshes).toBe(1);
    expect(stored.rows[0]?.refresh_token).toMatch(/^TG-/);
    expect(new Date(stored.rows[0]?.expires_at ?? 0).getTime()).toBe(clock.now() + 21_600_000);
  });

  test('a user without a connected account gets 401, without calling the provider', async ({
    client,
    provider,
  }) => {
    const res = await client.get('/meli/user', { headers: { 'x-user-id': '77' } });

    expect(res.status).toBe(401);
    expect(provider.stats.requests).toBe(0);
  });
});

describe('the provider as a mocked dependency, with awaited assertions', () => {
  test('every provider call is awaited; none floats', async ({ db, provider, clock }) => {
    // Arrange: the real provider behind an async mock that records each call and await.
    await using marketplace = await inject(provider.app, { baseURL: config.meli.baseUrl });
    const meliFetch = asyncMock((input: string, init?: RequestInit) => marketplace.fetch(input, init), {
      name: 'MeliFetch',
    });
    await using client = await inject(buildApp(config), {
      overrides: [
        [Db, db.pool],
        [MeliFetch, meliFetch],
        [Clock, () => clock.now()],
      ],
    });
    const userId = await connectedUser(client, db, provider, EPOCH - 1);

    // Act
    const res = await client.get('/meli/products', { headers: { 'x-user-id': String(userId) } });

    // Assert: refresh, /users/me, search — in that order, each awaited.
    expect(res.status).toBe(200);
    expect(meliFetch.awaits.map(([url]) => new URL(url).pathname)).toEqual([
      '/oauth/token',
      '/users/me',
      '/sites/MLA/search',
    ]);
    meliFetch.assertNoFloating();
  });

  test('a provider failure becomes 502 for the caller, after the retries', async ({
    db,
    provider,
    clock,
  }) => {
    const failing = asyncMock<(input: string, init?: RequestInit) => Promise<Response>>().implement(() =>
      Promise.resolve(new Response('{"error":"down"}', { status: 503 })),
    );
    await using client = await inject(buildApp({ ...config, meli: { ...config.meli, backoffMs: 0 } }), {
      overrides: [
        [Db, db.pool],
        [MeliFetch, failing],
        [Clock, () => clock.now()],
      ],
    });
    const userId = await connectedUser(client, db, provider, EPOCH + HOUR * 6);

    const res = await client.get('/meli/user', { headers: { 'x-user-id': String(userId) } });

    expect(res.status).toBe(502);
    expect(failing.awaitCount).toBe(1 + config.meli.retries!);
  });
});
