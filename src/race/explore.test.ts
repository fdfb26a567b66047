import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import './fixtures/vitest-matchers.ts';
import { explore, raceMatchers } from './index.ts';

expect.extend(raceMatchers);

/** Two read-modify-write withdrawals on one balance, over fray mocks. */
function lostUpdate(fixed = false) {
  return {
    name: fixed ? 'atomic withdrawals' : 'lost update',
    setup: () => {
      const store = { balance: 100 };
      const get = asyncMock(() => Promise.resolve(store.balance), { name: 'repo.get' });
      const set = asyncMock((value: number) => Promise.resolve(void (store.balance = value)), {
        name: 'repo.set',
      });
      const add = asyncMock((delta: number) => Promise.resolve(void (store.balance += delta)), {
        name: 'repo.add',
      });
      return { store, get, set, add };
    },
    tasks: ({
      get,
      set,
      add,
    }: {
      get: () => Promise<number>;
      set: (v: number) => Promise<void>;
      add: (d: number) => Promise<void>;
    }) => ({
      alice: async () => (fixed ? add(-30) : set((await get()) - 30)),
      bob: async () => (fixed ? add(-50) : set((await get()) - 50)),
    }),
    check: ({ store }: { store: { balance: number } }) => {
      expect(store.balance).toBe(20);
    },
  };
}

describe('explore: finding a race', () => {
  it('finds a lost update on fray mocks and explains it', async () => {
    // Act
    const result = await explore({ ...lostUpdate(), seed: 1, quiet: true });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('check');
    expect(result.failure?.replay).toMatch(/^fr[12];[0-9a-f]{8};\d+;[0-9a-f]{8}/);
    expect(result.failure?.reproduced).toBe(true);
    const report = result.failure?.report ?? '';
    expect(report).toContain('fray/race: invariant violated in "lost update"');
    expect(report).toContain('- 20');
    expect(report).toContain('+ 50');
    expect(report).toMatch(/alice — fulfilled/);
    expect(report).toContain('repo.get → 100');
    expect(report).toContain(`replay: '${result.failure?.replay}'`);
    expect(report).toContain('npx fray replay src/race/explore.test.ts');
    expect(result.summary).toContain(result.failure?.replay);
  });

  it('proves the fixed version exhaustively and says so', async () => {
    // Act
    const result = await explore({ ...lostUpdate(true), seed: 1 });
    // Assert
    expect(result).toBeRaceFree();
    expect(result.exhaustive).toBe(true);
    // The portfolio proves a small tree with DFS on every other turn after its first cycle of
    // thirteen: at most twice its size and the first cycle's twelve other turns.
    expect(result.runs).toBeGreaterThanOrEqual(20);
    expect(result.runs).toBeLessThanOrEqual(2 * 20 + 12);
    expect(result.summary).toBe(
      `passed: all 20 schedules explored (exhaustive; ${result.runs} runs in all).`,
    );
  });

  it('returns every task outcome with the steps it began and ended at', async () => {
    // Arrange
    let seen: unknown;
    // Act
    await explore({
      strategy: 'dfs',
      runs: 1,
      setup: () => ({ get: asyncMock(() => Promise.resolve(7), { name: 'get' }) }),
      tasks: ({ get }) => [async () => (await get()) * 2, () => Promise.reject(new Error('boom'))],
      check: (_ctx, outcomes) => {
        seen = outcomes;
      },
    });
    // Assert
    expect(seen).toEqual([
      { status: 'fulfilled', value: 14, task: 'task 1', begin: 1, end: expect.any(Number) },
      { status: 'rejected', reason: new Error('boom'), task: 'task 2', begin: 2, end: 2 },
    ]);
  });

  it('fails by default when a task rejects, naming it', async () => {
    // Act
    const result = await explore({
      seed: 5,
      quiet: true,
      tasks: () => ({ ok: () => Promise.resolve(1), bad: () => Promise.reject(new TypeError('nope')) }),
    });
    // Assert
    expect(result.failure?.error).toMatchObject({ code: 'FRAY_RACE_TASK_REJECTED', tasks: ['bad'] });
    expect(result.failure?.report).toContain('bad: TypeError: nope');
  });
});

describe('explore: every failure prints its replay line', () => {
  it('writes one line to stderr with the seed, the replay string and the fray replay command', async () => {
    // Arrange: explore() without quiet, in a child process, so stderr is Node's own.
    const fixture = fileURLToPath(new URL('./fixtures/prints/lost-update.ts', import.meta.url));

    // Act
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture]);

    // Assert
    const { ok, replay } = JSON.parse(stdout) as { ok: boolean; replay: string };
    expect(ok).toBe(false);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`(seed 7). Replay: '${replay}'`);
    expect(lines[0]).toMatch(/npx fray replay \S*lost-update\.ts 'fr1;[^']+'\)$/);
  });
});

