/**
 * `portfolio` (the default): the strategies take turns, as in Coyote's portfolio mode. Random
 * walks take most turns (the first two runs among them), DFS's first-come schedule comes third,
 * then PCT of depths 3 and 2 and DFS, which tries every schedule with one deviation, then
 * two…, take their turns with more random walks (see {@link TURNS}). Races that need one task
 * to overtake another at a few points fall to the random walks in a handful of runs; deep ones
 * in long runs, and reads delivered late, fall to PCT; DFS gives the natural order early and a
 * proof on small trees. When DFS exhausts the tree the exploration stops and says it was
 * exhaustive.
 *
 * Small scenarios get a proof as well as a sample: after DFS's first run, the size of the
 * schedule tree is estimated with Knuth's estimator (the product of the branching factors
 * along the first-come path). When it fits the run budget, DFS takes every other turn once the
 * first cycle of turns has run, until the tree is exhausted — or until it has spent twice the
 * estimate — and the other members keep their share of the rest: a proof costs at most twice
 * what DFS alone would spend and the first cycle's twelve other turns, and a race DFS reaches
 * late (a deep one in a small tree) is still found as soon as the sampling members find it.
 * Larger trees, whose estimate exceeds the budget (Knuth's estimate from one path is often
 * several times too large), get the same share once a quarter of the budget has found nothing:
 * the sampling members find most races early, and a proof is worth most where none is found.
 * With the default 1,000 runs, DFS then spends about 395 of them (231 with the order before,
 * which gave it three turns in thirteen throughout).
 *
 * @module
 */
import type { PortfolioMember } from '../options.ts';
import type { Chooser, RunRecord } from '../run-types.ts';
import { DfsStrategy } from './dfs.ts';
import { PctStrategy, type PctBound } from './pct.ts';
import { RandomStrategy } from './random.ts';
import { TurnOrder } from './turn-order.ts';
import type { Coverage, Strategy } from './strategy.ts';

/**
 * The turn order, one entry per run, thirteen runs a cycle: random walks seven — the first two
 * runs among them —, DFS one (the third run: the first-come schedule, where a program that
 * fails in its natural order falls), PCT(d=3) three, PCT(d=2) two. DFS also takes every other
 * turn after the first cycle while it proves a small tree, and once a quarter of the budget
 * has found nothing. PCT(d=1) — task priorities and no
 * change point, a sample of what DFS's first level already covers — has no turn: it found
 * nothing on SCTBench or the corpus that the others did not find as soon.
 *
 * Chosen with bench/race/sctbench/portfolio-replay.ts, which replays an order over the members'
 * own runs to the first failure (a member in a portfolio explores the schedules it explores
 * alone with the same seed), on SCTBench and the corpus of real races, and checked with the real
 * portfolio (portfolio-orders.ts): no member is best everywhere — DFS
 * on programs that fail in the first-come order, PCT(d=2) on twostage and on the corpus's
 * stale-cache, random and PCT(d=3) on the reorder family and on the programs most random walks
 * fail at once — and no order can be within 1.3× of the best member on all of SCTBench: a
 * program the first-come schedule fails (lazy01) and one a random walk fails on its first run
 * (circular_buffer) cannot both fail on the portfolio's first run. Against the order before it
 * (DFS's first-come schedule and its first deviation first, three turns of DFS and one of
 * PCT(d=1) in thirteen), the portfolio's median over its best member's went from 1.77× to
 * 1.45× (geometric mean over the 14 programs that separate the members, seeds 1–200) and
 * from 1.74× to 1.41× on seeds 201–400, which it was not chosen on; its runs against
 * fast-check's from 1.31× to 0.99× and 1.00×; the corpus's stale-cache 16 → 12 runs (median
 * of 60 seeds).
 */
export const TURNS: readonly PortfolioMember[] = [
  'random',
  'random',
  'dfs',
  'pct3',
  'pct2',
  'random',
  'pct2',
  'random',
  'random',
  'random',
  'pct3',
  'pct3',
  'random',
];

/** The default strategy. */
export class PortfolioStrategy implements Strategy {
  readonly name = 'portfolio';
  readonly dfs: DfsStrategy;
  readonly random: RandomStrategy;
  /**
   * PCT of depths 1, 2 and 3, each made at its first turn (PCT(d=1) has none by default, and a
   * call that fails in its first runs never reaches the others: a generator each saved).
   */
  readonly #pct: (PctStrategy | undefined)[] = [undefined, undefined, undefined];
  readonly #seed: number;
  readonly #order: TurnOrder;
  /** The member that ran last, and its strategy. */
  #last: { member: PortfolioMember; strategy: Strategy } | undefined;

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
    this.#order = new TurnOrder(turns, budget);
    this.dfs = new DfsStrategy(bound);
    this.#seed = seed;
    this.random = new RandomStrategy(seed);
  }

  #pick(turn: PortfolioMember): Strategy {
    switch (turn) {
      case 'dfs':
        return this.dfs;
      case 'random':
        return this.random;
      case 'pct1':
        return this.#pctOf(1);
      case 'pct2':
        return this.#pctOf(2);
      case 'pct3':
        return this.#pctOf(3);
    }
  }

  /** PCT of `depth`, made when first asked for. */
  #pctOf(depth: 1 | 2 | 3): PctStrategy {
    return (this.#pct[depth - 1] ??= new PctStrategy(this.#seed, depth));
  }

  /** The PCT members that have been made, shallowest first. */
  get #pcts(): PctStrategy[] {
    return this.#pct.filter((p): p is PctStrategy => p !== undefined);
  }

  next(): { chooser: Chooser; by: string } | undefined {
    if (this.dfs.exhaustive) return undefined;
    let next: { chooser: Chooser; by: string } | undefined;
    this.#order.next((member) => {
      const strategy = this.#pick(member);
      next = strategy.next();
      if (next !== undefined) this.#last = { member, strategy };
      return next !== undefined;
    });
    return next;
  }

  observe(record: RunRecord): void {
    const last = this.#last;
    if (last === undefined) return;
    last.strategy.observe(record);
    this.#order.observe(last.member, last.member === 'dfs' ? this.dfs.estimate : undefined);
  }

  /** PCT bounds of the depths that ran. */
  bounds(): PctBound[] {
    return this.#pcts.map((p) => p.bound()).filter((b) => b.runs > 0);
  }

  coverage(): Coverage[] {
    return [
      ...this.dfs.coverage(),
      ...this.#pcts.flatMap((p) => p.coverage()),
      ...this.random.coverage(),
    ].filter((c) => c.runs > 0);
  }
}
