import type { NodePgClient } from 'drizzle-orm/node-postgres';
import type { PostgresPool } from 'kysely';
import type pg from 'pg';
import { describe, expectTypeOf, test } from 'vitest';
import {
  createTestDatabase,
  type CreateTestDatabaseOptions,
  type FreshDatabase,
  type IsolatedView,
} from './index.ts';

declare const view: IsolatedView;
declare const fresh: FreshDatabase;

describe('fray/db types', () => {
  test('views expose a pg.Pool that Drizzle and Kysely accept as is', () => {
    expectTypeOf(view.pool).toEqualTypeOf<pg.Pool>();
    expectTypeOf(view.pool).toExtend<NodePgClient>();
    expectTypeOf(view.pool).toExtend<PostgresPool>();
    expectTypeOf(fresh.pool).toExtend<NodePgClient>();
    expectTypeOf(fresh.url).toEqualTypeOf<string>();
    expectTypeOf(view.url).toEqualTypeOf<string>();
  });

  test('views are async-disposable', () => {
    expectTypeOf(view).toExtend<AsyncDisposable>();
    expectTypeOf(fresh).toExtend<AsyncDisposable>();
  });

  test('options are checked', () => {
    expectTypeOf(createTestDatabase).parameter(0).toEqualTypeOf<CreateTestDatabaseOptions | undefined>();
    // @ts-expect-error -- only pglite, postgres and auto exist
    const _engine: CreateTestDatabaseOptions = { engine: 'mysql' };
    const _migrate: CreateTestDatabaseOptions = {
      migrate: async (pool) => {
        expectTypeOf(pool).toEqualTypeOf<pg.Pool>();
        await pool.query('select 1');
      },
    };
  });
});
