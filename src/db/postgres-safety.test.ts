/**
 * Safety on a real PostgreSQL server: fray only ever touches databases it named; a
 * pre-existing database and its data survive a full run, a crashing run and a run killed
 * with SIGKILL; the next run removes only the dead runs' databases; templates are marked,
 * reused and evicted per schema; refusals and connection errors name the fix.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { adminQuery, databasesLike, postgresUrl, uniqueSuffix } from './fixtures/postgres.ts';
import { cleanupStaleDatabases, createTestDatabase, type TestDatabase } from './index.ts';
import { RUN_DATABASE } from './safety.ts';

const realSetTimeout = globalThis.setTimeout;
const migrations = new URL('./fixtures/migrations/', import.meta.url).pathname;
const childScript = new URL('./fixtures/child-run.ts', import.meta.url).pathname;
const url = postgresUrl ?? '';

interface ChildRun {
  readonly runKey: string;
  readonly databases: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly kill: () => void;
  readonly lines: string[];
}

/** Start a child run and wait for the line announcing its databases. */
async function startChild(mode: 'hold' | 'fail' | 'full'): Promise<ChildRun> {
  const child = spawn(process.execPath, [childScript, url, mode, migrations], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) resolve(line);
    });
    void exit.then(({ code }) => reject(new Error(`child exited (${code}) before announcing: ${stderr}`)));
  });
  const announced = JSON.parse(first) as { runKey: string; databases: string[] };
  return { ...announced, exit, kill: () => child.kill('SIGKILL'), lines };
}

/** Wait (polling the server) until no session of run `runKey` is left. */
async function runGone(runKey: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const live = await adminQuery<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name like $1',
      [`fray:${runKey}:%`],
    );
    if (live[0]?.n === 0) return;
    await new Promise((resolve) => realSetTimeout(resolve, 50));
  }
  throw new Error(`run ${runKey} still has sessions on the server`);
}

