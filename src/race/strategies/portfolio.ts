/**
 * `portfolio` (the default): the strategies take turns, as in Coyote's portfolio mode. The
 * first run is the first-come schedule (the bounded DFS's root); then DFS — which tries every
 * schedule with one deviation, then two… — alternates with PCT of depths 1–3 (depth 2
 * most often) and random walks. Shallow races fall to DFS in a handful of runs with a minimal schedule; deep ones
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
import type { Chooser, RunRecord } from '../run-types.ts';
import { DfsStrategy } from './dfs.ts';
import { PctStrategy, type PctBound } from './pct.ts';
import { RandomStrategy } from './random.ts';
import type { Coverage, Strategy } from './strategy.ts';

/**
 * The turn order, one entry per run: DFS, random walks, PCT of depth 2 and of depth 3 take
 * equal turns (DFS also gets the very first run, first-come order, and every other turn when
 * the tree is small); PCT of depth 1 — task priorities and no change point, a sample of
 * what DFS's first level already covers — one turn in nine. Measured on SCTBench's programs
 * (bench/race/sctbench): no member is best everywhere — DFS with holds on shallow races and
 * deadlocks, PCT(d=2) on twostage, random and PCT(d=3) on the reorder family — and equal turns
 * keep the portfolio closest to the best member across them.
 */
const TURNS = ['dfs', 'random', 'pct2', 'pct3', 'dfs', 'random', 'pct2', 'pct3', 'pct1'] as const;

/** The default strategy. */
export class PortfolioStrategy implements Strategy {
  readonly name = 'portfolio';
  readonly dfs: DfsStrategy;
  readonly pct: readonly PctStrategy[];
  readonly random: RandomStrategy;
  readonly #budget: number;
  #turn = 0;
  #last: Strategy | undefined;
  /** While DFS has spent fewer runs than this, it takes every other turn (a small tree). */
  #dfsHalfUntil = 0;
  #dfsNext = false;

  /** `budget`: the runs the exploration may spend (decides whether DFS may try for a proof). */
  constructor(seed: number, budget: number, bound = Number.POSITIVE_INFINITY) {
    this.#budget = budget;
    this.dfs = new DfsStrategy(bound);
    this.pct = [new PctStrategy(seed, 1), new PctStrategy(seed, 2), new PctStrategy(seed, 3)];
    this.random = new RandomStrategy(seed);
  }

  #pick(turn: (typeof TURNS)[number]): Strategy {
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
    for (let tries = 0; tries < TURNS.length; tries++) {
      const turn = TURNS[this.#turn++ % TURNS.length] as (typeof TURNS)[number];
      // A small tree: DFS already has every other turn, the rest go to the others.
      if (turn === 'dfs' && this.dfs.runs < this.#dfsHalfUntil) continue;
      const strategy = this.#pick(turn);
      const next = strategy.next();
      if (next !== undefined) {
        this.#last = strategy;
        return next;
      }
    }
    return undefined;
  }

  observe(record: RunRecord): void {
    this.#last?.observe(record);
    if (this.dfs.runs === 1 && this.#last === this.dfs) {
      const estimate = record.steps.reduce(
        (product, step) => Math.min(product * step.enabled.length, 1e15),
        1,
      );
      if (estimate <= this.#budget) this.#dfsHalfUntil = Math.min(this.#budget, 2 * estimate);
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
