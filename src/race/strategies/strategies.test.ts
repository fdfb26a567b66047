import { describe, expect, it } from 'vitest';
import { asyncMock } from '../../mock/index.ts';
import { explore, pctBound } from '../index.ts';
import type { RunRecord, StepRecord } from '../run-types.ts';
import { DfsStrategy } from './dfs.ts';

/** `n` tasks, each calling the mock `ops` times; records the interleaving of every run. */
function interleavings(n: number, ops: number) {
  const seen: string[] = [];
  return {
    seen,
    options: {
      setup: () => {
        const log: string[] = [];
        return { log, op: asyncMock((who: string) => Promise.resolve(void log.push(who)), { name: 'op' }) };
      },
      tasks: ({ op }: { op: (who: string) => Promise<void> }) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, t) => [
            `t${t}`,
            async () => {
              for (let i = 0; i < ops; i++) await op(`t${t}.${i}`);
            },
          ]),
        ),
      check: ({ log }: { log: string[] }) => {
        seen.push(log.join(' '));
      },
    },
  };
}

describe('dfs', () => {
  it('explores every schedule of two tasks with one operation each: 20', async () => {
    // Arrange — begin, start and deliver per task: two chains of three decisions, C(6,3) = 20.
    const { options, seen } = interleavings(2, 1);
    // Act
    const result = await explore({ ...options, strategy: 'dfs' });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(true);
    expect(result.runs).toBe(20);
    expect(result.summary).toBe('passed: all 20 schedules explored (exhaustive).');
    expect(new Set(seen)).toEqual(new Set(['t0.0 t1.0', 't1.0 t0.0']));
  });

  it('stops at the deviation bound and says it was not exhaustive', async () => {
    // Arrange
    const { options } = interleavings(2, 2);
    // Act
    const zero = await explore({ ...options, strategy: { kind: 'dfs', bound: 0 } });
    const one = await explore({ ...options, strategy: { kind: 'dfs', bound: 1 } });
    const all = await explore({ ...options, strategy: 'dfs', runs: 100_000 });
    // Assert
    expect(zero.runs).toBe(1);
    expect(zero.exhaustive).toBe(false);
    expect(one.runs).toBeGreaterThan(1);
    expect(one.runs).toBeLessThan(all.runs);
    expect(one.summary).toContain('with ≤ 1 deviations');
    expect(all.exhaustive).toBe(true);
  });

  it('finds a failure with the fewest deviations first', async () => {
    // Arrange — fails only when t1's second operation starts before t0's first is delivered.
    const result = await explore({
      strategy: 'dfs',
      quiet: true,
      shrink: false,
      setup: () => {
        const log: string[] = [];
        return { log, op: asyncMock((who: string) => Promise.resolve(void log.push(who)), { name: 'op' }) };
      },
      tasks: ({ op }) => ({
        t0: async () => {
          await op('a');
          await op('b');
        },
        t1: async () => {
          await op('c');
          await op('d');
        },
      }),
      check: ({ log }) => {
        expect(log.indexOf('d')).toBeGreaterThan(log.indexOf('b'));
      },
    });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.foundBy).toBe('dfs');
    expect(result.failure?.schedule).toHaveLength(1);
  });
});

describe('dfs memory', () => {
  /** A run of `choices` steps with three decisions enabled each (or one: no choice). */
  const record = (choices: number, width: number): RunRecord => {
    const steps: StepRecord[] = Array.from({ length: choices }, (_, i) => ({
      id: `a:op#${i}:deliver`,
      kind: 'deliver',
      actor: 'a',
      enabled: [`a:op#${i}:deliver`, ...Array.from({ length: width - 1 }, (_, c) => `b${c}:op#${i}:deliver`)],
      chosen: 0,
    }));
    return { steps, hash: String(Math.random()) } as unknown as RunRecord;
  };

  it('drops schedules past its queue limit and then never claims to be exhaustive', () => {
    // Arrange — the first-come run offers 11 steps × 2 deviations: more than 20.
    const dfs = new DfsStrategy(Number.POSITIVE_INFINITY, true, 20);
    dfs.next();
    dfs.observe(record(11, 3));
    // Act — every queued schedule runs and offers no further choice.
    let ran = 0;
    while (dfs.next() !== undefined) {
      dfs.observe(record(1, 1));
      ran++;
    }
    // Assert
    expect(ran).toBe(20);
    expect(dfs.done).toBe(true);
    expect(dfs.exhaustive).toBe(false);
    expect(dfs.coverage()[0]).toMatchObject({ exhaustive: false, bounded: true, completeUpTo: 0 });
  });
});

