/**
 * The PGlite snapshot cache: built once, shared within a process, loaded by later runs and
 * by concurrent workers, rebuilt (or refused) when another PGlite version built it or it
 * is damaged, pruned per schema.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { createTestDatabase } from './index.ts';
import { installedPgliteVersion } from './pglite-runtime.ts';
import { pruneSnapshots, resolveCacheDir, type SnapshotMeta } from './pglite-snapshot.ts';

const run = promisify(execFile);
let root: string;

/** A migrations directory whose schema hash is new in every run (so a cold build happens). */
async function uniqueMigrations(label: string): Promise<string> {
  const dir = await mkdtemp(join(root, `${label}-`));
  await writeFile(
    join(dir, '001.sql'),
    `-- ${label} ${process.pid} ${Date.now()} ${Math.random()}\ncreate table notes (id serial primary key, body text not null);\n`,
  );
  return dir;
}

async function metaFile(cacheDir: string): Promise<string> {
  const files = await readdir(join(cacheDir, 'pglite'));
  const meta = files.find((file) => file.endsWith('.json'));
  if (meta === undefined) throw new Error(`no snapshot in ${cacheDir}: ${files.join(', ')}`);
  return join(cacheDir, 'pglite', meta);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fray-db-snapshot-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the snapshot cache', () => {
  let migrate: string;
  let cacheDir: string;

  beforeAll(async () => {
    migrate = await uniqueMigrations('cache');
    cacheDir = join(root, 'cache');
  });

  test('the first start builds and writes it; a second database in the process shares the instance; a later start loads it', async () => {
    // Arrange / Act
    const first = await createTestDatabase({ migrate, cacheDir });
    const second = await createTestDatabase({ migrate, cacheDir });
    // Assert
    expect(first.info).toMatchObject({
      engine: 'pglite',
      origin: 'built',
      pgliteVersion: await installedPgliteVersion(),
    });
    expect(second.info.origin).toBe('shared');
    expect(await readFile(join(cacheDir, '.gitignore'), 'utf8')).toContain('*');
    const meta = JSON.parse(await readFile(await metaFile(cacheDir), 'utf8')) as SnapshotMeta;
    expect(meta).toMatchObject({ format: 2, schemaHash: first.schemaHash, source: migrate });
    {
      await using view = await second.isolated();
      await view.query("insert into notes (body) values ('x')");
    }
    await first.end();
    await second.end();

    await using later = await createTestDatabase({ migrate, cacheDir });
    expect(later.info.origin).toBe('loaded');
    await using view = await later.isolated();
    expect((await view.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 0 }]);
  });

  test("a snapshot another PGlite version built is refused with FRAY_DB_SNAPSHOT_INCOMPATIBLE under onStaleSnapshot: 'error'", async () => {
    const path = await metaFile(cacheDir);
    const meta = JSON.parse(await readFile(path, 'utf8')) as SnapshotMeta;
    await writeFile(path, JSON.stringify({ ...meta, pgliteVersion: '0.0.1-old' }));
    const error = await createTestDatabase({ migrate, cacheDir, onStaleSnapshot: 'error' }).catch(
      (e: unknown) => e,
    );
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_SNAPSHOT_INCOMPATIBLE');
    expect((error as Error).message).toContain('built by PGlite 0.0.1-old');
    expect((error as Error).message).toContain(`PGlite ${await installedPgliteVersion()} is installed`);
    expect((error as Error).message).toContain('rebuild');
  });

  test('… and rebuilt from the migrations by default', async () => {
    await using db = await createTestDatabase({ migrate, cacheDir });
    expect(db.info.origin).toBe('built');
    const meta = JSON.parse(await readFile(await metaFile(cacheDir), 'utf8')) as SnapshotMeta;
    expect(meta.pgliteVersion).toBe(await installedPgliteVersion());
  });

  test('a damaged snapshot is detected before PGlite reads it', async () => {
    const tar = (await metaFile(cacheDir)).replace(/\.json$/, '.tar');
    const bytes = await readFile(tar);
    bytes.fill(7, 0, 4096);
    await writeFile(tar, bytes);
    const error = await createTestDatabase({ migrate, cacheDir, onStaleSnapshot: 'error' }).catch(
      (e: unknown) => e,
    );
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_SNAPSHOT_INCOMPATIBLE');
    expect((error as Error).message).toContain('damaged');
  });
});

describe('concurrent workers', () => {
  test('build a missing snapshot once; the others wait and load it', async () => {
    const migrate = await uniqueMigrations('workers');
    const cacheDir = join(root, 'workers-cache');
    const child = new URL('./fixtures/child-pglite.ts', import.meta.url).pathname;
    const outputs = await Promise.all(
      [0, 1].map(() => run(process.execPath, [child, migrate, cacheDir], { timeout: 90_000 })),
    );
    const origins = outputs
      .map((output) => (JSON.parse(output.stdout.trim()) as { origin: string }).origin)
      .sort();
    expect(origins).toEqual(['built', 'loaded']);
  });
});

describe('pruning', () => {
  test('keeps the 3 most recently used snapshots of each schema source, and leaves other sources alone', async () => {
    const cacheDir = join(root, 'prune');
    const dir = join(cacheDir, 'pglite');
    await rm(cacheDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const write = async (key: string, source: string, age: number): Promise<void> => {
      await writeFile(join(dir, `${key}.tar`), 'x');
      await writeFile(join(dir, `${key}.json`), JSON.stringify({ source }));
      const when = new Date(Date.now() - age * 60_000);
      await utimes(join(dir, `${key}.json`), when, when);
    };
    for (let i = 0; i < 5; i++) await write(`a${i}`, 'app', i);
    await write('b0', 'other', 100);
    const removed = await pruneSnapshots(cacheDir);
    expect(removed.sort()).toEqual(['a3.tar', 'a4.tar']);
    expect((await readdir(dir)).sort()).toEqual(
      ['a0', 'a1', 'a2', 'b0'].flatMap((key) => [`${key}.json`, `${key}.tar`]).sort(),
    );
  });
});

describe('the cache directory', () => {
  test('none writable: FRAY_DB_CACHE_UNWRITABLE lists what was tried and how to fix it', async () => {
    // Arrange: paths below a regular file cannot be created, not even by root.
    const file = join(root, 'not-a-directory');
    await writeFile(file, '');
    vi.stubEnv('TMPDIR', join(file, 'tmp'));
    try {
      // Act
      const error: unknown = await resolveCacheDir(join(file, 'cache')).catch((caught: unknown) => caught);

      // Assert
      expect(isFrayError(error) && error.code).toBe('FRAY_DB_CACHE_UNWRITABLE');
      expect((error as Error).message).toContain(join(file, 'cache'));
      expect((error as Error).message).toMatch(/FRAY_DB_CACHE_DIR/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
