import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';

const here = fileURLToPath(import.meta.url);
// Captured before any exploration: inside a run this is a real timer that escaped fray.
const escapedSetTimeout = globalThis.setTimeout;

describe('async work a task starts itself', () => {
  it('a file read is real work fray waits for; the await after it is a decision', async () => {
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: () => ({ log: [] as string[] }),
      tasks: ({ log }) => ({
        reader: async () => {
          const text = await readFile(here, 'utf8');
          log.push('read');
          return text.length;
        },
        writer: () => {
          log.push('wrote');
        },
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.gaps).toEqual([]);
    expect(result.exhaustive).toBe(true);
    expect(result.uncontrolled).toEqual([]);
  });

  it('inside a mock implementation, is waited for as part of the operation', async () => {
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: () => ({ load: asyncMock(() => readFile(here, 'utf8'), { name: 'config.load' }) }),
      tasks: ({ load }) => ({ boot: () => load(), other: () => load() }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.gaps).toEqual([]);
    expect(result.exhaustive).toBe(true);
  });

  it('includes a real timer that escaped the virtual clock, unless it was unref()ed (housekeeping)', async () => {
    // Arrange
    const timers: ReturnType<typeof setTimeout>[] = [];
    const run = (unref: boolean) =>
      explore({
        runs: 1,
        uncontrolled: 'report',
        tasks: () => ({
          arm: () => {
            const timer = escapedSetTimeout(() => undefined, 60_000);
            if (unref) timer.unref();
            timers.push(timer);
          },
        }),
      });
    // Act
    const refd = await run(false);
    const unrefd = await run(true);
    timers.forEach((timer) => clearTimeout(timer));
    // Assert
    expect(refd.uncontrolled).toEqual([
      {
        type: 'Timeout',
        task: 'arm',
        operation: undefined,
        site: expect.stringContaining('uncontrolled.test.ts'),
      },
    ]);
    expect(refd.gaps).toEqual([expect.objectContaining({ kind: 'real-timer', task: 'arm' })]);
    expect(refd.exhaustive).toBe(false);
    expect(refd.summary).toContain('not a proof');
    expect(unrefd.uncontrolled).toEqual([]);
    expect(unrefd.gaps).toEqual([]);
  });

  it('is fine inside a wrapped client: fray waits for the real I/O, deterministically', async () => {
    // Arrange
    const files = { read: (path: string) => readFile(path, 'utf8') };
    const orders: string[] = [];
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: (ctl) => ({ fs: ctl.wrap(files, 'fs'), log: [] as string[] }),
      tasks: ({ fs, log }) => ({
        a: async () => {
          await fs.read(here);
          log.push('a');
        },
        b: async () => {
          await fs.read(here);
          log.push('b');
        },
      }),
      check: ({ log }) => {
        orders.push(log.join());
      },
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(true);
    expect(result.uncontrolled).toEqual([]);
    expect(new Set(orders)).toEqual(new Set(['a,b', 'b,a']));
  });

  it('times out with the operations still running when real work never finishes', async () => {
    // Arrange
    const hanging = { call: () => new Promise(() => setInterval(() => undefined, 1_000).unref()) };
    // Act
    const attempt = explore({
      runs: 1,
      timeout: 200,
      setup: (ctl) => ({ api: ctl.wrap(hanging, 'api') }),
      tasks: ({ api }) => ({ caller: () => api.call() }),
    });
    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_TIMEOUT',
      message: expect.stringContaining('caller:api.call#1 (real work, started at step 2)'),
    });
  });

  it('treats idle real work as blocked on another task instead of waiting for it', async () => {
    // Arrange — a lock inside the wrapped client: b's call waits on promises a will release.
    class Locked {
      #tail: Promise<void> = Promise.resolve();
      async withLock(work: () => Promise<void>): Promise<void> {
        const previous = this.#tail;
        let release!: () => void;
        this.#tail = new Promise((resolve) => (release = resolve));
        await previous;
        try {
          await work();
        } finally {
          release();
        }
      }
    }
    // Act
    const result = await explore({
      strategy: 'dfs',
      timeout: 5_000,
      setup: (ctl) => {
        const lock = new Locked();
        const step = asyncMock(() => Promise.resolve(), { name: 'step' });
        return { lock: ctl.wrap(lock, 'lock'), step };
      },
      tasks: ({ lock, step }) => ({
        a: () => lock.withLock(() => step()),
        b: () => lock.withLock(() => step()),
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(true);
  });
});
