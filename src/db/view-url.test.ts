/**
 * `view.url`: an `isolated()` view served over the PostgreSQL wire protocol on a loopback
 * port, on both engines — clients that only take a URL (pg.Client, postgres.js, psql in a
 * child process) run inside the view's transaction, with their transaction control turned
 * into savepoints like `view.pool`'s.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresUrl } from './fixtures/postgres.ts';
import { createTestDatabase, type IsolatedView, type TestDatabase } from './index.ts';

const migrations = new URL('./fixtures/migrations/', import.meta.url);
const psqlPath = ['/usr/bin/psql', '/usr/local/bin/psql'].find((path) => existsSync(path));
if (psqlPath === undefined) {
  process.stderr.write('fray/db view-url tests: psql not found; skipping the psql child-process tests.\n');
}

/** psql in a child process (asynchronous: the wire server runs in this process). */
function psql(url: string, args: readonly string[], input?: string): Promise<{ out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      psqlPath ?? 'psql',
      [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...args],
      { encoding: 'utf8', timeout: 30_000 },
      (_error, out, err) => resolve({ out, err }),
    );
    child.stdin?.end(input ?? '');
  });
}

async function connect(view: IsolatedView): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: view.url });
  await client.connect();
  return client;
}

async function emails(view: IsolatedView): Promise<string[]> {
  const { rows } = await view.query<{ email: string }>('select email from users order by id');
  return rows.map((row) => row.email);
}

const engines = [
  { engine: 'pglite' as const, url: undefined },
  ...(postgresUrl === undefined ? [] : [{ engine: 'postgres' as const, url: postgresUrl }]),
];

describe.each(engines)('view.url on $engine', ({ engine, url }) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ engine, ...(url === undefined ? {} : { url }), migrate: migrations });
  });
  afterAll(() => db.end());

  test("a pg.Client on the URL shares the view's transaction, and everything is rolled back with it", async () => {
    {
      // Arrange
      await using view = await db.isolated();
      await view.query("insert into users (email) values ('pool@example.com')");
      const client = await connect(view);
      // Act
      const seen = await client.query<{ email: string }>('select email from users');
      await client.query("insert into users (email) values ('url@example.com')");
      await client.end();
      // Assert
      expect(seen.rows).toEqual([{ email: 'pool@example.com' }]);
      expect(await emails(view)).toEqual(['pool@example.com', 'url@example.com']);
    }
    await using next = await db.isolated();
    expect(await emails(next)).toEqual([]);
  });

  test('BEGIN/COMMIT/ROLLBACK become savepoints, with the status bytes and errors of a real connection', async () => {
    await using view = await db.isolated();
    const client = await connect(view);
    try {
      await client.query('BEGIN');
      expect(client.getTransactionStatus()).toBe('T');
      await client.query("insert into users (email) values ('kept@example.com')");
      await client.query('COMMIT');
      expect(client.getTransactionStatus()).toBe('I');

      await client.query('BEGIN');
      await client.query("insert into users (email) values ('undone@example.com')");
      await expect(client.query('select nope')).rejects.toMatchObject({ code: '42703' });
      expect(client.getTransactionStatus()).toBe('E');
      await expect(client.query('select 1')).rejects.toMatchObject({ code: '25P02' });
      const commit = await client.query('COMMIT');
      expect(commit.command).toBe('ROLLBACK');

      await expect(
        client.query("insert into users (email) values ('kept@example.com')"),
      ).rejects.toMatchObject({
        code: '23505',
      });
      expect(client.getTransactionStatus()).toBe('I');
      await expect(client.query('SAVEPOINT s')).rejects.toMatchObject({ code: '25P01' });
      const listen = await client.query('LISTEN orders').catch((error: unknown) => error);
      expect(listen).toMatchObject({ code: '0A000' });
      expect((listen as Error).message).toContain('fresh()');
      expect((await client.query('BEGIN; SELECT 1 AS one; COMMIT')) as unknown as unknown[]).toHaveLength(3);
    } finally {
      await client.end();
    }
    expect(await emails(view)).toEqual(['kept@example.com']);
  });

  test('postgres.js (extended protocol, pipelined): queries, sql.begin commit and rollback, savepoints', async () => {
    await using view = await db.isolated();
    const sql = postgres(view.url, { max: 2, onnotice: () => undefined });
    try {
      await sql`insert into users ${sql({ email: 'a@example.com' })}`;
      const [one, two] = await Promise.all([
        sql`select email from users where email = ${'a@example.com'}`,
        sql`select count(*)::int as n from users`,
      ]);
      expect(one?.[0]?.['email']).toBe('a@example.com');
      expect(two?.[0]?.['n']).toBe(1);
      await sql.begin(async (tx) => {
        await tx`insert into users (email) values ('b@example.com')`;
        await tx
          .savepoint(async (inner) => {
            await inner`insert into users (email) values ('nested@example.com')`;
            throw new Error('undo the savepoint');
          })
          .catch(() => undefined);
      });
      await expect(
        sql.begin(async (tx) => {
          await tx`insert into users (email) values ('c@example.com')`;
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
    } finally {
      await sql.end();
    }
    expect(await emails(view)).toEqual(['a@example.com', 'b@example.com']);
  });

  test.skipIf(psqlPath === undefined)(
    'psql in a child process runs a script with its own transaction',
    async () => {
      await using view = await db.isolated();

      const result = await psql(view.url, [
        '-c',
        "begin; insert into users (email) values ('psql@example.com'); commit;",
        '-c',
        'select count(*) from users',
      ]);

      expect(result.err).toBe('');
      expect(result.out.trim()).toBe('1');
      expect(await emails(view)).toEqual(['psql@example.com']);
    },
  );

  test.skipIf(psqlPath === undefined)(
    engine === 'postgres'
      ? 'COPY … FROM STDIN passes through'
      : 'COPY … FROM STDIN is refused with the fix (PGlite would exit)',
    async () => {
      await using view = await db.isolated();

      const result = await psql(
        view.url,
        ['-c', '\\copy users (email) from stdin'],
        'x@example.com\ny@example.com\n',
      );

      if (engine === 'postgres') {
        expect(result.err).toBe('');
        expect(await emails(view)).toEqual(['x@example.com', 'y@example.com']);
      } else {
        expect(result.err).toContain("engine 'postgres'");
        expect(await emails(view)).toEqual([]);
        expect((await view.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
      }
    },
  );

  test('disposing the view closes its connections (57P01) and its URL stops answering (3D000)', async () => {
    const view = await db.isolated();
    const client = await connect(view);
    // pg reports the FATAL message, then the closed socket: listen to both, as an app must.
    const closed = new Promise<Error>((resolve) => client.on('error', resolve));

    await view.dispose();

    expect(await closed).toMatchObject({ code: '57P01' });
    const late = new pg.Client({ connectionString: view.url });
    await expect(late.connect()).rejects.toMatchObject({ code: '3D000' });
    await client.end().catch(() => undefined);
  });
});
