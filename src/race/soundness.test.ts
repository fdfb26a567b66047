/**
 * No false verdicts: each case here once made fray/race pass, prove or diagnose falsely
 * (issue 12). Each must end as the race found, or as a coded explanation of what fray could
 * not control — never a pass, an exhaustive claim, a probability bound or a deadlock that is
 * not there. The cases without automatic control run in a child process started without it.
 */
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';

describe('races inside one microtask window', () => {
  it('are found: a clear between has() and get() of a synchronous cache (seed 1)', async () => {
    // Act
    const result = await explore({
      seed: 1,
      quiet: true,
      setup: () => ({ cache: new Map([['k', 'v']]) }),
      tasks: ({ cache }) => ({
        reader: async () => {
          if (cache.has('k')) {
            await Promise.resolve();
            return cache.get('k');
          }
          return 'loaded';
        },
        clearer: () => {
          cache.clear();
        },
      }),
      check: (_, outcomes) => {
        expect(outcomes.reader).toMatchObject({ status: 'fulfilled', value: expect.any(String) });
      },
    });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('check');
    expect(result.failure?.report).toContain('resume   at src/race/soundness.test.ts:21');
  });

  it('the fixed cache (one get, no has) is proved race-free, and the proof names no gap', async () => {
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: () => ({ cache: new Map([['k', 'v']]) }),
      tasks: ({ cache }) => ({
        reader: async () => {
          const hit = cache.get('k');
          await Promise.resolve();
          return hit ?? 'loaded';
        },
        clearer: () => {
          cache.clear();
        },
      }),
      check: (_, outcomes) => {
        expect(outcomes.reader).toMatchObject({ status: 'fulfilled', value: expect.any(String) });
      },
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.gaps).toEqual([]);
    expect(result.exhaustive).toBe(true);
    expect(result.summary).toMatch(/^passed: all \d+ schedules explored \(exhaustive/);
  });
});

describe('scenario hooks', () => {
  it.each(['setup', 'check', 'teardown'] as const)(
    'a %s that never settles fails with a coded timeout naming it',
    async (hook) => {
      // Arrange
      const never = (): Promise<never> => new Promise(() => {});
      const options = {
        runs: 1,
        timeout: 100,
        tasks: () => ({ only: () => undefined }),
        [hook]: never,
      };
      // Act
      const attempt = explore(options);
      // Assert
      await expect(attempt).rejects.toMatchObject({
        code: 'FRAY_RACE_HOOK_TIMEOUT',
        hook,
        message: expect.stringContaining(`${hook}() did not settle within 100 ms in run 1`),
      });
    },
  );

  it.each(['setup', 'tasks', 'teardown'] as const)(
    'an error thrown by %s is coded, names the hook and keeps the cause',
    async (hook) => {
      // Arrange
      const boom = new Error(`${hook} exploded`);
      const throws = (): never => {
        throw boom;
      };
      const options = {
        runs: 1,
        tasks: hook === 'tasks' ? throws : () => ({ only: () => undefined }),
        ...(hook === 'tasks' ? {} : { [hook]: throws }),
      };
      // Act
      const attempt = explore(options);
      // Assert
      await expect(attempt).rejects.toMatchObject({
        code: 'FRAY_RACE_HOOK_FAILED',
        hook,
        cause: boom,
        message: expect.stringContaining(`${hook}() threw in run 1: Error: ${hook} exploded`),
      });
    },
  );
});

describe('AbortSignal.timeout in a task', () => {
  it('is a virtual timer: firing before or after the answer are both explored, no deadlock', async () => {
    // Arrange
    const seen = new Set<string>();
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: () => ({ call: asyncMock(() => Promise.resolve('answer'), { name: 'api.call' }) }),
      tasks: ({ call }) => ({
        caller: () =>
          new Promise<string>((resolve, reject) => {
            const signal = AbortSignal.timeout(50);
            signal.addEventListener('abort', () => reject(signal.reason as Error));
            call().then(resolve, reject);
          }),
      }),
      check: (_, outcomes) => {
        const outcome = outcomes.caller;
        if (outcome.status === 'fulfilled') seen.add(outcome.value);
        else if (outcome.status === 'rejected') seen.add((outcome.reason as Error).name);
      },
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(true);
    expect(seen).toEqual(new Set(['answer', 'TimeoutError']));
  });
});
