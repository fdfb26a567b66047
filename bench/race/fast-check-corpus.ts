/**
 * The race corpus expressed for fast-check's scheduler, the way its documentation teaches:
 * the same application classes, every async dependency passed through
 * `s.scheduleFunction()` (the call runs at once, its *result* is delivered when the
 * scheduler picks it), the tasks started together, `await s.waitIdle()`, then the same
 * invariant. What fast-check cannot express this way — reordering arrivals, the start of an
 * operation, or a timer — it cannot reach.
 *
 * @module
 */
import type { Scheduler } from 'fast-check';
import { inject } from '../../src/http/index.ts';
import { asyncMock } from '../../src/mock/index.ts';
import { ProductCache, type LoadProduct } from '../../src/race/fixtures/corpus/cache-stampede.ts';
import { Signups, signupApp } from '../../src/race/fixtures/corpus/check-then-insert.ts';
import { OrderEvents, webhookApp } from '../../src/race/fixtures/corpus/event-ordering.ts';
import { Payments, paymentsApp, type Charge } from '../../src/race/fixtures/corpus/idempotency-key.ts';
import { Wallet, SEED as ACCOUNTS } from '../../src/race/fixtures/corpus/lost-update.ts';
import { FakeProvider, setProvider, TokenService } from '../../src/race/fixtures/corpus/oauth-refresh.ts';
import { Checkout, SEED as LAMPS, shopApp } from '../../src/race/fixtures/corpus/oversold-stock.ts';
import { Prices, SEED as PRICES } from '../../src/race/fixtures/corpus/stale-cache.ts';
import { corpusDatabase, FakeRedis, type Versioned } from '../../src/race/fixtures/corpus/support.ts';
import { checkout, type Charge as RetryCharge } from '../../src/race/fixtures/corpus/timeout-retry.ts';

/** One property run: build the world, race, throw when the invariant is broken. */
export type FastCheckRace = (s: Scheduler) => Promise<void>;

let asserting = true;

function fail(message: string): void {
  if (asserting) throw new Error(message);
}

/**
 * The property of `race`, its invariant asserted or not (`false` measures throughput on the
 * same work).
 */
export function property(race: FastCheckRace, assert: boolean): (s: Scheduler) => Promise<void> {
  return async (s) => {
    asserting = assert;
    await race(s);
  };
}

/** A database view for one run, and a `Queryable` whose results the scheduler delivers. */
async function scheduledDatabase(s: Scheduler, seed: string) {
  const view = await (await corpusDatabase()).isolated();
  if (seed !== '') await view.query(seed);
  const query = s.scheduleFunction(function query(text: string, params?: unknown[]) {
    return view.pool.query(text, params) as Promise<{ rows: any[] }>;
  });
  return { view, db: { query } };
}

/** Every method of `cache` scheduled. */
function scheduledCache(s: Scheduler, cache: FakeRedis): FakeRedis {
  return {
    get: s.scheduleFunction(function get(key: string) {
      return cache.get(key);
    }),
    set: s.scheduleFunction(function set(key: string, value: unknown) {
      return cache.set(key, value);
    }),
    del: s.scheduleFunction(function del(key: string) {
      return cache.del(key);
    }),
    setIfNewer: s.scheduleFunction(function setIfNewer(key: string, entry: Versioned<unknown>) {
      return cache.setIfNewer(key, entry);
    }),
    peek: (key: string) => cache.peek(key),
  } as unknown as FakeRedis;
}

