/**
 * What an exploration strategy is: a source of choosers, one per run, that learns from each
 * finished run. `random`, `pct`, `dfs` and `portfolio` implement it.
 *
 * @module
 */
import type { Chooser, RunRecord } from '../run-types.ts';

/** What a strategy has covered so far, for the summary. */
export interface Coverage {
  readonly name: string;
  readonly runs: number;
  /** DFS: distinct schedules among its runs (a hold may reach one a plain deviation also reaches). */
  readonly schedules?: number;
  /** DFS: every schedule was explored. */
  readonly exhaustive?: boolean;
  /** DFS: every schedule with at most this many deviations was explored. */
  readonly completeUpTo?: number;
  /** DFS: the deviation bound stopped it before the tree was exhausted. */
  readonly bounded?: boolean;
  /**
   * DFS: the size of the schedule tree estimated from its first run (the product of the
   * branching factors along it, at most 1e15) — an estimate from one path, often several
   * times the true size; the portfolio decides from it whether to try for a proof at once.
   */
  readonly estimate?: number;
  /** PCT: its depth. */
  readonly depth?: number;
}

/** A strategy. */
export interface Strategy {
  /** Short name: `random`, `pct(d=2)`, `dfs`, `portfolio`. */
  readonly name: string;
  /** The chooser for the next run and the name of who made it, or `undefined` when done. */
  next(): { chooser: Chooser; by: string } | undefined;
  /** Learn from the run the last chooser drove. */
  observe(record: RunRecord): void;
  /** Coverage of this strategy and its parts. */
  coverage(): Coverage[];
}