describe.skipIf(postgresUrl === undefined)('fray/db on a real server touches only its own databases', () => {
  const suffix = uniqueSuffix();
  const sentinels = [`sentinel_${suffix}`, `fray_sentinel_${suffix}`];
  let live: TestDatabase;

  async function sentinelsIntact(): Promise<void> {
    for (const name of sentinels) {
      const rows = await adminQuery<{ note: string }>('select note from precious', [], name);
      expect(rows).toEqual([{ note: `keep ${name}` }]);
    }
  }

  beforeAll(async () => {
    for (const name of sentinels) {
      await adminQuery(`create database "${name}"`);
      await adminQuery('create table precious (note text)', [], name);
      await adminQuery('insert into precious values ($1)', [`keep ${name}`], name);
    }
    live = await createTestDatabase({ engine: 'postgres', url, migrate: migrations, freshPoolSize: 0 });
  });

  afterAll(async () => {
    await live.end();
    for (const name of sentinels) await adminQuery(`drop database if exists "${name}" with (force)`);
  });

  test('a run killed with SIGKILL: the next run removes its databases, and only those of dead runs', async () => {
    // Arrange: a run that holds a fresh database and an open transaction.
    const child = await startChild('hold');
    for (const name of child.databases) expect(await databasesLike(name)).toEqual([name]);
    // A live run's databases are never stale.
    const whileAlive = await cleanupStaleDatabases({ url });
    expect(whileAlive.filter((name) => name.includes(child.runKey))).toEqual([]);
    for (const name of child.databases) expect(await databasesLike(name)).toEqual([name]);

    // Act
    child.kill();
    expect((await child.exit).signal).toBe('SIGKILL');
    await runGone(child.runKey);
    const dropped = await cleanupStaleDatabases({ url });

    // Assert
    for (const name of dropped) expect(name).toMatch(RUN_DATABASE);
    expect(dropped).not.toContain(live.info.database);
    for (const name of child.databases) expect(await databasesLike(name)).toEqual([]);
    expect(await databasesLike(`fray_${child.runKey}_`)).toEqual([]);
    expect(await databasesLike(live.info.database ?? '')).toEqual([live.info.database]);
    await sentinelsIntact();
  });

  test('a run that crashes without ending: the next run removes its databases at start; the sentinels keep their data', async () => {
    const child = await startChild('fail');
    expect((await child.exit).code).not.toBe(0);
    await runGone(child.runKey);
    await using next = await createTestDatabase({
      engine: 'postgres',
      url,
      migrate: migrations,
      freshPoolSize: 0,
    });
    expect(next.info.runKey).not.toBe(child.runKey);
    expect(await databasesLike(`fray_${child.runKey}_`)).toEqual([]);
    await sentinelsIntact();
  });

  test("a look-alike named like a run database but without fray's mark keeps its data (cleanup and the next start)", async () => {
    // Arrange: a database someone else created with a name fray could have generated.
    const key = Array.from(
      { length: 10 },
      () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)],
    ).join('');
    const lookalike = `fray_${key}_w1`;
    const forged = `fray_${key}_f2`;
    await adminQuery(`create database "${lookalike}"`);
    await adminQuery(`create database "${forged}"`);
    // A comment that looks like fray's but names another run is not this database's mark.
    await adminQuery(`comment on database "${forged}" is '{"fray":1,"kind":"fresh","run":"zzzzzzzzzz"}'`);
    try {
      await adminQuery('create table precious (note text)', [], lookalike);
      await adminQuery("insert into precious values ('keep me')", [], lookalike);

      const warnings: string[] = [];
      const onWarning = (warning: Error & { code?: string }): void => {
        if (warning.code === 'FRAY_DB_LOOKALIKE') warnings.push(warning.message);
      };
      process.on('warning', onWarning);

      // Act
      const dropped = await cleanupStaleDatabases({ url }).finally(() => process.off('warning', onWarning));
      await using next = await createTestDatabase({
        engine: 'postgres',
        url,
        migrate: migrations,
        freshPoolSize: 0,
      });

      // Assert
      expect(dropped).not.toContain(lookalike);
      expect(dropped).not.toContain(forged);
      expect(warnings.join('\n')).toContain(lookalike);
      expect(warnings.join('\n')).toContain(forged);
      expect(next.info.runKey).not.toBe(key);
      expect(await databasesLike(forged)).toEqual([forged]);
      expect(await adminQuery('select note from precious', [], lookalike)).toEqual([{ note: 'keep me' }]);
    } finally {
      await adminQuery(`drop database if exists "${lookalike}" with (force)`);
      await adminQuery(`drop database if exists "${forged}" with (force)`);
    }
  });

  test('a full run drops everything it created and nothing else', async () => {
    const child = await startChild('full');
    expect((await child.exit).code).toBe(0);
    expect(child.lines).toContain('ended');
    expect(await databasesLike(`fray_${child.runKey}_`)).toEqual([]);
    await sentinelsIntact();
  });
});