async function post(client: Awaited<ReturnType<typeof inject>>, path: string, json: unknown, headers = {}) {
  const response = await client.post(path, { json, headers });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** fast-check's version of each corpus race (the buggy code), by corpus id. */
export const fastCheckCorpus: Record<string, FastCheckRace> = {
  async 'lost-update'(s) {
    const { view, db } = await scheduledDatabase(s, ACCOUNTS);
    try {
      const wallet = new Wallet(db);
      const runs = [wallet.withdrawNaive(1, 30), wallet.withdrawNaive(1, 50)];
      await s.waitIdle();
      const results = await Promise.allSettled(runs);
      const withdrawn = [30, 50].filter(
        (_, i) =>
          results[i]?.status === 'fulfilled' && (results[i] as PromiseFulfilledResult<string>).value === 'ok',
      );
      const balance = await new Wallet(view.pool).balance(1);
      if (balance !== 100 - withdrawn.reduce((a, b) => a + b, 0)) fail(`balance ${balance}`);
    } finally {
      await view.dispose();
    }
  },

  async 'check-then-insert'(s) {
    const { view, db } = await scheduledDatabase(s, '');
    const client = await inject(signupApp(new Signups(db, false)), { cookies: false });
    try {
      const runs = [
        post(client, '/signup', { email: 'ada@example.com' }),
        post(client, '/signup', { email: 'ada@example.com' }),
      ];
      await s.waitIdle();
      await Promise.allSettled(runs);
      const users = await new Signups(view.pool, false).count('ada@example.com');
      if (users !== 1) fail(`${users} accounts`);
    } finally {
      await client.close();
      await view.dispose();
    }
  },

  async 'oversold-stock'(s) {
    const { view, db } = await scheduledDatabase(s, LAMPS);
    const client = await inject(shopApp(new Checkout(db, false)), { cookies: false });
    try {
      const runs = ['ana', 'ben', 'cy'].map((buyer) =>
        post(client, '/orders', { sku: 'lamp', qty: 1, buyer }),
      );
      await s.waitIdle();
      await Promise.allSettled(runs);
      const state = await new Checkout(view.pool, false).state('lamp');
      if (state.sold > 2 || state.stock < 0) fail(`sold ${state.sold}`);
    } finally {
      await client.close();
      await view.dispose();
    }
  },

  async 'oauth-refresh'(s) {
    const provider = new FakeProvider();
    setProvider(provider);
    const store = new FakeRedis();
    await store.set('tokens:ada', { ...provider.grant(), expiresAt: Date.now() - 60_000 });
    const realFetch = globalThis.fetch;
    globalThis.fetch = s.scheduleFunction(function fetch(input: RequestInfo | URL, init?: RequestInit) {
      return realFetch(input, init);
    });
    try {
      const tokens = new TokenService(scheduledCache(s, store), false);
      const runs = [tokens.accessToken('ada'), tokens.accessToken('ada')];
      await s.waitIdle();
      const results = await Promise.allSettled(runs);
      if (provider.reused.length > 0 || results.some((r) => r.status === 'rejected'))
        fail('refresh token reused');
    } finally {
      globalThis.fetch = realFetch;
    }
  },

  async 'cache-stampede'(s) {
    const origin = asyncMock<LoadProduct>((id) => Promise.resolve({ id, name: 'lamp', price: 30 }), {
      name: 'catalog.load',
    });
    const load = s.scheduleFunction(function load(id: number) {
      return origin(id);
    });
    const products = new ProductCache(scheduledCache(s, new FakeRedis()), load, false);
    const runs = [products.get(7), products.get(7), products.get(7)];
    await s.waitIdle();
    await Promise.allSettled(runs);
    if (origin.callCount !== 1) fail(`${origin.callCount} loads`);
  },

  async 'idempotency-key'(s) {
    const { view, db } = await scheduledDatabase(s, '');
    let next = 0;
    const provider = asyncMock<Charge>(() => Promise.resolve({ id: `ch_${++next}` }), {
      name: 'provider.charge',
    });
    const charge = s.scheduleFunction(function charge(amount: number, key: string) {
      return provider(amount, key);
    });
    const client = await inject(paymentsApp(new Payments(db, charge, false)), { cookies: false });
    try {
      const headers = { 'idempotency-key': 'order-7' };
      const runs = [
        post(client, '/payments', { amount: 40 }, headers),
        post(client, '/payments', { amount: 40 }, headers),
      ];
      await s.waitIdle();
      await Promise.allSettled(runs);
      if (provider.callCount !== 1) fail(`${provider.callCount} charges`);
    } finally {
      await client.close();
      await view.dispose();
    }
  },

  async 'stale-cache'(s) {
    const { view, db } = await scheduledDatabase(s, PRICES);
    try {
      const cache = new FakeRedis();
      const prices = new Prices(db, scheduledCache(s, cache), false);
      const runs = [prices.price(1), prices.setPrice(1, 45)];
      await s.waitIdle();
      await Promise.allSettled(runs);
      const stored = await new Prices(view.pool, cache, false).stored(1);
      const cached = cache.peek('price:1') as Versioned<number> | undefined;
      if (cached !== undefined && cached.value !== stored) fail(`cache ${cached.value}, db ${stored}`);
    } finally {
      await view.dispose();
    }
  },

  async 'event-ordering'(s) {
    const { view, db } = await scheduledDatabase(s, '');
    const client = await inject(webhookApp(new OrderEvents(db, false)), { cookies: false });
    try {
      const runs = [
        post(client, '/webhooks', { type: 'order.created', order: 7 }),
        post(client, '/webhooks', { type: 'order.paid', order: 7 }),
      ];
      await s.waitIdle();
      await Promise.allSettled(runs);
      const status = await new OrderEvents(view.pool, false).status(7);
      if (status !== 'paid') fail(`order is ${status}`);
    } finally {
      await client.close();
      await view.dispose();
    }
  },

  async 'timeout-retry'(s) {
    const charges: string[] = [];
    const provider = asyncMock<RetryCharge>(() => {
      charges.push(`ch_${charges.length + 1}`);
      return Promise.resolve({ id: charges.at(-1) ?? '' });
    });
    const charge = s.scheduleFunction(function charge(amount: number, key?: string) {
      return provider(amount, key);
    });
    const run = checkout(charge, 40, undefined);
    await s.waitIdle();
    await Promise.allSettled([run]);
    if (charges.length > 1) fail(`${charges.length} charges`);
  },
};
