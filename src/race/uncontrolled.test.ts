import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';

const here = fileURLToPath(import.meta.url);
// Captured before any exploration: inside a run this is a real timer that escaped fray.
const escapedSetTimeout = globalThis.setTimeout;

describe('uncontrolled async work', () => {
  it('is refused by default, naming the task and where the work was created', async () => {
    // Act
    const attempt = explore({
      runs: 3,
      tasks: () => ({ reader: () => readFile(here, 'utf8') }),
    });
    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_UNCONTROLLED',
      work: [
        {
          type: 'FSREQPROMISE',
          task: 'reader',
          operation: undefined,
          site: expect.stringContaining('uncontrolled.test.ts'),
        },
      ],
      message: expect.stringContaining("ctl.wrap(client, 'label')"),
    });
  });

  it("is listed with uncontrolled: 'report', and the exploration goes on", async () => {
    // Act
    const result = await explore({
      runs: 3,
      seed: 1,
      strategy: 'random',
      uncontrolled: 'report',
      setup: () => ({ op: asyncMock(() => Promise.resolve(1), { name: 'op' }) }),
      tasks: ({ op }) => ({
        reader: async () => {
          await op();
          return (await readFile(here, 'utf8')).length;
        },
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.runs).toBe(3);
    expect(result.uncontrolled).toContainEqual({
      type: 'FSREQPROMISE',
      task: 'reader',
      operation: undefined,
      site: expect.stringContaining('uncontrolled.test.ts'),
    });
    expect(result.uncontrolled.every((work) => work.task === 'reader')).toBe(true);
  });

  it('is detected inside a mock implementation too, naming the operation', async () => {
    // Act
    const attempt = explore({
      runs: 1,
      setup: () => ({ load: asyncMock(() => readFile(here, 'utf8'), { name: 'config.load' }) }),
      tasks: ({ load }) => ({ boot: () => load() }),
    });
    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_UNCONTROLLED',
      work: [
        expect.objectContaining({
          task: 'boot',
          operation: 'boot:config.load#1',
          site: expect.stringContaining('uncontrolled.test.ts'),
        }),
      ],
    });
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
    expect(unrefd.uncontrolled).toEqual([]);
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
