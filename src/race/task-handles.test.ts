import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import { gzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
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
