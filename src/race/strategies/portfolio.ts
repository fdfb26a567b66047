/**
 * `portfolio` (the default): the strategies take turns, as in Coyote's portfolio mode. The
 * first run is the first-come schedule (the bounded DFS's root); then DFS — which tries every
 * schedule with one deviation, then two… — alternates with PCT of depths 1–3 (depth 2
 * most often) and random walks. Shallow races fall to DFS in a handful of runs with a minimal schedule; deep ones
 * in long runs fall to PCT; random covers what neither models well. When DFS exhausts the
 * tree the exploration stops and says it was exhaustive.
 *
 * Small scenarios get a proof instead of a sample: after the first run, the size of the
 * schedule tree is estimated with Knuth's estimator (the product of the branching factors
 * along the first-come path). When it fits the run budget, DFS takes every turn until the
 * tree is exhausted — or until it has spent twice the estimate, when the turns resume.
 *
 * @module
 */
import type { Chooser, RunRecord } from '../run-types.ts';
import { DfsStrategy } from './dfs.ts';
import { PctStrategy, type PctBound } from './pct.ts';
import { RandomStrategy } from './random.ts';
import type { Coverage, Strategy } from './strategy.ts';

/**
 * The turn order, one entry per run. PCT of depth 2 — the depth of most races (a read
 * overtaken by a write, a check overtaken by an act) — gets four turns in nine; DFS two
 * (it also gets the very first run, first-come order, and every turn when the tree is small);
 * PCT of depths 3 and 1 and random walks one each. Measured on the corpus
 * (bench/race): this order finds its deepest race about twice as fast as equal turns.
 */
const TURNS = ['dfs', 'pct2', 'pct3', 'pct2', 'random', 'pct2', 'dfs', 'pct2', 'pct1'] as const;

/** The default strategy. */
export class PortfolioStrategy implements Strategy {
  readonly name = 'portfolio';
  readonly dfs: DfsStrategy;
  readonly pct: readonly PctStrategy[];
  readonly random: RandomStrategy;
  readonly #budget: number;
  #turn = 0;
  #last: Strategy | undefined;
  #dfsOnlyUntil = 0;

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
    if (this.dfs.runs < this.#dfsOnlyUntil) {
      const next = this.dfs.next();
      if (next !== undefined) {
        this.#last = this.dfs;
        return next;
      }
    }
    for (let tries = 0; tries < TURNS.length; tries++) {
      const strategy = this.#pick(TURNS[this.#turn++ % TURNS.length] as (typeof TURNS)[number]);
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
      if (estimate <= this.#budget) this.#dfsOnlyUntil = Math.min(this.#budget, 2 * estimate);
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
