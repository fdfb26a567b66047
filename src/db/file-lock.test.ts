/**
 * The cross-process file locks behind the snapshot build and the PGlite boot slots: one
 * holder at a time, waiters get it once it is released, a dead holder's lock is taken over,
 * and a slot set admits as many holders as it has slots.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lockAny, lockFile, unlockFile } from './file-lock.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fray-file-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lockFile', () => {
  test('a second taker waits until the first releases', async () => {
    // Arrange
    const path = join(dir, 'one.lock');
    const first = await lockFile(path);
    const order: string[] = [];

    // Act
    const second = lockFile(path).then((lock) => {
      order.push('second acquired');
      return lock;
    });
    await new Promise((resolve) => setImmediate(resolve));
    order.push('first releases');
    await unlockFile(first);
    const lock = await second;

    // Assert
    expect(order).toEqual(['first releases', 'second acquired']);
    await unlockFile(lock);
  });

  test('a lock whose process is gone is taken over', async () => {
    // Arrange: a lock file left by a process that has exited.
    const path = join(dir, 'stale.lock');
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    await writeFile(path, JSON.stringify({ host: hostname(), pid: gone, token: 'old', created: Date.now() }));

    // Act
    const lock = await lockFile(path);

    // Assert
    expect(lock.token).not.toBe('old');
    await unlockFile(lock);
  });
});

describe('lockAny (boot slots)', () => {
  test('admits one holder per slot; the next waits for a slot to free', async () => {
    // Arrange
    const slots = [join(dir, 'slot-0.lock'), join(dir, 'slot-1.lock')];
    const a = await lockAny(slots);
    const b = await lockAny(slots);
    let thirdAcquired = false;

    // Act
    const third = lockAny(slots).then((lock) => {
      thirdAcquired = true;
      return lock;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const waitedWhileFull = !thirdAcquired;
    await unlockFile(a);
    const c = await third;

    // Assert
    expect(new Set([a.path, b.path])).toEqual(new Set(slots));
    expect(waitedWhileFull).toBe(true);
    expect(c.path).toBe(a.path);
    await unlockFile(b);
    await unlockFile(c);
  });
});
