/**
 * fray/db — every test gets its own real PostgreSQL: embedded PGlite by default, a real
 * server when there is one.
 *
 * `createTestDatabase()` migrates once per schema hash (a cached PGlite snapshot, or a
 * Postgres template database) and hands out per-test views: `isolated()` runs the test in
 * one transaction rolled back on dispose, with the application's own transactions nested
 * as savepoints; `fresh()` gives a whole database with real commits. Both expose a real
 * `pg.Pool` and a connection `url` (served over the PostgreSQL wire protocol on loopback),
 * so raw `pg`, Drizzle, Kysely, Prisma 7, TypeORM, knex, Sequelize, postgres.js and psql run
 * on them unchanged.
 *
 * @example
 * ```ts
 * import { createTestDatabase } from 'fray/db';
 *
 * const db = await createTestDatabase({ migrate: './migrations' });
 *
 * test('the order is saved', async () => {
 *   await using view = await db.isolated();
 *   const app = buildApp({ db: view.pool });
 *   await app.placeOrder({ sku: 'A1', quantity: 2 });
 *   const { rows } = await view.query('select quantity from orders');
 *   expect(rows).toEqual([{ quantity: 2 }]);
 * }); // rolled back: the next test starts from the migrated schema
 *
 * afterAll(() => db.end());
 * ```
 *
 * @module
 */
export {
  cleanupStaleDatabases,
  createTestDatabase,
  type CleanupOptions,
  type TestDatabase,
} from './create-test-database.ts';
export type { DatabaseInfo } from './engine.ts';
export type { MigrateFunction, MigrateSource } from './migrations.ts';
export type { CreateTestDatabaseOptions, Environment, PgliteExtensions } from './options.ts';
export type { DatabaseEngine, FreshDatabase, IsolatedView } from './views.ts';
