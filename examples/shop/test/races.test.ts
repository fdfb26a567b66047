/**
 * Race conditions (the write-ups' TestRaceConditionDetection, done properly): instead of
 * firing a few concurrent requests and hoping, fray/race controls the interleaving of every
 * request, database call and provider call, explores schedules, and replays a failure
 * exactly. The naive code paths are found out; the fixed ones pass every schedule explored.
 */
import { describe, expect } from 'vitest';
import { inject } from 'fray/http';
import { explore, type RaceControl } from 'fray/race';
import type { TestDatabase } from 'fray/db';
import { createFakeMeliProvider } from '../fake-provider/meli-provider.ts';
import { buildApp, type ShopConfig } from '../src/app.ts';
import type { RefreshStrategy } from '../src/meli/token-service.ts';
import type { StockStrategy } from '../src/orders/order-service.ts';
import { Clock, Db, MeliFetch } from '../src/deps.ts';
import { config, EPOCH, test } from './fray.ts';

const SEED = 20_261_121;

/** One run's world: a fresh database view, the shop on it, and a fresh provider. */
async function world(ctl: RaceControl, database: TestDatabase, shop: Partial<ShopConfig>) {
  // On a real server each run gets a whole database, so transactions race on separate
  // connections and real row locks. On PGlite, isolated() views (which run transactions one
  // at a time: there the fixed path is checked against every interleaving of statements).
  const view = database.info.engine === 'postgres' ? await database.fresh() : await database.isolated();
  // Identity sequences are not transactional: ids keep growing across rolled-back views.
  const users = await view.query<{ id: number }>(
    "insert into users (name, email) values ('Ada', 'ada@example.com'), ('Bob', 'bob@example.com') returning id::int",
  );
  const [ada, bob] = users.rows.map((row) => row.id) as [number, number];
  const product = await view.query<{ id: number }>(
    "insert into products (sku, name, price_cents, stock) values ('LP-1', 'Kind of Blue', 2999, 1) returning id::int",
  );
  const productId = (product.rows[0] as { id: number }).id;
  const provider = createFakeMeliProvider();
  const grant = provider.grant(ada);
  // The access token expired an hour ago: the next request must refresh it.
  await view.query(
    'insert into meli_tokens (user_id, access_token, refresh_token, expires_at) values ($1, $2, $3, $4)',
    [ada, grant.accessToken, grant.refreshToken, new Date(EPOCH - 3_600_000).toISOString()],
  );
  const marketplace = await inject(provider.app, { baseURL: config.meli.baseUrl });
  const client = await inject(buildApp({ ...config, ...shop }), {
    overrides: [
      [Db, ctl.wrap(view.pool, 'db')],
      [MeliFetch, (input: string, init?: RequestInit) => marketplace.fetch(input, init)],
      [Clock, () => EPOCH],
    ],
  });
  return { view, client, marketplace, provider, ada, bob, productId };
}

type World = Awaited<ReturnType<typeof world>>;

async function teardown({ client, marketplace, view }: World): Promise<void> {
  await client.close();
  await marketplace.close();
  await view.dispose();
}

function oversell(database: TestDatabase, stock: StockStrategy, runs: number) {
  // On a real server the fix's transactions wait on each other's row lock: each wait costs
  // `blockedAfter` of real time before fray calls the task blocked, so fewer runs.
  const onServer = database.info.engine === 'postgres';
  return explore({
    name: `shop: two buyers, one record (${stock})`,
    seed: SEED,
    runs: onServer && stock === 'conditional' ? Math.min(runs, 30) : runs,
    ...(onServer ? { blockedAfter: 400 } : {}),
    quiet: true,
    setup: (ctl) => world(ctl, database, { stock }),
    teardown,
    tasks: ({ client, ada, bob, productId }) => ({
      ada: async () =>
        (await client.post('/api/v1/orders', { json: { userId: ada, productId, quantity: 1 } })).status,
      bob: async () =>
        (await client.post('/api/v1/orders', { json: { userId: bob, productId, quantity: 1 } })).status,
    }),
    check: async ({ view, productId }) => {
      const { rows } = await view.query<{ sold: number; stock: number }>(
        'select (select coalesce(sum(quantity), 0)::int from orders) as sold, stock from products where id = $1',
        [productId],
      );
      expect(rows[0], 'one record in stock: at most one sold').toEqual({ sold: 1, stock: 0 });
    },
  });
}

function tokenRefresh(database: TestDatabase, refresh: RefreshStrategy, runs: number) {
  return explore({
    name: `shop: two requests refresh one token (${refresh})`,
    seed: SEED,
    runs,
    quiet: true,
    setup: (ctl) => world(ctl, database, { refresh }),
    teardown,
    tasks: ({ client, ada }) => ({
      profile: async () => (await client.get('/meli/user', { headers: { 'x-user-id': String(ada) } })).status,
      products: async () =>
        (await client.get('/meli/products', { headers: { 'x-user-id': String(ada) } })).status,
    }),
    // Timers are virtual: fray may also fire the client's 2 s timeout before the provider
    // answers (a slow provider), and the request then fails with 502. That is not this race.
    // The invariant: a rotated refresh token is never presented again, so no request is
    // refused (401) because another one refreshed first.
    check: ({ provider }, outcomes) => {
      expect(provider.stats.reusedRefreshTokens, 'a rotated refresh token was presented again').toEqual([]);
      expect(outcomes.profile).not.toMatchObject({ value: 401 });
      expect(outcomes.products).not.toMatchObject({ value: 401 });
    },
  });
}

describe('oversell: stock taken by read-modify-write', () => {
  test('the naive path sells the last record twice, and the replay reproduces it', async ({
    frayDatabase,
  }) => {
    const result = await oversell(frayDatabase, 'naive', 300);

    expect(result.ok).toBe(false);
    expect(result.failure?.reproduced).toBe(true);
    process.stdout.write(`${result.failure?.report ?? ''}\n`);
  });

  test('the conditional update passes every schedule explored', async ({ frayDatabase }) => {
    const result = await oversell(frayDatabase, 'conditional', 300);

    expect(result).toBeRaceFree();
  });
});

describe('token refresh with rotating refresh tokens', () => {
  test('the naive refresh presents one refresh token twice', async ({ frayDatabase }) => {
    const result = await tokenRefresh(frayDatabase, 'naive', 300);

    expect(result.ok).toBe(false);
    expect(result.failure?.reproduced).toBe(true);
  });

  test('single-flight refresh passes every schedule explored', async ({ frayDatabase }) => {
    const result = await tokenRefresh(frayDatabase, 'single-flight', 300);

    expect(result).toBeRaceFree();
  });
});
