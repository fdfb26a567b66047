/**
 * Cross-process locks on files, for the PGlite snapshot cache: one process builds a
 * snapshot while the others wait for it, and at most a few PGlite cold starts run at once
 * on the machine.
 *
 * A lock is a file created with `O_EXCL` holding the owner's host, PID and a random token.
 * It is stale — and taken over — when its process is gone (same host) or, for another host
 * sharing the directory, when it is older than `staleAfter`. Waiting is a poll on the
 * condition (the file disappearing), never a fixed sleep.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { randomBytes } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

const realSetTimeout = natives.setTimeout;
const HOST = hostname();

/** A held lock. */
export interface FileLock {
  readonly path: string;
  readonly token: string;
}

interface LockContent {
  readonly host: string;
  readonly pid: number;
  readonly token: string;
  readonly created: number;
}

/**
 * Whether process `pid` exists on this host.
 *
 * @example
 * ```ts
 * processAlive(process.pid); // true
 * ```
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockContent | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
}

async function isStale(path: string, staleAfter: number): Promise<boolean> {
  const content = await readLock(path);
  if (content === undefined) {
    // Being written right now, or left half-written by a process that died: the latter is
    // stale once it is a few seconds old.
    try {
      return Date.now() - (await stat(path)).mtimeMs > 5_000;
    } catch {
      return true;
    }
  }
  if (content.host === HOST) return !processAlive(content.pid);
  return Date.now() - content.created > staleAfter;
}

/**
 * Try to take the lock at `path` once; a stale lock is removed and retried.
 *
 * @example
 * ```ts
 * const lock = await tryLock('/tmp/x.lock');
 * if (lock) await unlockFile(lock);
 * ```
 */
export async function tryLock(path: string, staleAfter = 10 * 60_000): Promise<FileLock | null> {
  const token = randomBytes(8).toString('hex');
  const content: LockContent = { host: HOST, pid: process.pid, token, created: Date.now() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, JSON.stringify(content), { flag: 'wx' });
      return { path, token };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!(await isStale(path, staleAfter))) return null;
      await unlink(path).catch(() => undefined);
    }
  }
  return null;
}

/**
 * Take the lock at `path`, waiting for its holder to release it or die.
 *
 * @example
 * ```ts
 * const lock = await lockFile(join(dir, 'build.lock'));
 * try { … } finally { await unlockFile(lock); }
 * ```
 */
export async function lockFile(path: string, staleAfter = 10 * 60_000): Promise<FileLock> {
  let delay = 10;
  for (;;) {
    const lock = await tryLock(path, staleAfter);
    if (lock !== null) return lock;
    await new Promise((resolve) => realSetTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/**
 * Take any one of `paths` (a slot), waiting until one is free.
 *
 * @example
 * ```ts
 * const slot = await lockAny(['/tmp/boot-0.lock', '/tmp/boot-1.lock']);
 * ```
 */
export async function lockAny(paths: readonly string[], staleAfter = 10 * 60_000): Promise<FileLock> {
  let delay = 10;
  for (;;) {
    for (const path of paths) {
      const lock = await tryLock(path, staleAfter);
      if (lock !== null) return lock;
    }
    await new Promise((resolve) => realSetTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/**
 * Release a lock taken by this process (a lock taken over by someone else is left alone).
 *
 * @example
 * ```ts
 * await unlockFile(lock);
 * ```
 */
export async function unlockFile(lock: FileLock): Promise<void> {
  const content = await readLock(lock.path);
  if (content?.token === lock.token) await unlink(lock.path).catch(() => undefined);
}
