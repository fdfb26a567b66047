/**
 * Migrations: reading and ordering files, the schema hash, and failures that name the file
 * and the statement — against a real server when one is reachable, and PGlite.
 *
 * @module
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DbMigrationError, isFrayError } from '../errors/index.ts';
import { databasesLike, postgresUrl } from './fixtures/postgres.ts';
import { createTestDatabase } from './index.ts';
import { planMigrations, readMigrationFiles, upSection } from './migrations.ts';

let root: string;

async function dir(files: Record<string, string>): Promise<string> {
  const path = await mkdtemp(join(root, 'm-'));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(join(path, name, '..'), { recursive: true });
    await writeFile(join(path, name), sql);
  }
  return path;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fray-db-migrations-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('reading migration files', () => {
  test('recursively, in numeric path order, without .down.sql', async () => {
    const path = await dir({
      '10_later.sql': 'select 10;',
      '2_second.sql': 'select 2;',
      '1_first.up.sql': 'select 1;',
      '1_first.down.sql': 'drop everything;',
      'notes.txt': 'not sql',
      '20240102_orders/migration.sql': 'select 3;',
      '.hidden/ignored.sql': 'select 0;',
    });
    const files = await readMigrationFiles(path);
    expect(files.map((file) => file.name)).toEqual([
      '1_first.up.sql',
      '2_second.sql',
      '10_later.sql',
      '20240102_orders/migration.sql',
    ]);
  });

  test("dbmate files keep their '-- migrate:up' section only", () => {
    expect(upSection('-- migrate:up\ncreate table t ();\n\n-- migrate:down\ndrop table t;\n')).toBe(
      '-- migrate:up\ncreate table t ();\n\n',
    );
    expect(upSection('create table t ();')).toBe('create table t ();');
  });

  test('a missing directory is a usage error that names it', async () => {
    const error = await readMigrationFiles(join(root, 'nope')).catch((e: unknown) => e);
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_USAGE');
    expect((error as Error).message).toContain('nope');
  });
});

describe('the schema hash', () => {
  test('changes with a file’s content or name, and only then', async () => {
    const a = await dir({ '1.sql': 'create table a ();' });
    const same = await dir({ '1.sql': 'create table a ();' });
    const edited = await dir({ '1.sql': 'create table a (id int);' });
    const renamed = await dir({ '01.sql': 'create table a ();' });
    const hash = async (path: string): Promise<string> => (await planMigrations({ migrate: path })).hash;
    expect(await hash(a)).toBe(await hash(same));
    expect(await hash(a)).not.toBe(await hash(edited));
    expect(await hash(a)).not.toBe(await hash(renamed));
  });

  test('a function is hashed by its source plus hashFiles', async () => {
    const read = await dir({ 'schema.ts': 'v1' });
    const migrate = async (): Promise<void> => {};
    const before = await planMigrations({ migrate, hashFiles: [read] });
    await writeFile(join(read, 'schema.ts'), 'v2');
    const after = await planMigrations({ migrate, hashFiles: [read] });
    const other = await planMigrations({ migrate: async () => {}, hashFiles: [read] });
    expect(before.hash).not.toBe(after.hash);
    expect(after.kind).toBe('function');
    expect((await planMigrations({ migrate, hashFiles: [read] })).hash).toBe(after.hash);
    expect(other.source).toBe('migrate-function');
  });
});

const broken = {
  '001_init.sql': 'create table t (id int primary key);\n',
  '002_broken.sql': [
    '-- a comment first',
    'create table u (id int);',
    '',
    'create tabel v (id int);',
    'create table w (id int);',
  ].join('\n'),
};

describe.skipIf(postgresUrl === undefined)('failures on PostgreSQL', () => {
  const url = postgresUrl ?? '';

  test('a syntax error names the file, the line and the statement; nothing is cached or left behind', async () => {
    const migrate = await dir(broken);
    const plan = await planMigrations({ migrate });
    const error = await createTestDatabase({ engine: 'postgres', url, migrate }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbMigrationError);
    expect(error).toMatchObject({ code: 'FRAY_DB_MIGRATION', file: '002_broken.sql', line: 4 });
    expect((error as DbMigrationError).statement).toBe('create tabel v (id int)');
    expect((error as Error).message).toContain('002_broken.sql:4');
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('42601');
    expect(await databasesLike(`fray_tpl_${plan.hash.slice(0, 24)}`)).toEqual([]);
  });

  test('an error without a position (a violated constraint) is located by replaying the file', async () => {
    const migrate = await dir({
      '1.sql': 'create table t (id int primary key);\ninsert into t values (1);\ninsert into t values (1);\n',
    });
    const error = await createTestDatabase({ engine: 'postgres', url, migrate }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FRAY_DB_MIGRATION', file: '1.sql', line: 3 });
    expect((error as DbMigrationError).statement).toBe('insert into t values (1)');
  });

  test('statements that refuse a transaction block (CREATE INDEX CONCURRENTLY) still apply', async () => {
    const migrate = await dir({
      '1.sql': 'create table t (id int);\ncreate index concurrently t_id on t (id);\n',
    });
    await using db = await createTestDatabase({ engine: 'postgres', url, migrate, cache: false });
    await using view = await db.isolated();
    const indexes = await view.query("select indexname from pg_indexes where tablename = 't'");
    expect(indexes.rows).toEqual([{ indexname: 't_id' }]);
  });

  test('a function receives a pg-compatible pool: queries and transactions on a client', async () => {
    await using db = await createTestDatabase({
      engine: 'postgres',
      url,
      cache: false,
      migrate: async (pool) => {
        await pool.query('create table kv (k text primary key, v int not null)');
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('insert into kv values ($1, $2)', ['a', 1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      },
    });
    await using view = await db.isolated();
    expect((await view.query('select k, v from kv')).rows).toEqual([{ k: 'a', v: 1 }]);
  });

  test('a failing function is reported as migrate()', async () => {
    const error = await createTestDatabase({
      engine: 'postgres',
      url,
      cache: false,
      migrate: async (pool) => {
        await pool.query('select * from missing_table');
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FRAY_DB_MIGRATION', file: 'migrate()' });
    expect((error as Error).message).toContain('missing_table');
  });
});

describe('failures on PGlite', () => {
  test('a syntax error names the file, the line and the statement; no snapshot is written', async () => {
    const migrate = await dir(broken);
    const cacheDir = await mkdtemp(join(root, 'cache-'));
    const error = await createTestDatabase({ migrate, cacheDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'FRAY_DB_MIGRATION',
      file: '002_broken.sql',
      line: 4,
      statement: 'create tabel v (id int)',
    });
    expect((await readdir(join(cacheDir, 'pglite'))).filter((name) => !name.endsWith('.lock'))).toEqual([]);
  });
});
