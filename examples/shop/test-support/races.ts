/**
 * The shop's three race scenarios as fray/race `explore()` options, shared by the test suite
 * (`test/races.test.ts`) and the demo's audit (`scenario.ts`): two buyers for the last
 * record in stock, two requests that find the marketplace token expired, and the
 * marketplace's `order.paid` webhook arriving before its `order.created`. The first two
 * fail in first-come order, so a plain `Promise.all` of the requests finds them too; the
 * third needs a schedule out of that order — what the explorer is for.
 *
 * Each run builds a fresh world: a seeded database (a rolled-back `isolated()` view on
 * PGlite; on a real server one `fresh()` database, so transactions race on separate
 * connections and real row locks, emptied before each run), a fresh in-process marketplace,
 * and the shop on them — its real database pool, unwrapped: fray's automatic control makes
 * every await of the shop, of pg and of the engine a scheduling point, and holds every answer
 * of the database server until it decides to deliver it.
 *
 * @module
 */
import { inject } from 'fray/http';
import type { FreshDatabase, IsolatedView, TestDatabase } from 'fray/db';
import { raceTest, type ExploreOptions, type TaskSet } from 'fray/race';
import { createFakeMeliProvider } from '../fake-provider/meli-provider.ts';
import { buildApp, type ShopConfig } from '../src/app.ts';
import { shopConfig } from '../src/config.ts';
import { Clock, Db, MeliFetch } from '../src/deps.ts';
import type { RefreshStrategy } from '../src/meli/token-service.ts';
import type { WebhookStrategy } from '../src/meli/order-events.ts';
import type { StockStrategy } from '../src/orders/order-service.ts';

/** The seed both scenarios explore with: same schedules, run after run. */
export const RACE_SEED = 20_261_121;

/** The instant every run happens at: the marketplace token expired an hour before. */
const EPOCH = Date.UTC(2026, 0, 1);

const config = shopConfig();

/** A real server (DATABASE_URL) rather than embedded PGlite. */
const onServer = process.env.DATABASE_URL !== undefined;

/**
 * On a real server, the one `fresh()` database each test database's explorations share. A
 * database per run would cost a CREATE and a DROP DATABASE per run, and on PostgreSQL 15
 * every DROP waits for a checkpoint that syncs every file the clones wrote: hundreds of runs
 * stretched a demo from under a minute to minutes on a busy machine. `end()` drops it.
 */
const serverDatabases = new WeakMap<TestDatabase, Promise<FreshDatabase>>();

/**
 * Every table of the shop emptied and its identities restarted, between runs on a real server.
 * DELETE and `setval`, not TRUNCATE … RESTART IDENTITY: that gives every table and
 * sequence new files: ~120 ms a run on a busy machine, against ~2 ms for deleting the few
 * rows a run wrote. Nothing here needs to be durable: the commit does not wait for its flush.
 */
const EMPTY_SHOP = [
  'begin',
  "set local lock_timeout = '5s'",
  'set local synchronous_commit = off',
  ...['orders', 'marketplace_orders', 'meli_tokens', 'albums', 'artists', 'products', 'users'].map(
    (table) => `delete from ${table}`,
  ),
  `select ${['orders', 'albums', 'artists', 'products', 'users']
    .map((table) => `setval(pg_get_serial_sequence('${table}', 'id'), 1, false)`)
    .join(', ')}`,
  'commit',
].join('; ');

/** A run's database and how to give it back once the run is over. */
interface RunDatabase {
  readonly view: IsolatedView | FreshDatabase;
  readonly release: () => Promise<void>;
}

/** The run's database: a rolled-back view on PGlite, the shared, emptied database on a server. */
async function runDatabase(database: TestDatabase, retry = true): Promise<RunDatabase> {
  if (database.info.engine !== 'postgres') {
    const view = await database.isolated();
    return { view, release: () => view.dispose() };
  }
  const shared = serverDatabases.get(database) ?? database.fresh();
  serverDatabases.set(database, shared);
  const fresh = await shared;
  try {
    await fresh.query(EMPTY_SHOP);
  } catch (error) {
    // A failed run may have left a transaction holding its locks: start over, once, on a new one.
    serverDatabases.delete(database);
    await fresh.dispose();
    if (!retry) throw error;
    return runDatabase(database, false);
  }
  return { view: fresh, release: () => Promise.resolve() };
}

/** One run's world. */
async function world(database: TestDatabase, shop: Partial<ShopConfig>) {
  const { view, release } = await runDatabase(database);
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
  await view.query(
    'insert into meli_tokens (user_id, access_token, refresh_token, expires_at) values ($1, $2, $3, $4)',
    [ada, grant.accessToken, grant.refreshToken, new Date(EPOCH - 3_600_000).toISOString()],
  );
  const marketplace = await inject(provider.app, { baseURL: config.meli.baseUrl });
  const client = await inject(buildApp({ ...config, ...shop }), {
    overrides: [
      [Db, view.pool],
      [MeliFetch, (input: string, init?: RequestInit) => marketplace.fetch(input, init)],
      [Clock, () => EPOCH],
    ],
  });
  return { view, release, client, marketplace, provider, ada, bob, productId };
}

/** What a run's tasks and checks see. */
export type RaceWorld = Awaited<ReturnType<typeof world>>;

async function teardown({ client, marketplace, release }: RaceWorld): Promise<void> {
  await client.close();
  await marketplace.close();
  await release();
}

