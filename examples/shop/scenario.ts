/**
 * The shop's async audit, run by `fray run examples/shop/scenario.ts` (`npm run demo`):
 * race checks on the real code paths, load levels 10/20/50/100 with gates, and the reports.
 *
 * Everything runs in-process on embedded PGlite (or on the PostgreSQL server in
 * DATABASE_URL), with the marketplace simulated by an in-process Hono app: no network.
 *
 * @module
 */
import { createTestDatabase, type TestDatabase } from 'fray/db';
import { overrideScope } from 'fray/di';
import { inject } from 'fray/http';
import { defineScenario } from 'fray/load';
import type { ExploreOptions, RaceControl, TaskSet } from 'fray/race';
import { createFakeMeliProvider } from './fake-provider/meli-provider.ts';
import { buildApp, type ShopConfig } from './src/app.ts';
import { shopConfig } from './src/config.ts';
import { migrationsDir } from './src/db/database.ts';
import { Clock, Db, MeliFetch } from './src/deps.ts';

const config = shopConfig();
const EPOCH = Date.UTC(2026, 0, 1);

let database: Promise<TestDatabase> | undefined;

/** One migrated database for the whole audit: PGlite, or the server in DATABASE_URL. */
function shopDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  database ??= createTestDatabase({
    ...(url === undefined ? { engine: 'pglite' as const } : { engine: 'postgres' as const, url }),
    migrate: migrationsDir,
    name: 'shop-demo',
  });
  return database;
}