describe('pct', () => {
  it('counts in k only the steps where two tasks could move', async () => {
    // Arrange — one task whose three operations start together: choices at many steps, but
    // all of them its own (PCT's change points never act there; sub-priorities order them).
    const result = await explore({
      quiet: true,
      setup: () => ({ op: asyncMock(() => Promise.resolve(), { name: 'op' }) }),
      tasks: ({ op }) => ({
        alice: async () => {
          await Promise.all([op(), op(), op()]);
        },
      }),
      strategy: { kind: 'pct', depth: 2 },
      seed: 3,
      runs: 20,
    });
    // Act
    const bound = result.pct[0];
    // Assert
    expect(new Set(result.coverage.map((c) => c.runs))).toEqual(new Set([20]));
    expect(bound?.k).toBe(0);
    // No bug in the order of tasks exists to bound: no probability is claimed.
    expect(bound).toMatchObject({ perRun: 0, missed: 1 });
    expect(result.summary).toContain('pct(d=2) 20 runs: no bound — no step let two tasks move');
    expect(result.summary).not.toContain('survives');
  });

  it('says once, in a portfolio, why no depth gives a bound', async () => {
    // Arrange — one task whose six operations run together: many schedules (the order of its
    // own results), but no order of tasks for any depth of PCT to bound.
    // Act
    const result = await explore({
      setup: () => ({ op: asyncMock(() => Promise.resolve(), { name: 'op' }) }),
      tasks: ({ op }) => ({
        alice: async () => {
          await Promise.all([op(), op(), op(), op(), op(), op()]);
        },
      }),
      seed: 2,
      runs: 40,
    });
    // Assert
    expect(result.summary).toMatch(/pct\(d=2\) \d+ runs: no bound — no step let two tasks move/);
    expect(result.summary).toMatch(/pct\(d=3\) \d+ runs: no bound either/);
    expect(result.summary).not.toContain('survives');
  });

  it('claims no bound with fewer than two tasks or no contested step', () => {
    // Act
    const bounds = [pctBound(2, 100, 1, 0), pctBound(1, 100, 1, 5), pctBound(3, 100, 3, 0)];
    // Assert
    for (const bound of bounds) expect(bound).toMatchObject({ perRun: 0, missed: 1 });
    expect(pctBound(1, 10, 2, 0).perRun).toBe(0);
  });

  it('at depth 1 runs the tasks one after another, never interleaved', async () => {
    // Arrange
    const { options, seen } = interleavings(3, 2);
    // Act
    await explore({ ...options, strategy: { kind: 'pct', depth: 1 }, seed: 11, runs: 40 });
    // Assert
    for (const order of seen) expect(order).toMatch(/^(t\d)\.0 \1\.1 (t\d)\.0 \2\.1 (t\d)\.0 \3\.1$/);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });

  it('at depth 2 interleaves, and reports its probability bound', async () => {
    // Arrange
    const { options, seen } = interleavings(2, 3);
    // Act
    const result = await explore({ ...options, strategy: 'pct', seed: 5, runs: 100 });
    // Assert
    expect(seen.some((order) => !/^(t\d)\.0 \1\.1 \1\.2/.test(order))).toBe(true);
    expect(result.pct).toHaveLength(1);
    const bound = result.pct[0];
    expect(bound).toMatchObject({ depth: 2, n: 2 });
    // The first runs drew their change points from a guessed 4 steps, fewer than the run
    // took: they do not count towards the guarantee.
    expect(bound?.runs).toBeLessThan(100);
    expect(bound?.runs).toBeGreaterThan(90);
    expect(bound?.perRun).toBeCloseTo(1 / (2 * (bound?.k ?? 0)), 10);
    expect(result.summary).toMatch(
      new RegExp(
        `pct\\(d=2\\) ${bound?.runs} runs: each hits a given depth-2 bug in the order of tasks with p ≥ 1/\\(2·\\d+\\)`,
      ),
    );
    // Each task's steps are one after another: every pick was between tasks.
    expect(bound?.ownOrderRuns).toBe(0);
    expect(result.summary).not.toContain('does not bound');
  });

  it("says its bound leaves out the order of a task's own operations", async () => {
    // Arrange — alice starts two operations together, bob one: the order of alice's two
    // results is hers alone (PCT's sub-priorities pick it); a bug there has no bound.
    const tasks = ({ op }: { op: (name: string) => Promise<void> }) => ({
      alice: async () => {
        await Promise.all([op('a'), op('b')]);
      },
      bob: async () => {
        await op('c');
      },
    });
    // Act
    const result = await explore({
      setup: () => ({ op: asyncMock((_name: string) => Promise.resolve(), { name: 'op' }) }),
      tasks,
      strategy: 'pct',
      seed: 4,
      runs: 60,
    });
    // Assert
    const bound = result.pct[0];
    expect(bound?.perRun).toBeGreaterThan(0);
    expect(bound?.ownOrderRuns).toBeGreaterThan(0);
    expect(bound?.ownOrderRuns).toBeLessThanOrEqual(bound?.runs ?? 0);
    expect(result.summary).toMatch(
      /so one survives them all with p ≤ [^;]+ — in (all|\d+) of them a task had two of its own operations or timers ready at once, an order PCT samples but does not bound/,
    );
  });

  it('computes the PCT guarantee 1/(n·k^(d−1)) and what runs leave to chance', () => {
    // Act
    const bound = pctBound(3, 100, 2, 10);
    // Assert
    expect(bound.perRun).toBe(1 / 200);
    expect(bound.missed).toBeCloseTo((1 - 1 / 200) ** 100, 12);
  });
});

