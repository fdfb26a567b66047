/**
 * `portfolio` (the default): the strategies take turns, as in Coyote's portfolio mode. The
 * first two runs are DFS's — the first-come schedule (its root), then its first deviation —;
 * then DFS, which tries every schedule with one deviation, then two…, takes turns with random
 * walks (most often) and PCT of depths 1–3 (see {@link TURNS}). Shallow races fall to DFS in a handful of runs with a minimal schedule; deep ones
 * in long runs fall to PCT; random covers what neither models well. When DFS exhausts the
 * tree the exploration stops and says it was exhaustive.
 *
 * Small scenarios get a proof as well as a sample: after the first run, the size of the
 * schedule tree is estimated with Knuth's estimator (the product of the branching factors
 * along the first-come path). When it fits the run budget, DFS takes every other turn until
 * the tree is exhausted — or until it has spent twice the estimate — and the other members
 * keep their share of the rest: a proof costs at most twice what DFS alone would spend, and a
 * race DFS reaches late (a deep one in a small tree) is still found as soon as the sampling
 * members find it.
 *
 * @module
 */
import type { PortfolioMember } from '../options.ts';
import type { Chooser, RunRecord } from '../run-types.ts';
import { DfsStrategy } from './dfs.ts';
import { PctStrategy, type PctBound } from './pct.ts';
import { RandomStrategy } from './random.ts';
import type { Coverage, Strategy } from './strategy.ts';

/**
 * The turn order, one entry per run, thirteen runs a cycle: DFS three turns — the first two
 * runs among them (the first-come schedule, then its first deviation: a deadlock or a task
 * overtaking another at one point falls there) —, random walks four, PCT(d=2) three, PCT(d=3)
 * two, PCT(d=1) — task priorities and no change point, a sample of what DFS's first level
 * already covers — one. DFS also takes every other turn while it proves a small tree.
 *
 * Chosen with bench/race/sctbench/portfolio-orders.ts and the corpus of real races: no member
 * is best everywhere — DFS on shallow races and deadlocks, PCT(d=2) on twostage and on the
 * corpus's stale-cache, random and PCT(d=3) on the reorder family — and no order can be within
 * 1.3× of the best member on all of SCTBench: a program the first-come schedule fails (lazy01)
 * and one a random walk fails on its first run (circular_buffer) cannot both fail on the
 * portfolio's first run. Against the equal turns used before (DFS, random, PCT(d=2), PCT(d=3),
 * twice, then PCT(d=1)) this order brought the geometric mean of the portfolio's median over
 * its best member's from 2.16× to 1.64× on seeds 1–40 of the thirteen programs that separate
 * the members, and from 2.31× to 1.87× on seeds 41–80, which it was not chosen on. An order
 * with PCT(d=3) before PCT(d=2) and one turn less of PCT(d=2) measured the same on SCTBench
 * but needed 16 runs on stale-cache against 14 (the equal turns: 12.5).
 */
export const TURNS: readonly PortfolioMember[] = [
  'dfs',
  'dfs',
  'random',
  'pct2',
  'random',
  'pct3',
  'random',
  'dfs',
  'pct2',
  'random',
  'pct3',
  'pct2',
  'pct1',
];

/** The default strategy. */
export class PortfolioStrategy implements Strategy {
  readonly name = 'portfolio';
  readonly dfs: DfsStrategy;
  readonly pct: readonly PctStrategy[];
  readonly random: RandomStrategy;
  readonly #budget: number;
  readonly #turns: readonly PortfolioMember[];
  /** DFS is among the turns: it may take every other one to prove a small tree. */
  readonly #proves: boolean;
  #turn = 0;
  #last: Strategy | undefined;
  /** While DFS has spent fewer runs than this, it takes every other turn (a small tree). */
  #dfsHalfUntil = 0;
  #dfsNext = false;

  /**
   * `budget`: the runs the exploration may spend (decides whether DFS may try for a proof);
   * `turns`: the order, one member per run, repeated (default {@link TURNS}).
   */
  constructor(
    seed: number,
    budget: number,
    bound = Number.POSITIVE_INFINITY,
    turns: readonly PortfolioMember[] = TURNS,
  ) {
    this.#budget = budget;
    this.#turns = turns;
    this.#proves = turns.includes('dfs');
    this.dfs = new DfsStrategy(bound);
    this.pct = [new PctStrategy(seed, 1), new PctStrategy(seed, 2), new PctStrategy(seed, 3)];
    this.random = new RandomStrategy(seed);
  }

  #pick(turn: PortfolioMember): Strategy {
    switch (turn) {
      case 'dfs':
        return this.dfs;
      case 'random':
        return this.random;
      case 'pct1':
        return this.pct[0] as PctStrategy;
      case 'pct2':
        return this.pct[1] as PctStrategy;
      case 'pct3':
        return this.pct[2] as PctStrategy;
    }
  }

  next(): { chooser: Chooser; by: string } | undefined {
    if (this.dfs.exhaustive) return undefined;
    if (this.dfs.runs < this.#dfsHalfUntil) {
      this.#dfsNext = !this.#dfsNext;
      const next = this.#dfsNext ? this.dfs.next() : undefined;
      if (next !== undefined) {
        this.#last = this.dfs;
        return next;
      }
    }
    const turns = this.#turns;
    for (let tries = 0; tries < turns.length; tries++) {
      const turn = turns[this.#turn++ % turns.length] as PortfolioMember;
      // A small tree: DFS already has every other turn, the rest go to the others.
      if (turn === 'dfs' && this.dfs.runs < this.#dfsHalfUntil) continue;
      const strategy = this.#pick(turn);
      const next = strategy.next();
      if (next !== undefined) {
        this.#last = strategy;
        return next;
      }
    }
    // Only DFS is left in the order (`turns: ['dfs']`) while it proves a small tree.
    const next = this.dfs.runs < this.#dfsHalfUntil ? this.dfs.next() : undefined;
    if (next !== undefined) this.#last = this.dfs;
    return next;
  }

  observe(record: RunRecord): void {
    this.#last?.observe(record);
    if (this.dfs.runs === 1 && this.#last === this.dfs) {
      const estimate = record.steps.reduce(
        (product, step) => Math.min(product * step.enabled.length, 1e15),
        1,
      );
      if (this.#proves && estimate <= this.#budget) this.#dfsHalfUntil = Math.min(this.#budget, 2 * estimate);
    }
  }

  /** PCT bounds of the depths that ran. */
  bounds(): PctBound[] {
    return this.pct.map((p) => p.bound()).filter((b) => b.runs > 0);
  }

  coverage(): Coverage[] {
    return [
      ...this.dfs.coverage(),
      ...this.pct.flatMap((p) => p.coverage()),
      ...this.random.coverage(),
    ].filter((c) => c.runs > 0);
  }
}
