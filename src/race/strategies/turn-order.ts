/**
 * Which member of a portfolio takes the next run: its order of turns, repeated, and DFS's
 * extra turns while it tries for a proof. Kept apart from the members so that
 * bench/race/sctbench/portfolio-replay.ts can replay an order over the members' own runs.
 *
 * @module
 */
import type { PortfolioMember } from '../options.ts';

/** The turns of one exploration. */
export class TurnOrder {
  readonly #turns: readonly PortfolioMember[];
  readonly #budget: number;
  /** DFS is among the turns: it may take every other one to prove the tree. */
  readonly #proves: boolean;
  #turn = 0;
  #runs = 0;
  #dfsRuns = 0;
  /** While DFS has had fewer runs than this, it takes every other turn (a small tree). */
  #dfsHalfUntil = 0;
  #dfsNext = false;

  /** `turns`: one member per run, repeated; `budget`: the runs the exploration may spend. */
  constructor(turns: readonly PortfolioMember[], budget: number) {
    this.#turns = turns;
    this.#budget = budget;
    this.#proves = turns.includes('dfs');
  }

  /**
   * DFS takes every other turn — once the first cycle has run (every member has had its first
   * turns), while it proves a small tree, and once a quarter of the budget has found nothing:
   * the sampling members find most races early, and a proof is worth most where none is found.
   */
  #proving(): boolean {
    if (!this.#proves || this.#turn < this.#turns.length) return false;
    return this.#dfsRuns < this.#dfsHalfUntil || this.#runs >= this.#budget / 4;
  }

  /**
   * The member that takes the next run: `take(member)` asks it for one and says whether it
   * gave one (a member with nothing left to run declines, and the next in order is asked).
   * `undefined` when every member asked declined.
   */
  next(take: (member: PortfolioMember) => boolean): PortfolioMember | undefined {
    const proving = this.#proving();
    if (proving) {
      this.#dfsNext = !this.#dfsNext;
      if (this.#dfsNext && take('dfs')) return 'dfs';
    }
    const turns = this.#turns;
    for (let tries = 0; tries < turns.length; tries++) {
      const turn = turns[this.#turn++ % turns.length] as PortfolioMember;
      // DFS already has every other turn, the rest go to the others.
      if (turn === 'dfs' && proving) continue;
      if (take(turn)) return turn;
    }
    // Only DFS is left in the order (`turns: ['dfs']`) while it proves.
    return proving && take('dfs') ? 'dfs' : undefined;
  }

  /**
   * A run by `member` ended. After DFS's first, `estimate` is the size of the schedule tree
   * it estimates: when it fits the budget, DFS takes every other turn after the first cycle
   * until it has had twice that many runs.
   */
  observe(member: PortfolioMember, estimate?: number): void {
    this.#runs++;
    if (member !== 'dfs') return;
    this.#dfsRuns++;
    if (this.#dfsRuns === 1 && this.#proves && estimate !== undefined && estimate <= this.#budget)
      this.#dfsHalfUntil = Math.min(this.#budget, 2 * estimate);
  }
}
