/**
 * The on-disk cache of migrated PGlite data directories.
 *
 * One snapshot per schema hash: `<cacheDir>/pglite/<hash>.tar` (an uncompressed data-dir
 * tarball: loading it costs less than gunzipping it) plus `<hash>.json`, written last,
 * which makes the entry complete and records the PGlite version that built it. A snapshot
 * built by another PGlite version is reported as stale before anything boots from it.
 *
 * The default cache directory is `.fray/db` in the project root (the nearest directory
 * with a package.json), with a `.gitignore` so it is never committed, or
 * `FRAY_DB_CACHE_DIR`. When it cannot be written, the OS temp directory is used.
 *
 * @module
 */
import { mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { DbCacheUnwritableError } from '../errors/index.ts';

/** What `<hash>.json` records. */
export interface SnapshotMeta {
  readonly format: 2;
  readonly schemaHash: string;
  readonly pgliteVersion: string;
  /** Where the migrations came from (directory or name), for pruning. */
  readonly source: string;
  readonly created: string;
  readonly bytes: number;
  /** SHA-256 of the tarball: a damaged file is rebuilt instead of crashing PGlite. */
  readonly sha256: string;
}

/** The result of looking a snapshot up. */
export type SnapshotLookup =
  | { readonly status: 'missing'; readonly path: string }
  | { readonly status: 'stale'; readonly path: string; readonly reason: string }
  | { readonly status: 'ok'; readonly path: string; readonly data: Uint8Array; readonly meta: SnapshotMeta };

const FORMAT = 2;
const KEEP_PER_SOURCE = 3;

function projectRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function writable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    await writeFile(probe, '');
    await unlink(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * The cache directory to use: `explicit`, else `FRAY_DB_CACHE_DIR`, else `<project>/.fray/db`,
 * else the OS temp directory. Created, with a `.gitignore` that ignores everything in it.
 *
 * @example
 * ```ts
 * await resolveCacheDir(undefined); // '/home/me/app/.fray/db'
 * ```
 */
export async function resolveCacheDir(explicit: string | undefined): Promise<string> {
  const candidates: string[] = [];
  if (explicit !== undefined) candidates.push(resolve(explicit));
  else {
    const fromEnv = process.env['FRAY_DB_CACHE_DIR'];
    if (fromEnv !== undefined && fromEnv !== '') candidates.push(resolve(fromEnv));
    const root = projectRoot(process.cwd());
    if (root !== undefined) candidates.push(join(root, '.fray', 'db'));
  }
  let user = 'user';
  try {
    user = userInfo().username;
  } catch {
    // no user database entry (containers): keep the generic name
  }
  candidates.push(join(tmpdir(), `fray-db-${user}`));
  for (const dir of candidates) {
    if (await writable(dir)) {
      const ignore = join(dir, '.gitignore');
      if (!existsSync(ignore)) {
        await writeFile(ignore, '# fray/db cache: PGlite snapshots, safe to delete\n*\n').catch(
          () => undefined,
        );
      }
      await mkdir(join(dir, 'pglite'), { recursive: true });
      return dir;
    }
  }
  throw new DbCacheUnwritableError(candidates);
}

/**
 * Paths of the snapshot for `hash`.
 *
 * @example
 * ```ts
 * snapshotPaths('/app/.fray/db', 'ab12…').tar; // '/app/.fray/db/pglite/ab12….tar'
 * ```
 */
export function snapshotPaths(
  cacheDir: string,
  hash: string,
): { tar: string; meta: string; lock: string; dir: string } {
  const dir = join(cacheDir, 'pglite');
  const key = hash.slice(0, 24);
  return {
    dir,
    tar: join(dir, `${key}.tar`),
    meta: join(dir, `${key}.json`),
    lock: join(dir, `${key}.lock`),
  };
}

/**
 * Look up the snapshot for `hash` and check it was built by `pgliteVersion`.
 *
 * @example
 * ```ts
 * const found = await readSnapshot(cacheDir, plan.hash, '0.5.16');
 * if (found.status === 'ok') boot(found.data);
 * ```
 */
export async function readSnapshot(
  cacheDir: string,
  hash: string,
  pgliteVersion: string,
): Promise<SnapshotLookup> {
  const paths = snapshotPaths(cacheDir, hash);
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(await readFile(paths.meta, 'utf8')) as SnapshotMeta;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', path: paths.tar };
    return { status: 'stale', path: paths.tar, reason: 'its metadata file is unreadable' };
  }
  if (meta.format !== FORMAT) {
    return {
      status: 'stale',
      path: paths.tar,
      reason: `it has cache format ${String((meta as { format: unknown }).format)}, this fray uses ${String(FORMAT)}`,
    };
  }
  if (meta.pgliteVersion !== pgliteVersion) {
    return {
      status: 'stale',
      path: paths.tar,
      reason: `it was built by PGlite ${meta.pgliteVersion} and PGlite ${pgliteVersion} is installed`,
    };
  }
  if (meta.schemaHash !== hash) {
    return { status: 'stale', path: paths.tar, reason: 'its schema hash does not match its name' };
  }
  let data: Uint8Array;
  try {
    data = await readFile(paths.tar);
  } catch {
    return { status: 'stale', path: paths.tar, reason: 'its data file is missing' };
  }
  if (data.byteLength !== meta.bytes) {
    return {
      status: 'stale',
      path: paths.tar,
      reason: `its data file has ${data.byteLength} bytes, ${meta.bytes} were written`,
    };
  }
  if (sha256(data) !== meta.sha256) {
    return { status: 'stale', path: paths.tar, reason: 'its data file is damaged (checksum mismatch)' };
  }
  // Recently used snapshots survive pruning.
  const touched = new Date();
  await utimes(paths.meta, touched, touched).catch(() => undefined);
  return { status: 'ok', path: paths.tar, data, meta };
}

/**
 * Hex SHA-256 of `data` (about 25 ms for a 40 MB snapshot).
 *
 * @example
 * ```ts
 * sha256(new Uint8Array([1, 2, 3]));
 * ```
 */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Write a snapshot atomically: data first, metadata last (a reader sees all or nothing).
 *
 * @example
 * ```ts
 * await writeSnapshot(cacheDir, meta, bytes);
 * ```
 */
export async function writeSnapshot(cacheDir: string, meta: SnapshotMeta, data: Uint8Array): Promise<void> {
  const paths = snapshotPaths(cacheDir, meta.schemaHash);
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(paths.tar + suffix, data);
  await rename(paths.tar + suffix, paths.tar);
  await writeFile(paths.meta + suffix, JSON.stringify(meta, null, 2));
  await rename(paths.meta + suffix, paths.meta);
}

/**
 * Remove a snapshot (stale or unloadable).
 *
 * @example
 * ```ts
 * await removeSnapshot(cacheDir, hash);
 * ```
 */
export async function removeSnapshot(cacheDir: string, hash: string): Promise<void> {
  const paths = snapshotPaths(cacheDir, hash);
  await rm(paths.meta, { force: true });
  await rm(paths.tar, { force: true });
}

/**
 * Keep the {@link KEEP_PER_SOURCE} most recently used snapshots of each migrations source
 * and delete the others, plus temporary files left by processes that died mid-write.
 *
 * @example
 * ```ts
 * await pruneSnapshots(cacheDir);
 * ```
 */
export async function pruneSnapshots(cacheDir: string, keep = KEEP_PER_SOURCE): Promise<string[]> {
  const dir = join(cacheDir, 'pglite');
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return removed;
  }
  const bySource = new Map<string, { key: string; used: number }[]>();
  for (const entry of entries) {
    const path = join(dir, entry);
    if (entry.endsWith('.tmp')) {
      const pid = Number.parseInt(entry.split('.').at(-3) ?? '', 10);
      let alive = true;
      try {
        if (Number.isFinite(pid)) process.kill(pid, 0);
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (!alive) {
        await rm(path, { force: true });
        removed.push(entry);
      }
      continue;
    }
    if (!entry.endsWith('.json')) continue;
    try {
      const meta = JSON.parse(await readFile(path, 'utf8')) as SnapshotMeta;
      const used = (await stat(path)).mtimeMs;
      const list = bySource.get(meta.source) ?? [];
      list.push({ key: entry.slice(0, -'.json'.length), used });
      bySource.set(meta.source, list);
    } catch {
      // unreadable metadata: readSnapshot reports it stale and it is rebuilt in place
    }
  }
  for (const list of bySource.values()) {
    list.sort((a, b) => b.used - a.used);
    for (const old of list.slice(keep)) {
      await rm(join(dir, `${old.key}.json`), { force: true });
      await rm(join(dir, `${old.key}.tar`), { force: true });
      removed.push(`${old.key}.tar`);
    }
  }
  return removed;
}