describe('explore: determinism', () => {
  /** Records, run after run, the order in which the mocks were called. */
  async function orders(seed: number, strategy: 'random' | 'pct' | 'portfolio'): Promise<string[]> {
    const seen: string[] = [];
    await explore({
      seed,
      strategy,
      runs: 60,
      setup: () => {
        const log: string[] = [];
        const step = asyncMock((who: string) => Promise.resolve(void log.push(who)), { name: 'step' });
        return { log, step };
      },
      tasks: ({ step }) => ({
        a: async () => {
          await step('a1');
          await step('a2');
        },
        b: async () => {
          await step('b1');
          await step('b2');
        },
        c: async () => {
          await step('c1');
        },
      }),
      check: ({ log }) => {
        seen.push(log.join(' '));
      },
    });
    return seen;
  }

  it.each(['random', 'pct', 'portfolio'] as const)(
    'gives the same sequence of schedules for the same seed (%s, seed 1234)',
    async (strategy) => {
      // Act
      const first = await orders(1234, strategy);
      const second = await orders(1234, strategy);
      // Assert
      expect(second).toEqual(first);
      expect(new Set(first).size).toBeGreaterThan(5);
    },
  );

  it('gives a different sequence for another seed (random, seeds 1 and 2)', async () => {
    // Act
    const one = await orders(1, 'random');
    const two = await orders(2, 'random');
    // Assert
    expect(two).not.toEqual(one);
  });

  it('finds the same failure, on the same run, with the same replay, for the same seed (seed 99)', async () => {
    // Act
    const first = await explore({ ...lostUpdate(), seed: 99, strategy: 'random', quiet: true });
    const second = await explore({ ...lostUpdate(), seed: 99, strategy: 'random', quiet: true });
    // Assert
    expect(second.failure?.run).toBe(first.failure?.run);
    expect(second.failure?.replay).toBe(first.failure?.replay);
    expect(second.failure?.report).toBe(first.failure?.report);
  });

  it('gives every run the same world randomness and virtual clock', async () => {
    // Arrange
    const worlds: string[] = [];
    // Act
    await explore({
      seed: 8,
      runs: 5,
      strategy: 'random',
      setup: () => ({ at: Date.now(), id: crypto.randomUUID(), dice: Math.random() }),
      tasks: () => ({ roll: () => Promise.resolve(Math.random()) }),
      check: (world, outcomes) => {
        worlds.push(JSON.stringify([world, outcomes.roll]));
      },
    });
    // Assert
    expect(new Set(worlds).size).toBe(1);
    expect(JSON.parse(worlds[0] ?? '[]')[0].at).toBe(Date.UTC(2025, 0, 1));
  });
});

describe('explore: usage', () => {
  it.each([
    [{}, 'FRAY_RACE_OPTIONS', /tasks/],
    [{ tasks: () => [], runs: 0 }, 'FRAY_RACE_OPTIONS', /runs/],
    [{ tasks: () => [], seed: -1 }, 'FRAY_RACE_OPTIONS', /seed/],
    [{ tasks: () => [], strategy: 'bfs' }, 'FRAY_RACE_OPTIONS', /unknown strategy/],
    [{ tasks: () => [], strategy: { kind: 'pct', depth: 4 } }, 'FRAY_RACE_OPTIONS', /depth/],
    [{ tasks: () => [], strategy: { kind: 'portfolio', turns: [] } }, 'FRAY_RACE_OPTIONS', /turns/],
    [
      { tasks: () => [], strategy: { kind: 'portfolio', turns: ['dfs', 'pct4'] } },
      'FRAY_RACE_OPTIONS',
      /turns must be 1 to 1,000 of 'dfs', 'random', 'pct1', 'pct2' and 'pct3', got \["dfs","pct4"\]/,
    ],
    [{ tasks: () => [], uncontrolled: 'ignore' }, 'FRAY_RACE_OPTIONS', /uncontrolled/],
    [
      { tasks: () => [], chek: () => undefined },
      'FRAY_RACE_OPTIONS',
      /'chek' is not an option of explore\(\) — did you mean 'check'\?/,
    ],
    [{ tasks: () => ({}) }, 'FRAY_RACE_OPTIONS', /tasks\(\) returned no tasks/],
    [{ tasks: () => ({ a: 1 }) }, 'FRAY_RACE_OPTIONS', /task 'a' is not a function \(got number\)/],
    [{ tasks: () => [], replay: 'nope' }, 'FRAY_RACE_REPLAY_INVALID', /fr1/],
  ])('rejects bad options %j', async (options, code, message) => {
    // Act
    const attempt = explore(options as never);
    // Assert
    await expect(attempt).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('refuses to run inside another exploration', async () => {
    // Act
    const result = await explore({
      runs: 1,
      tasks: () => ({ nested: () => explore({ tasks: () => [] }) }),
      quiet: true,
    });
    // Assert
    expect(result.failure?.error).toMatchObject({
      code: 'FRAY_RACE_TASK_REJECTED',
      cause: { code: 'FRAY_RACE_USAGE' },
    });
  });

  it('reports the seed it picked when none is given', async () => {
    // Act
    const result = await explore({ runs: 2, strategy: 'random', tasks: () => [() => Promise.resolve(1)] });
    // Assert
    expect(Number.isInteger(result.seed)).toBe(true);
    expect(result.summary).toContain(`seed ${result.seed}`);
  });
});
