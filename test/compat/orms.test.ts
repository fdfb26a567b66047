/**
 * The compatibility matrix of docs/db.md, row by row: Prisma 7, TypeORM, knex, Sequelize and
 * postgres.js, published versions from npm, each set up with its documented one line, on
 * `isolated()` and `fresh()`, on PGlite and on a real PostgreSQL server.
 *
 * Each row checks what a test suite relies on: the ORM's writes are visible to the view and
 * rolled back with it; its transactions commit and roll back; `fresh()` commits for real.
 *
 * The lost-update explorations run explore() on the pool or URL exactly as the ORM uses it
 * (no ctl.wrap): fray/race controls those clients itself and must find the lost update of
 * two concurrent read-modify-write deposits.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from 'fray/db';
import { explore } from 'fray/race';
import { postgresUrl } from '../../src/db/fixtures/postgres.ts';
import { generatePrismaClient, orms, type Accounts, type Target } from './orm-clients.ts';

const migrations = new URL('./migrations/', import.meta.url);

const engines = [
  { engine: 'pglite' as const, url: undefined },
  ...(postgresUrl === undefined ? [] : [{ engine: 'postgres' as const, url: postgresUrl }]),
];

beforeAll(() => generatePrismaClient(), 120_000);

async function using<T>(target: Target, orm: string, body: (accounts: Accounts) => Promise<T>): Promise<T> {
  const accounts = await orms[orm]!(target);
  try {
    return await body(accounts);
  } finally {
    // Close the ORM's connections before the view goes: they are the view's connections.
    await accounts.close();
  }
}

describe.each(engines)('ORMs on $engine', ({ engine, url }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ engine, ...(url === undefined ? {} : { url }), migrate: migrations });
  });
  afterAll(() => db.end());

  describe.each(Object.keys(orms))('%s', (orm) => {
    test('isolated(): writes and transactions land in the view and are rolled back with it', async () => {
      {
        // Arrange
        await using view = await db.isolated();
        await using(view, orm, async (accounts) => {
          const id = await accounts.open('ada', 100);
          // Act
          await accounts.deposit(id, 10);
          await accounts.depositInTransaction(id, 5);
          await expect(accounts.depositInTransaction(id, 1000, true)).rejects.toThrow();
          // Assert
          expect(await accounts.balance(id)).toBe(115);
        });
        const { rows } = await view.query<{ owner: string; balance: number }>(
          'select owner, balance from accounts',
        );
        expect(rows).toEqual([{ owner: 'ada', balance: 115 }]);
      }
      await using next = await db.isolated();
      expect((await next.query('select count(*)::int as n from accounts')).rows).toEqual([{ n: 0 }]);
    });

    test('fresh(): real commits, seen by another connection', async () => {
      await using fresh = await db.fresh();

      const id = await using(fresh, orm, async (accounts) => {
        const opened = await accounts.open('bob', 1);
        await accounts.depositInTransaction(opened, 2);
        return opened;
      });

      expect((await fresh.query('select balance from accounts where id = $1', [id])).rows).toEqual([
        { balance: 3 },
      ]);
    });

    test('explore(): the lost update of two concurrent deposits is found, with no shim', async () => {
      const result = await explore({
        seed: 1,
        quiet: true,
        setup: async () => {
          const view = await db.isolated();
          const accounts = await orms[orm]!(view);
          const id = await accounts.open('eve', 0);
          return { view, accounts, id };
        },
        tasks: ({ accounts, id }) => ({
          first: () => accounts.deposit(id, 10),
          second: () => accounts.deposit(id, 10),
        }),
        check: async ({ accounts, id }) => expect(await accounts.balance(id)).toBe(20),
        teardown: async ({ view, accounts }) => {
          await accounts.close();
          await view.dispose();
        },
      });
      expect(result.ok).toBe(false);
      expect(result.failure?.kind).toBe('check'); // the lost update, not a deadlock
      expect(String(result.failure?.error)).toContain('20');
    });
  });
});
