/**
 * The shop suite's fixtures — the write-ups' conftest.py (engine, session, dependency
 * override, async client) as fray fixtures:
 *
 * - `frayDatabase` / `db` (from `createFrayTest`): a real Postgres per worker (PGlite, or the
 *   server in DATABASE_URL), a rolled-back view per test.
 * - `provider`: a fresh in-process marketplace (Hono app) per test.
 * - `clock`: a settable clock the app reads through the `Clock` token.
 * - `client`: `inject(buildApp())` with the test's overrides: the view's pool for `Db`, the
 *   provider for `MeliFetch`, the clock for `Clock`. Concurrent tests never see each
 *   other's overrides.
 *
 * @module
 */
import { inject, type InjectClient } from 'fray/http';
import { createFrayTest } from 'fray/vitest';
import { createFakeMeliProvider, type FakeMeliProvider } from '../fake-provider/meli-provider.ts';
import { buildApp, type ShopConfig } from '../src/app.ts';
import { shopConfig } from '../src/config.ts';
import { migrationsDir } from '../src/db/database.ts';
import { Clock, Db, MeliFetch } from '../src/deps.ts';

/** A clock that only moves when the test says so. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** 2026-01-01T00:00:00Z: every test starts at the same instant. */
export const EPOCH = Date.UTC(2026, 0, 1);

function manualClock(): ManualClock {
  let now = EPOCH;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/** The configuration every test's app is built with. */
export const config: ShopConfig = shopConfig();

export const test = createFrayTest({
  database: {
    engine: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    migrate: migrationsDir,
    name: 'shop',
  },
}).extend<{ provider: FakeMeliProvider; clock: ManualClock; client: InjectClient }>({
  // eslint-disable-next-line no-empty-pattern -- Vitest reads fixture dependencies from this pattern
  provider: async ({}, use) => use(createFakeMeliProvider()),
  // eslint-disable-next-line no-empty-pattern -- Vitest reads fixture dependencies from this pattern
  clock: async ({}, use) => use(manualClock()),
  client: async ({ db, provider, clock }, use) => {
    await using marketplace = await inject(provider.app, { baseURL: config.meli.baseUrl });
    // A fresh app per test: disposing the client shuts it down (Fastify onClose), and the
    // circuit breaker and in-flight refreshes start empty.
    await using client = await inject(buildApp(config), {
      overrides: [
        [Db, db.pool],
        [MeliFetch, (input: string, init?: RequestInit) => marketplace.fetch(input, init)],
        [Clock, () => clock.now()],
      ],
    });
    await use(client);
  },
});

let sellers = 0;

/** Seed a user and connect a marketplace account whose access token expires at `expiresAt`. */
export async function connectedUser(
  client: InjectClient,
  db: { query: (text: string, values?: unknown[]) => Promise<unknown> },
  provider: FakeMeliProvider,
  expiresAt: number,
): Promise<number> {
  const created = await client.post('/api/v1/users', {
    json: { name: 'Seller', email: `seller${++sellers}@example.com` },
  });
  const { id } = (await created.json()) as { id: number };
  const grant = provider.grant(id);
  await db.query(
    'insert into meli_tokens (user_id, access_token, refresh_token, expires_at) values ($1, $2, $3, $4)',
    [id, grant.accessToken, grant.refreshToken, new Date(expiresAt).toISOString()],
  );
  return id;
}
