/**
 * The shop's test database: one per Vitest worker, migrated once per schema hash (a cached
 * PGlite snapshot, or a Postgres template when DATABASE_URL points at a server), with a
 * rolled-back `isolated()` view per test.
 *
 * @module
 */
import { createTestDatabase, type TestDatabase } from 'fray/db';
import { migrationsDir } from '../src/db/database.ts';

let database: Promise<TestDatabase> | undefined;

/** The worker's database, created on first use. */
export function shopDatabase(): Promise<TestDatabase> {
  database ??= createTestDatabase({
    engine: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    migrate: migrationsDir,
    name: 'shop',
  });
  return database;
}
