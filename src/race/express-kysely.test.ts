/**
 * Issue 12, case 4: an Express 5 service on Kysely (its pg dialect) transferring money
 * between two accounts in a transaction, explored through `inject` — on PGlite and on an
 * `isolated()` view on PostgreSQL. The exploration must be deterministic (same seed, same
 * result; replays exact), the buggy transfer's lost update found on a real server, and what a
 * one-session view cannot show said, not passed silently.
 */
import express from 'express';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/index.ts';
import { inject } from '../http/index.ts';
import { explore, type ExploreOptions } from './index.ts';
import { POSTGRES_URL, reachable, runsWith } from './fixtures/services.ts';

interface Accounts {
  accounts: { id: number; balance: number };
}

const SCHEMA =
  'create table accounts (id int primary key, balance int not null); insert into accounts values (1, 100), (2, 0)';

/** The service: POST /transfer moves money in a transaction; `locked` reads FOR UPDATE. */
function service(pool: pg.Pool, locked: boolean) {
  const db = new Kysely<Accounts>({ dialect: new PostgresDialect({ pool }) });
  const app = express();
  app.use(express.json());
  app.post('/transfer', async (req, res) => {
    const { from, to, amount } = req.body as { from: number; to: number; amount: number };
    await db.transaction().execute(async (tx) => {
      const read = tx.selectFrom('accounts').select('balance').where('id', '=', from);
      const { balance } = await (locked ? read.forUpdate() : read).executeTakeFirstOrThrow();
      if (balance < amount) throw new Error('insufficient funds');
      await tx
        .updateTable('accounts')
        .set({ balance: balance - amount })
        .where('id', '=', from)
        .execute();
      await tx
        .updateTable('accounts')
        .set({ balance: sql`balance + ${amount}` })
        .where('id', '=', to)
        .execute();
    });
    res.status(204).end();
  });
  return { app, db };
}

function transfers(database: () => { pool: pg.Pool; query: pg.Pool['query'] }, locked: boolean) {
  return {
    name: `two transfers out of one account (${locked ? 'for update' : 'plain read'})`,
    setup: async () => {
      const view = database();
      await view.query('update accounts set balance = case id when 1 then 100 else 0 end');
      const { app, db } = service(view.pool, locked);
      return { client: await inject(app), db, view };
    },
    tasks: ({ client }) => ({
      alice: async () => (await client.post('/transfer', { json: { from: 1, to: 2, amount: 30 } })).status,
      bob: async () => (await client.post('/transfer', { json: { from: 1, to: 2, amount: 50 } })).status,
    }),
    check: async ({ view }) => {
      const { rows } = (await view.query('select sum(balance)::int as total from accounts')) as {
        rows: { total: number }[];
      };
      expect(rows[0]?.total).toBe(100);
    },
    teardown: async ({ client }) => {
      await client.close();
    },
  } satisfies ExploreOptions<any, any>;
}

const runs = runsWith('PostgreSQL', await reachable(5432));

describe.skipIf(!runs)('Express 5 + Kysely on PostgreSQL', () => {
  let db: TestDatabase;
  let view: Awaited<ReturnType<TestDatabase['isolated']>>;
  let fresh: Awaited<ReturnType<TestDatabase['fresh']>>;

  beforeAll(async () => {
    db = await createTestDatabase({
      engine: 'postgres',
      url: POSTGRES_URL,
      name: 'fray-race-express-kysely',
      freshPoolSize: 0,
      migrate: async (pool) => void (await pool.query(SCHEMA)),
    });
    view = await db.isolated();
    fresh = await db.fresh();
  }, 60_000);
  afterAll(async () => {
    await view?.dispose();
    await fresh?.dispose();
    await db?.end();
  });

  it('on an isolated() view: the same seed gives the same result twice, and the serialized transactions are named', async () => {
    // Act
    const first = await explore({ ...transfers(() => view, false), seed: 5, runs: 40 });
    const second = await explore({ ...transfers(() => view, false), seed: 5, runs: 40 });
    // Assert
    expect(first.summary).toBe(second.summary);
    expect(first.ok).toBe(true);
    expect(first.exhaustive).toBe(false);
    expect(first.gaps.map((gap) => gap.kind)).toContain('serialized');
    expect(first.summary).toContain('transactions on one session run one at a time');
  });

  it('on fresh(): the lost update of the plain read is found, and replays exactly (seed 5)', async () => {
    // Act
    const found = await explore({
      ...transfers(() => fresh, false),
      seed: 5,
      blockedAfter: 400,
      quiet: true,
    });
    // Assert
    expect(found.ok).toBe(false);
    expect(found.failure?.reproduced).toBe(true);
    const again = await explore({
      ...transfers(() => fresh, false),
      replay: found.failure?.replay ?? '',
      quiet: true,
    });
    expect(again.failure?.replay).toBe(found.failure?.replay);
  });

  it('on fresh(): SELECT … FOR UPDATE passes, waiting through the row lock (seed 5)', async () => {
    // Act
    const result = await explore({ ...transfers(() => fresh, true), seed: 5, runs: 4, blockedAfter: 400 });
    // Assert
    expect(result.ok, result.failure?.report).toBe(true);
    expect(result.gaps).toEqual([]);
  });
});
