import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';
import { globalsInstalled } from './virtual-globals.ts';

describe('virtual timers', () => {
  it('makes a timer firing a decision: a timeout can win over a slow dependency', async () => {
    // Arrange
    const options = {
      setup: () => ({ fetchUser: asyncMock(() => Promise.resolve({ name: 'Ada' }), { name: 'users.get' }) }),
      tasks: ({ fetchUser }: { fetchUser: () => Promise<{ name: string }> }) => ({
        request: () =>
          Promise.race([
            fetchUser(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 5000 ms')), 5_000)),
          ]),
      }),
    };
    // Act
    const result = await explore({ ...options, seed: 1, quiet: true });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.error).toMatchObject({
      code: 'FRAY_RACE_TASK_REJECTED',
      cause: new Error('timed out after 5000 ms'),
    });
    expect(result.failure?.schedule).toHaveLength(1);
    expect(result.failure?.schedule[0]?.chosen).toBe('request:timer(5000ms)#1:fire');
    expect(result.failure?.report).toContain('fire     request:timer(5000ms)#1');
  });

  it('fires timers last in first-come order, and always in due order among themselves', async () => {
    // Arrange
    const runs: string[] = [];
    const options = {
      setup: () => ({ op: asyncMock(() => Promise.resolve(), { name: 'op' }), fired: [] as string[] }),
      tasks: ({ op, fired }: { op: () => Promise<void>; fired: string[] }) => ({
        t: async () => {
          const at = (ms: number, name: string) =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                fired.push(name);
                resolve();
              }, ms),
            );
          const timers = Promise.all([at(300, 'late'), at(100, 'early'), at(100, 'early too')]);
          await op();
          fired.push('op');
          await timers;
        },
      }),
      check: ({ fired }: { fired: string[] }) => {
        runs.push(fired.join(' '));
      },
    };
    // Act
    // DFS's first run is the first-come schedule.
    await explore({ ...options, strategy: 'dfs', runs: 1 });
    await explore({ ...options, strategy: 'dfs' });
    // Assert
    expect(runs[0]).toBe('op early early too late');
    expect(new Set(runs.slice(1))).toEqual(
      new Set([
        'op early early too late',
        'early op early too late',
        'early early too op late',
        'early early too late op',
      ]),
    );
  });

  it('never waits for real: an hour of virtual time passes at once', async () => {
    // Arrange
    let elapsed = -1;
    const started = performance.now();
    // Act
    const result = await explore({
      runs: 3,
      strategy: 'random',
      seed: 2,
      setup: (ctl) => ({ ctl }),
      tasks: ({ ctl }) => ({
        slow: async () => {
          const before = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 3_600_000));
          await sleep(1_000);
          elapsed = Date.now() - before;
          return ctl.now();
        },
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(elapsed).toBe(3_601_000);
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('keeps Date.now(), new Date() and performance.now() on the run clock', async () => {
    // Arrange
    const readings: number[][] = [];
    // Act
    await explore({
      runs: 1,
      tasks: () => ({
        read: async () => {
          const start = performance.now();
          await sleep(250);
          readings.push([Date.now(), new Date().getTime(), performance.now() - start]);
        },
      }),
    });
    // Assert
    const epoch = Date.UTC(2025, 0, 1);
    expect(readings).toEqual([[epoch + 250, epoch + 250, 250]]);
    expect(Date.now()).toBeGreaterThan(epoch + 1e9);
  });

  it('clears timers and intervals, and gives the globals back afterwards', async () => {
    // Arrange
    const ticks: number[] = [];
    // Act
    const result = await explore({
      runs: 1,
      tasks: () => ({
        poll: async () => {
          const cancelled = setTimeout(() => ticks.push(-1), 10);
          clearTimeout(cancelled);
          let n = 0;
          await new Promise<void>((resolve) => {
            const interval = setInterval(() => {
              ticks.push(++n);
              if (n === 3) {
                clearInterval(interval);
                resolve();
              }
            }, 100);
          });
        },
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(ticks).toEqual([1, 2, 3]);
    expect(globalsInstalled()).toBe(false);
    expect(setTimeout.name).toBe('setTimeout');
  });

  it('reports a livelock when an interval keeps a task busy forever', async () => {
    // Act
    const result = await explore({
      runs: 1,
      maxSteps: 50,
      quiet: true,
      tasks: () => ({
        spin: () =>
          new Promise<void>(() => {
            setInterval(() => undefined, 10);
          }),
      }),
    });
    // Assert
    expect(result.failure?.kind).toBe('step-limit');
    expect(result.failure?.error).toMatchObject({ code: 'FRAY_RACE_STEP_LIMIT' });
  });

  it('leaves setImmediate real, and waits for it before deciding', async () => {
    // Arrange
    const order: string[] = [];
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: () => ({ op: asyncMock(() => Promise.resolve(), { name: 'op' }) }),
      tasks: ({ op }) => ({
        a: async () => {
          await new Promise((resolve) => setImmediate(resolve));
          await new Promise((resolve) => setImmediate(resolve));
          await op();
          order.push('a');
        },
        b: async () => {
          await op();
          order.push('b');
        },
      }),
    });
    // Assert — the immediates never race with the decisions: every schedule is deterministic.
    expect(result.exhaustive).toBe(true);
    expect(new Set(order)).toEqual(new Set(['a', 'b']));
  });

  it('fails the run when a timer callback throws, as an uncaught exception would', async () => {
    // Act
    const result = await explore({
      runs: 1,
      quiet: true,
      allowPending: true,
      tasks: () => ({
        arm: () =>
          new Promise<void>(() => {
            setTimeout(() => {
              throw new Error('boom in a timer');
            }, 10);
          }),
      }),
    });
    // Assert
    expect(result.failure?.kind).toBe('uncaught');
    expect(result.failure?.error).toEqual(new Error('boom in a timer'));
    expect(result.failure?.report).toContain('fray/race: a timer callback threw');
  });

  it('drops timers still pending when every task is done, and says so', async () => {
    // Act
    const result = await explore({
      runs: 1,
      tasks: () => ({ fire: () => void setTimeout(() => undefined, 60_000) }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.notes).toContain(
      '1 virtual timer still pending when every task had settled; they were dropped, not fired.',
    );
  });
});