/** Options both scenarios accept. */
export interface RaceScenarioOptions {
  /** Exploration runs. Default 200 (30 for the transactional fix on a real server). */
  readonly runs?: number;
}

/** Units of `productId` sold: what the invariant of the oversell race counts. */
async function sold(view: RaceWorld['view'], productId: number): Promise<number> {
  const { rows } = await view.query<{ sold: number }>(
    'select coalesce(sum(quantity), 0)::int as sold from orders where product_id = $1',
    [productId],
  );
  return rows[0]?.sold ?? 0;
}

/**
 * Two buyers, one record in stock: with `naive` stock taking (read, check, write) both get
 * it; with the `conditional` update the database decides and only one does. Written as a race
 * test body (`raceTest`): the two requests race as the branches of a `Promise.all`.
 */
export function oversellRace(
  database: () => Promise<TestDatabase>,
  stock: StockStrategy,
  options: RaceScenarioOptions = {},
): ExploreOptions<RaceWorld, TaskSet> {
  // On a real server the fix's transactions wait on each other's row lock: each wait costs
  // `blockedAfter` of real time before fray calls the task blocked, so fewer runs.
  const slow = onServer && stock === 'conditional';
  return raceTest<RaceWorld>(
    `two buyers, one record in stock (${stock})`,
    async ({ client, ada, bob, view, productId }) => {
      const buy = (userId: number) =>
        client.post('/api/v1/orders', { json: { userId, productId, quantity: 1 } });
      await Promise.all([buy(ada), buy(bob)]);
      const units = await sold(view, productId);
      if (units > 1) throw new Error(`sold ${units} copies of a record with 1 in stock`);
    },
    {
      seed: RACE_SEED,
      runs: slow ? Math.min(options.runs ?? 200, 20) : (options.runs ?? 200),
      ...(onServer ? { blockedAfter: 400 } : {}),
      fixtures: async () => world(await database(), { stock }),
      release: teardown,
    },
  );
}

/**
 * Two requests find the marketplace token expired: with the `naive` refresh both present
 * the same refresh token and the provider, which rotates them, refuses the second; with the
 * `single-flight` refresh they share one.
 *
 * The marketplace client's timeout is off here. With it, fray also explores a slow provider:
 * the timeout fires after the provider received the refresh and rotated the token, but before
 * its answer arrived — and any later refresh presents the spent token again. No client-side
 * sharing prevents that (the outcome of the timed-out refresh is unknown); it is why the
 * client never retries a refresh (see meli-client.ts), and it is not the race between two
 * concurrent refreshes this scenario is about. The invariant: no token is presented again
 * after its rotation.
 */
export function tokenRefreshRace(
  database: () => Promise<TestDatabase>,
  refresh: RefreshStrategy,
  options: RaceScenarioOptions = {},
): ExploreOptions<RaceWorld, TaskSet> {
  return raceTest<RaceWorld>(
    `two requests refresh one marketplace token (${refresh})`,
    async ({ client, ada, provider }) => {
      const headers = { 'x-user-id': String(ada) };
      await Promise.all([client.get('/meli/user', { headers }), client.get('/meli/products', { headers })]);
      const reused = provider.stats.reusedRefreshTokens;
      if (reused.length > 0) throw new Error(`rotated refresh token presented again: ${reused.join(', ')}`);
    },
    {
      seed: RACE_SEED,
      runs: options.runs ?? 200,
      fixtures: async () => world(await database(), { refresh, meli: { ...config.meli, timeoutMs: 0 } }),
      release: teardown,
    },
  );
}

/** The marketplace order the webhook scenario is about. */
export const MARKETPLACE_ORDER = 2_000_001;

/**
 * The marketplace notifies the shop that an order was created and that it was paid, on two
 * requests that race. With the `naive` handlers, `order.paid` arriving first finds no order
 * to update and is acknowledged and dropped: the order stays `created` forever. With the
 * `commutative` ones (upserts that only move the status forward) it ends `paid` whatever the
 * order. The invariant: once both notifications are handled, the seller sees the order paid.
 *
 * First-come order — `order.created` sent first, every request advancing one step before
 * any advances two — handles them in the order they were sent, and passes; so does a
 * `Promise.all` of the two requests, however often it is repeated
 * (`bench/race/webhook-order.ts` measures it). Failing needs one deviation: `order.paid`
 * begins first.
 */
export function webhookOrderRace(
  database: () => Promise<TestDatabase>,
  webhooks: WebhookStrategy,
  options: RaceScenarioOptions = {},
): ExploreOptions<RaceWorld, TaskSet> {
  const notify = (client: RaceWorld['client'], type: 'order.created' | 'order.paid') => async () =>
    (await client.post('/webhooks/meli', { json: { type, data: { id: MARKETPLACE_ORDER } } })).status;
  return {
    name: `the marketplace's order webhooks in either order (${webhooks})`,
    seed: RACE_SEED,
    runs: options.runs ?? 200,
    setup: async () => world(await database(), { webhooks }),
    teardown,
    tasks: ({ client }) => ({
      'order.created': notify(client, 'order.created'),
      'order.paid': notify(client, 'order.paid'),
    }),
    check: async ({ client }) => {
      const response = await client.get(`/api/v1/marketplace/orders/${MARKETPLACE_ORDER}`);
      const status = response.ok ? ((await response.json()) as { status: string }).status : 'missing';
      if (status !== 'paid')
        throw new Error(`marketplace order ${MARKETPLACE_ORDER} is '${status}' after it was paid`);
    },
  };
}
