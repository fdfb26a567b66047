/**
 * `isolated()` on a real PostgreSQL server: the shared behaviour suite. Skips with a
 * message when no server is reachable, except under CI=true.
 *
 * @module
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeIsolation } from './fixtures/isolation-suite.ts';
import { postgresUrl } from './fixtures/postgres.ts';
import { createTestDatabase, type TestDatabase } from './index.ts';

const migrations = new URL('./fixtures/migrations/', import.meta.url);
const url = postgresUrl ?? '';
let db: TestDatabase;

describe.skipIf(postgresUrl === undefined)('isolated() on PostgreSQL', () => {
  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres', url, migrate: migrations });
  });
  afterAll(() => db.end());

  describeIsolation(
    'postgres',
    () => db,
    () => createTestDatabase({ engine: 'postgres', url, migrate: migrations, waitTimeout: 50 }),
  );
});