describe.skipIf(postgresUrl === undefined)('templates', () => {
  let dir: string;
  const created: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fray-db-templates-'));
  });
  afterAll(async () => {
    for (const name of created) {
      await adminQuery(`alter database "${name}" is_template false`).catch(() => undefined);
      await adminQuery(`drop database if exists "${name}"`);
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function schema(version: number): Promise<string> {
    const path = join(dir, `v${version}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(path, { recursive: true }));
    await writeFile(join(path, '1.sql'), `-- ${uniqueSuffix()}\ncreate table t${version} (id int);\n`);
    return path;
  }

  test('are built once, marked, and cloned by later runs', async () => {
    const migrate = await schema(0);
    const name = `fray-db-test/templates/${uniqueSuffix()}`;
    await using first = await createTestDatabase({
      engine: 'postgres',
      url,
      migrate,
      name,
      freshPoolSize: 0,
    });
    created.push(first.info.template ?? '');
    await using second = await createTestDatabase({
      engine: 'postgres',
      url,
      migrate,
      name,
      freshPoolSize: 0,
    });
    expect([first.info.origin, second.info.origin]).toEqual(['built', 'cloned']);
    expect(second.info.template).toBe(first.info.template);
    const [row] = await adminQuery<{ datistemplate: boolean; datallowconn: boolean; comment: string }>(
      "select datistemplate, datallowconn, shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1",
      [first.info.template],
    );
    expect(row).toMatchObject({ datistemplate: true, datallowconn: false });
    expect(JSON.parse(row?.comment ?? '{}')).toMatchObject({
      fray: 1,
      kind: 'template',
      source: name,
      hash: first.schemaHash,
    });
  });

  test('a template dropped under a live run (evicted by another run) is rebuilt when fresh() needs it', async () => {
    const migrate = await schema(9);
    await using db = await createTestDatabase({ engine: 'postgres', url, migrate, freshPoolSize: 0 });
    const template = db.info.template ?? '';
    created.push(template);
    await adminQuery(`alter database "${template}" is_template false`);
    await adminQuery(`drop database "${template}"`);
    await using fresh = await db.fresh();
    expect((await fresh.query('select count(*)::int as n from t9')).rows).toEqual([{ n: 0 }]);
    expect(await databasesLike(template)).toEqual([template]);
  });

  test('older versions of a schema are evicted beyond keepTemplates', async () => {
    const name = `fray-db-test/evict/${uniqueSuffix()}`;
    const templates: string[] = [];
    for (const version of [1, 2]) {
      await using db = await createTestDatabase({
        engine: 'postgres',
        url,
        migrate: await schema(version),
        name,
        keepTemplates: 1,
        freshPoolSize: 0,
      });
      templates.push(db.info.template ?? '');
    }
    created.push(...templates);
    const remaining = await adminQuery<{ datname: string }>(
      'select datname from pg_database where datname = any($1) order by datname',
      [templates],
    );
    expect(remaining.map((row) => row.datname).sort()).toEqual(templates.slice(1).sort());
  });
});

describe('refusals and connection errors', () => {
  test('an unreachable server: FRAY_DB_UNREACHABLE with the URL minus its password', async () => {
    const error = await createTestDatabase({
      engine: 'postgres',
      url: 'postgres://app:s3cret@127.0.0.1:1/app',
    }).catch((e: unknown) => e);
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_UNREACHABLE');
    expect((error as Error).message).toContain('postgres://app:***@127.0.0.1:1/');
    expect((error as Error).message).not.toContain('s3cret');
    expect((error as Error).message).toContain("engine: 'pglite'");
  });

  test('a remote host is refused before connecting', async () => {
    const error = await createTestDatabase({
      engine: 'postgres',
      url: 'postgres://u@db.example.invalid/x',
    }).catch((e: unknown) => e);
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_REMOTE');
  });

  test('NODE_ENV=production is refused, on both engines', async () => {
    const previous = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      for (const options of [{}, { engine: 'postgres' as const, url: 'postgres://u@127.0.0.1/x' }]) {
        const error = await createTestDatabase(options).catch((e: unknown) => e);
        expect(isFrayError(error) && error.code).toBe('FRAY_DB_PRODUCTION');
      }
    } finally {
      process.env['NODE_ENV'] = previous;
    }
  });

  test.skipIf(postgresUrl === undefined)(
    'a role that may not create databases: FRAY_DB_PERMISSION with the GRANT to run',
    async () => {
      const role = `fray_test_role_${uniqueSuffix()}`;
      await adminQuery(`create role "${role}" login nocreatedb`);
      try {
        const server = new URL(url);
        server.username = role;
        server.password = '';
        const error = await createTestDatabase({
          engine: 'postgres',
          url: server.toString(),
          migrate: migrations,
        }).catch((e: unknown) => e);
        expect(isFrayError(error) && error.code).toBe('FRAY_DB_PERMISSION');
        expect((error as Error).message).toContain(`ALTER ROLE "${role}" CREATEDB`);
      } finally {
        await adminQuery(`drop role if exists "${role}"`);
      }
    },
  );
});
