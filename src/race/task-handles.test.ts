import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import { gzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RaceUncontrolledError } from '../errors/index.ts';
import { explore } from './index.ts';

/**
 * Work beside the process that a task opens a handle on and waits for — a zlib stream, a
 * child process, a message port. fray holds none of their callbacks; until these tests, a
 * task waiting on one was diagnosed as deadlocked ("the awaited promise never settled") while
 * Node finishes it in milliseconds.
 */
const work: Record<string, { readonly run: () => Promise<unknown>; readonly by: RegExp }> = {
  'a zlib stream': { run: () => promisify(gzip)(Buffer.from('hello')), by: /resumed by a Zlib callback/ },
  'a child process': {
    run: () => promisify(execFile)(process.execPath, ['-e', '0']),
    by: /resumed by a \w+ callback/,
  },
  'a message port': {
    run: () =>
      new Promise((resolve) => {
        const { port1, port2 } = new MessageChannel();
        port2.once('message', (message) => {
          resolve(message);
          port2.close();
        });
        port1.postMessage('hi');
      }),
    by: /resumed by a MessagePort callback/,
  },
};

describe('a task waiting on work beside the process', () => {
  it.each(Object.keys(work))(
    'on %s is waited for and named as a gap, not called a deadlock',
    async (name) => {
      // Arrange
      const { run, by } = work[name] as (typeof work)[string];
      // Act
      const result = await explore({
        strategy: 'dfs',
        uncontrolled: 'report',
        quiet: true,
        runs: 5,
        tasks: () => ({
          A: async () => {
            await run();
          },
        }),
      });
      // Assert
      expect(result.failure?.kind).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.exhaustive).toBe(false);
      expect(result.summary).toContain('this is not a proof');
      expect(result.gaps.some((gap) => gap.kind === 'resumed-outside' && by.test(gap.what))).toBe(true);
    },
  );

  it('stops the exploration by default, saying what drove the task', async () => {
    // Act
    const explored = explore({
      strategy: 'dfs',
      quiet: true,
      runs: 5,
      tasks: () => ({
        A: async () => {
          await promisify(gzip)(Buffer.from('hello'));
        },
      }),
    });
    // Assert
    await expect(explored).rejects.toBeInstanceOf(RaceUncontrolledError);
    await expect(explored).rejects.toThrow(/resumed by a Zlib callback/);
  });
});

describe('a worker thread created before the exploration', () => {
  // Doubles what it is sent, unless sent 0: then it never answers.
  let worker: Worker;
  beforeAll(() => {
    worker = new Worker(
      "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (n) => { if (n !== 0) parentPort.postMessage(n * 2); });",
      { eval: true },
    );
  });
  afterAll(async () => {
    await worker.terminate();
  });
  const ask = (n: number): Promise<number> =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(n);
    });

  it('is waited for while a task listens for its answer, not called a deadlock', async () => {
    // Act — its port starts listening in the run (a listener added by the task).
    const result = await explore({
      strategy: 'dfs',
      uncontrolled: 'report',
      quiet: true,
      runs: 3,
      setup: () => ({ got: [] as number[] }),
      tasks: (w) => ({
        A: async () => {
          w.got.push(await ask(21));
        },
      }),
      check: (w) => {
        expect(w.got).toEqual([42]);
      },
    });
    // Assert
    expect(result.failure?.kind).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(false);
    expect(result.gaps.some((gap) => /resumed by a MessagePort callback/.test(gap.what))).toBe(true);
  });

  it('that never answers ends the run at its timeout, naming the port', async () => {
    // Act
    const explored = explore({
      strategy: 'dfs',
      uncontrolled: 'report',
      quiet: true,
      runs: 1,
      timeout: 150,
      tasks: () => ({
        A: async () => {
          await ask(0);
        },
      }),
    });
    // Assert
    await expect(explored).rejects.toThrow(/a message port \(a worker thread's answer/);
  });
});
