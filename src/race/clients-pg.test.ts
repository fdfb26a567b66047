/**
 * Real PostgreSQL clients, unwrapped: a `pg.Pool` connected before `explore()` and a single
 * `pg.Client` shared by both tasks. fray holds each answer on the connection until it decides
 * to deliver it, so the lost update is found and replays exactly.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/index.ts';
import { atomicAdd, lostUpdate, type CounterStore } from './fixtures/clients/counter.ts';
import { expectFixed, expectFoundAndReplayed } from './fixtures/clients/verdicts.ts';
import { POSTGRES_URL, reachable, runsWith } from './fixtures/services.ts';

const runs = runsWith('PostgreSQL', await reachable(5432));

function storeOver(db: { query: pg.Pool['query'] }): CounterStore {
  const one = async (text: string, values: unknown[] = []): Promise<number> => {
    const { rows } = await db.query<{ balance: number }>(text, values);
    return rows[0]?.balance ?? Number.NaN;
  };
  return {
    reset: async () => void (await db.query('update counter set balance = 100 where id = 1')),
    read: () => one('select balance from counter where id = 1'),
    write: async (value) => void (await db.query('update counter set balance = $1 where id = 1', [value])),
    add: async (amount) =>
      void (await db.query('update counter set balance = balance + $1 where id = 1', [amount])),
    current: () => one('select balance from counter where id = 1'),
  };
}

describe.skipIf(!runs)('pg on PostgreSQL, unwrapped', () => {
  let db: TestDatabase;
  let fresh: Awaited<ReturnType<TestDatabase['fresh']>>;
  let pool: pg.Pool;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase({
      engine: 'postgres',
      url: POSTGRES_URL,
      name: 'fray-race-clients',
      freshPoolSize: 0,
      migrate: async (p) =>
        void (await p.query(
          'create table counter (id int primary key, balance int not null); insert into counter values (1, 100)',
        )),
    });
    fresh = await db.fresh();
    pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    // Both connections open before explore(): queries on them create no async resource.
    const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
    a.release();
    b.release();
    client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await pool?.end();
    await fresh?.dispose();
    await db?.end();
  });

  it('a Pool: the lost update is found and replays exactly (seed 11)', async () => {
    await expectFoundAndReplayed(lostUpdate('pg pool lost update', storeOver(pool)), 11);
  });

  it('a Pool: the atomic update passes, with nothing uncontrolled (seed 11)', async () => {
    await expectFixed(atomicAdd('pg pool atomic add', storeOver(pool)), 11);
  });

  it('one Client shared by both tasks: the lost update is found and replays exactly (seed 12)', async () => {
    await expectFoundAndReplayed(lostUpdate('pg client lost update', storeOver(client)), 12);
  });
});
