/**
 * createFrayTest's database and timeouts: the worker's database starts in a hook, not in
 * the first test's time; a test that times out with SQL running has it cancelled and its
 * view disposed, so the file goes on at once and the next test gets the database.
 *
 * The timed-out tests are `test.fails`: their timeout is the behaviour under test.
 */
import { describe, expect } from 'vitest';
import { postgresUrl } from '../db/fixtures/postgres.ts';
import { createFrayTest } from './fray-test.ts';

const realSetTimeout = globalThis.setTimeout;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));

/** A schema whose migration takes 1.5 s, uncached: a slow start that cannot be skipped. */
const slowStart = createFrayTest({
  database: {
    engine: 'pglite',
    cache: false,
    migrate: async (pool) => {
      await sleep(1500);
      await pool.query('create table notes (body text)');
    },
  },
});

describe("the worker's database starts before the first test, in a hook", () => {
  const test = slowStart;

  test(
    'the first test does not pay for the start: a 1 s timeout is enough',
    { timeout: 1000 },
    async ({ db }) => {
      await db.query("insert into notes values ('first')");

      expect((await db.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 1 }]);
    },
  );
});

const onServer = createFrayTest({
  database:
    postgresUrl === undefined
      ? { engine: 'pglite' }
      : { engine: 'postgres', url: postgresUrl, freshPoolSize: 0, connections: 1 },
});

describe.skipIf(postgresUrl === undefined)('a test that times out with SQL running (PostgreSQL)', () => {
  const test = onServer;
  let started = 0;

  test.fails('times out in pg_sleep(100)', { timeout: 500 }, async ({ db }) => {
    started = performance.now();
    await db.query('select pg_sleep(100)');
  });

  test('the next test gets the database at once: the statement was cancelled, the view disposed', async ({
    db,
  }) => {
    expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    // With one connection, this test could only start once the timed-out view was gone.
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