describe('random', () => {
  it('covers many interleavings of three tasks', async () => {
    // Arrange
    const { options, seen } = interleavings(3, 2);
    // Act
    await explore({ ...options, strategy: 'random', seed: 3, runs: 200 });
    // Assert
    expect(new Set(seen).size).toBeGreaterThan(30);
  });
});

describe('portfolio', () => {
  it('begins with two random walks, then the first-come schedule', async () => {
    // Arrange
    const { options, seen } = interleavings(2, 2);
    // Act
    const result = await explore({ ...options, seed: 1, runs: 3 });
    // Assert
    expect(seen[2]).toBe('t0.0 t1.0 t0.1 t1.1');
    expect(result.coverage.map((c) => [c.name, c.runs])).toEqual([
      ['dfs', 1],
      ['random', 2],
    ]);
  });

  it('keeps its first cycle of turns on a small tree, then DFS takes every other turn', async () => {
    // Arrange — 20 schedules, within the default budget of 1,000: DFS will prove the tree. The
    // check stops the exploration at run 19 to see who had the turns until then.
    const { options } = interleavings(2, 1);
    let run = 0;
    // Act
    const result = await explore({
      ...options,
      seed: 6,
      shrink: false,
      quiet: true,
      check: () => {
        if (++run === 19) throw new Error('stop here');
      },
    });
    // Assert — one turn of DFS in the first thirteen runs (the third); then runs 14, 16 and 18,
    // the others taking the order's turns in between (random, random, DFS's skipped, PCT(d=3)).
    expect(result.failure?.run).toBe(19);
    expect(result.coverage.map((c) => [c.name, c.runs])).toEqual([
      ['dfs', 4],
      ['pct(d=2)', 2],
      ['pct(d=3)', 4],
      ['random', 9],
    ]);
  });

  it('gives DFS every other turn once a quarter of the budget has found nothing', async () => {
    // Arrange — a tree too big to prove in 120 runs: no proof, yet DFS's share grows.
    const { options } = interleavings(4, 3);
    // Act
    const result = await explore({ ...options, seed: 8, runs: 120 });
    // Assert — three turns of DFS in the first 30 runs (one in thirteen), then 45 of 90.
    expect(result.exhaustive).toBe(false);
    expect(result.coverage.find((c) => c.name === 'dfs')?.runs).toBe(48);
  });

  it('takes its members in the turns it is given', async () => {
    // Arrange — a tree too big to prove in 12 runs: DFS gets no extra turns.
    const { options } = interleavings(4, 3);
    // Act
    const result = await explore({
      ...options,
      seed: 4,
      runs: 12,
      strategy: { kind: 'portfolio', turns: ['random', 'pct2', 'random'] },
    });
    // Assert
    expect(result.coverage.map((c) => [c.name, c.runs])).toEqual([
      ['pct(d=2)', 4],
      ['random', 8],
    ]);
    expect(result.exhaustive).toBe(false);
  });

  it('names its own turns wherever it names its seed, so the pair explores the same schedules again', async () => {
    // Arrange — the default portfolio on the same seed tries other schedules.
    const [first, second, other] = [interleavings(4, 3), interleavings(4, 3), interleavings(4, 3)];
    const strategy = { kind: 'portfolio', turns: ['random', 'random', 'pct2', 'dfs', 'random'] } as const;
    // Act
    const custom = await explore({ ...first.options, seed: 4, runs: 5, strategy });
    await explore({ ...second.options, seed: 4, runs: 5, strategy });
    const plain = await explore({ ...other.options, seed: 4, runs: 5, strategy: { kind: 'portfolio' } });
    // Assert
    expect(custom.strategy).toBe('portfolio(turns=random×2,pct2,dfs,random)');
    expect(custom.summary).toContain('(portfolio(turns=random×2,pct2,dfs,random), seed 4)');
    expect(second.seen).toEqual(first.seen);
    expect(plain.strategy).toBe('portfolio');
    expect(other.seen).not.toEqual(first.seen);
  });

  it('still proves a small tree when DFS is its only member', async () => {
    // Arrange — with DFS every other turn for the proof and nothing else in the order, DFS
    // must take the other turns too rather than end the exploration early.
    const { options } = interleavings(2, 1);
    // Act
    const result = await explore({ ...options, seed: 5, strategy: { kind: 'portfolio', turns: ['dfs'] } });
    // Assert
    expect(result.exhaustive).toBe(true);
    expect(result.runs).toBe(20);
    expect(result.summary).toBe('passed: all 20 schedules explored (exhaustive).');
  });

  it('proves a small scenario exhaustively, and mixes strategies on a large one', async () => {
    // Arrange
    const small = interleavings(2, 1);
    const large = interleavings(4, 3);
    // Act
    const proof = await explore({ ...small.options, seed: 2 });
    const sample = await explore({ ...large.options, seed: 2, runs: 120 });
    // Assert
    expect(proof.exhaustive).toBe(true);
    expect(proof.coverage.find((c) => c.name === 'dfs')?.schedules).toBe(20);
    // Twice the tree, and the first cycle's twelve turns of the other members.
    expect(proof.runs).toBeLessThanOrEqual(2 * 20 + 12);
    expect(proof.summary).toMatch(/^passed: all 20 schedules explored \(exhaustive; \d+ runs in all\)\.$/);
    expect(sample.exhaustive).toBe(false);
    expect(sample.coverage.map((c) => c.name).sort()).toEqual(['dfs', 'pct(d=2)', 'pct(d=3)', 'random']);
    expect(sample.pct.map((b) => b.depth)).toEqual([2, 3]);
  });
});
