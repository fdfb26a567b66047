/**
 * `isolated()` on PGlite: the shared behaviour suite, on one PGlite instance for the file.
 *
 * @module
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeIsolation } from './fixtures/isolation-suite.ts';
import { createTestDatabase, type TestDatabase } from './index.ts';

const migrations = new URL('./fixtures/migrations/', import.meta.url);
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: migrations });
});
afterAll(() => db.end());

describe('isolated() on PGlite', () => {
  describeIsolation(
    'pglite',
    () => db,
    () => createTestDatabase({ migrate: migrations, waitTimeout: 50 }),
  );
});
