/**
 * `fresh()`: a whole database per test, with real commits — on PostgreSQL a clone of the
 * template from the warm pool (several real connections, LISTEN/NOTIFY, advisory locks, a
 * URL for other clients), on PGlite a new instance from the snapshot.
 *
 * @module
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { databasesLike, postgresUrl } from './fixtures/postgres.ts';
import { createTestDatabase, type TestDatabase } from './index.ts';

const migrations = new URL('./fixtures/migrations/', import.meta.url);

function nextNotification(client: pg.PoolClient | pg.Client): Promise<pg.Notification> {
  return new Promise((resolve) => client.once('notification', resolve));
}

describe.skipIf(postgresUrl === undefined)('fresh() on PostgreSQL', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({
      engine: 'postgres',
      url: postgresUrl ?? '',
      migrate: migrations,
      freshPoolSize: 1,
    });
    await db.prewarm();
  });
  afterAll(() => db.end());

  test('is a migrated database of its own with real commits, reachable by URL from other clients', async () => {
    // Arrange
    await using fresh = await db.fresh();
    expect(fresh.name).toMatch(/^fray_[0-9a-z]{10}_f[0-9]+$/);
    // Act
    await fresh.query("insert into users (email) values ('committed@example.com')");
    const other = new pg.Client({ connectionString: fresh.url });
    await other.connect();
    const seen = await other.query('select email from users');
    await other.end();
    // Assert
    expect(seen.rows).toEqual([{ email: 'committed@example.com' }]);
    await using view = await db.isolated();
    expect((await view.query('select count(*)::int as n from users')).rows).toEqual([{ n: 0 }]);
  });

  test('two connections see each other’s commits and block on each other’s locks', async () => {
    await using fresh = await db.fresh();
    const a = await fresh.pool.connect();
    const b = await fresh.pool.connect();
    try {
      await a.query('BEGIN');
      await a.query("insert into users (email) values ('locked@example.com')");
      expect((await b.query('select count(*)::int as n from users')).rows[0]).toEqual({ n: 0 });
      await a.query('select pg_advisory_lock(7)');
      expect((await b.query('select pg_try_advisory_lock(7) as got')).rows[0]).toEqual({ got: false });
      await a.query('COMMIT');
      await a.query('select pg_advisory_unlock(7)');
      expect((await b.query('select count(*)::int as n from users')).rows[0]).toEqual({ n: 1 });
      expect((await b.query('select pg_try_advisory_lock(7) as got')).rows[0]).toEqual({ got: true });
    } finally {
      a.release();
      b.release();
    }
  });

  test('LISTEN on one connection receives NOTIFY from another', async () => {
    await using fresh = await db.fresh();
    const listener = await fresh.pool.connect();
    try {
      await listener.query('LISTEN order_placed');
      const received = nextNotification(listener);
      await fresh.query("select pg_notify('order_placed', 'order 42')");
      expect(await received).toMatchObject({ channel: 'order_placed', payload: 'order 42' });
    } finally {
      listener.release();
    }
  });

  test('each fresh() is a different database, dropped when the test database ends', async () => {
    const scratch = await createTestDatabase({
      engine: 'postgres',
      url: postgresUrl ?? '',
      migrate: migrations,
      freshPoolSize: 0,
    });
    const first = await scratch.fresh();
    const second = await scratch.fresh();
    expect(first.name).not.toBe(second.name);
    await first.query("insert into users (email) values ('only-in-first@example.com')");
    expect((await second.query('select count(*)::int as n from users')).rows).toEqual([{ n: 0 }]);
    // Never released and no 'error' listener: dispose must neither hang nor let the forced
    // termination of this connection surface as an unhandled 'error' event.
    const _leaked = await second.pool.connect();
    await first.dispose();
    await second.dispose();
    const names = [first.name ?? '', second.name ?? '', scratch.info.database ?? ''];
    await scratch.end();
    for (const name of names) expect(await databasesLike(name)).toEqual([]);
  });
});

describe('fresh() on PGlite', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: migrations });
  });
  afterAll(() => db.end());

  test('is a separate instance from the snapshot, with real commits, LISTEN/NOTIFY between clients and a URL', async () => {
    // Arrange
    await using fresh = await db.fresh();
    const listener = await fresh.pool.connect();
    await listener.query('LISTEN audit');
    const received = nextNotification(listener);
    // Act
    const writer = await fresh.pool.connect();
    await writer.query('BEGIN');
    await writer.query("insert into users (email) values ('fresh@example.com')");
    await writer.query("NOTIFY audit, 'user added'");
    await writer.query('COMMIT');
    writer.release();
    // Assert
    expect(await received).toMatchObject({ channel: 'audit', payload: 'user added' });
    listener.release();
    expect((await fresh.query('select email from users')).rows).toEqual([{ email: 'fresh@example.com' }]);
    const overUrl = new pg.Client({ connectionString: fresh.url }); // fray's wire server
    await overUrl.connect();
    await overUrl.query('BEGIN');
    await overUrl.query("insert into users (email) values ('url@example.com')");
    await overUrl.query('COMMIT');
    await overUrl.end();
    expect((await fresh.query('select count(*)::int as n from users')).rows).toEqual([{ n: 2 }]);
    await using view = await db.isolated();
    expect((await view.query('select count(*)::int as n from users')).rows).toEqual([{ n: 0 }]);
  });

  test('one fresh() instance at a time per process: the next waits for the previous to be disposed', async () => {
    const first = await db.fresh();
    let secondOpened = false;
    const second = db.fresh().then((fresh) => {
      secondOpened = true;
      return fresh;
    });
    await first.query('select 1');
    expect(secondOpened).toBe(false);
    await first.dispose();
    await using next = await second;
    expect((await next.query('select count(*)::int as n from users')).rows).toEqual([{ n: 0 }]);
  });
});