/** One exploration run's world: a rolled-back view, seeded, with the shop on it. */
async function raceWorld(ctl: RaceControl, shop: Partial<ShopConfig>) {
  const database = await shopDatabase();
  // On a real server each run gets a whole database, so transactions race on separate
  // connections and real row locks. On PGlite, isolated() views (which run transactions one
  // at a time: there the fixed path is checked against every interleaving of statements).
  const view = database.info.engine === 'postgres' ? await database.fresh() : await database.isolated();
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

type RaceWorld = Awaited<ReturnType<typeof raceWorld>>;

async function closeWorld({ client, marketplace, view }: RaceWorld): Promise<void> {
  await client.close();
  await marketplace.close();
  await view.dispose();
}

/** A real server (DATABASE_URL) rather than embedded PGlite. */
const onServer = process.env.DATABASE_URL !== undefined;

function oversell(stock: ShopConfig['stock'] & string): ExploreOptions<RaceWorld, TaskSet> {
  return {
    name: `two buyers, one record in stock (${stock})`,
    seed: 20_261_121,
    // On a real server the fix's transactions wait on each other's row lock: each wait
    // costs `blockedAfter` of real time before fray calls the task blocked, so fewer runs.
    runs: onServer && stock === 'conditional' ? 30 : 200,
    ...(onServer ? { blockedAfter: 400 } : {}),
    setup: (ctl) => raceWorld(ctl, { stock }),
    teardown: closeWorld,
    tasks: ({ client, ada, bob, productId }) => ({
      ada: async () =>
        (await client.post('/api/v1/orders', { json: { userId: ada, productId, quantity: 1 } })).status,
      bob: async () =>
        (await client.post('/api/v1/orders', { json: { userId: bob, productId, quantity: 1 } })).status,
    }),
    check: async ({ view, productId }) => {
      const { rows } = await view.query<{ sold: number }>(
        'select coalesce(sum(quantity), 0)::int as sold from orders where product_id = $1',
        [productId],
      );
      const sold = rows[0]?.sold ?? 0;
      if (sold > 1) throw new Error(`sold ${sold} copies of a record with 1 in stock`);
    },
  };
}

function tokenRefresh(refresh: ShopConfig['refresh'] & string): ExploreOptions<RaceWorld, TaskSet> {
  return {
    name: `two requests refresh one marketplace token (${refresh})`,
    seed: 20_261_121,
    runs: 200,
    setup: (ctl) => raceWorld(ctl, { refresh }),
    teardown: closeWorld,
    tasks: ({ client, ada }) => ({
      profile: async () => (await client.get('/meli/user', { headers: { 'x-user-id': String(ada) } })).status,
      products: async () =>
        (await client.get('/meli/products', { headers: { 'x-user-id': String(ada) } })).status,
    }),
    check: ({ provider }) => {
      const reused = provider.stats.reusedRefreshTokens;
      if (reused.length > 0) throw new Error(`rotated refresh token presented again: ${reused.join(', ')}`);
    },
  };
}

export default defineScenario({
  name: 'shop audit',
  app: async () => {
    const db = await shopDatabase();
    // A whole database for the load: its requests commit for real.
    const fresh = await db.fresh();
    await fresh.query(
      "insert into users (name, email) select 'user ' || n, 'user' || n || '@example.com' from generate_series(1, 20) as n",
    );
    await fresh.query(
      "insert into products (sku, name, price_cents, stock) select 'SKU-' || n, 'Record ' || n, 1999, 1000000 from generate_series(1, 20) as n",
    );
    const provider = createFakeMeliProvider();
    const grant = provider.grant(1);
    await fresh.query(
      'insert into meli_tokens (user_id, access_token, refresh_token, expires_at) values (1, $1, $2, $3)',
      [grant.accessToken, grant.refreshToken, new Date(Date.now() + 6 * 3_600_000).toISOString()],
    );
    const marketplace = await inject(provider.app, { baseURL: config.meli.baseUrl });
    const scope = overrideScope([
      [Db, fresh.pool],
      [MeliFetch, (input: string, init?: RequestInit) => marketplace.fetch(input, init)],
      [Clock, () => Date.now()],
    ]);
    return {
      app: buildApp(config, { around: (handle) => scope.run(handle) }),
      close: async () => {
        await marketplace.close();
        await fresh.dispose();
        await db.end();
      },
    };
  },
  // The route behaviour the suite checks in detail, once each against the running app.
  checks: [
    { request: { path: '/health' }, expect: { status: 200, json: { status: 'ok', database: 'ok' } } },
    { request: { path: '/metrics' }, expect: { status: 401 } },
    { request: { path: '/metrics', headers: { 'x-api-key': config.apiKey } }, expect: { status: 200 } },
    {
      name: 'POST /api/v1/users (valid)',
      request: { method: 'POST', path: '/api/v1/users', json: { name: 'Grace', email: 'grace@example.com' } },
      expect: { status: 201, json: { name: 'Grace', email: 'grace@example.com' } },
    },
    {
      name: 'POST /api/v1/users (invalid: 422 with details)',
      request: { method: 'POST', path: '/api/v1/users', json: { name: '', email: 'nope' } },
      expect: { status: 422, json: { detail: [{ loc: ['body', 'name'] }, { loc: ['body', 'email'] }] } },
    },
    {
      name: 'POST /api/v1/users (duplicate email: 409)',
      request: { method: 'POST', path: '/api/v1/users', json: { name: 'Grace', email: 'grace@example.com' } },
      expect: { status: 409 },
    },
    { request: { path: '/api/v1/users/7' }, expect: { status: 200, json: { id: 7, name: 'user 7' } } },
    { request: { path: '/api/v1/users/999999' }, expect: { status: 404 } },
    {
      name: 'POST /api/v1/artists (with albums)',
      request: {
        method: 'POST',
        path: '/api/v1/artists',
        json: { name: 'Nina Simone', albums: ['Pastel Blues'] },
      },
      expect: { status: 201, json: { name: 'Nina Simone', albums: ['Pastel Blues'] } },
    },
    {
      name: 'POST /api/v1/orders',
      request: { method: 'POST', path: '/api/v1/orders', json: { userId: 1, productId: 1, quantity: 2 } },
      expect: { status: 201, json: { userId: 1, productId: 1, quantity: 2 } },
    },
    {
      request: { path: '/meli/user', headers: { 'x-user-id': '1' } },
      expect: { status: 200, json: { nickname: 'SELLER_1' } },
    },
    {
      request: { path: '/meli/products', headers: { 'x-user-id': '1' } },
      expect: { status: 200, json: { seller: 'SELLER_1' } },
    },
    { request: { path: '/meli/user', headers: { 'x-user-id': '2' } }, expect: { status: 401 } },
  ],
  request: [
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/api/v1/users/7' },
    { method: 'GET', path: '/api/v1/products/3' },
    { method: 'GET', path: '/meli/user', headers: { 'x-user-id': '1' } },
  ],
  concurrency: [10, 20, 50, 100],
  duration: '3s',
  warmup: '1s',
  // SHOP_P99_BUDGET overrides the latency budget: '< 1ms' shows a failing gate (exit 1).
  gates: { p99: process.env.SHOP_P99_BUDGET ?? '< 250ms', errorRate: 0, throughput: '>= 200/s' },
  // The naive code paths are kept beside their fixes to show what fray finds: each is
  // expected to race (found, with its replay line); each fix must pass every schedule explored.
  races: {
    oversellNaive: { ...oversell('naive'), expect: 'race' },
    oversellFixed: oversell('conditional'),
    tokenRefreshNaive: { ...tokenRefresh('naive'), expect: 'race' },
    tokenRefreshFixed: tokenRefresh('single-flight'),
  },
});
