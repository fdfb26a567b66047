/**
 * `pct`: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010), adapted to decisions. Each logical task gets a random priority; at each
 * choice the highest-priority task with an enabled decision goes; at `depth − 1` random
 * choice points the task about to go is demoted below every other. A bug that needs `d`
 * ordering constraints among `n` tasks in a run of `k` choice points is hit with probability
 * at least `1 / (n · k^(d−1))` per run.
 *
 * Within one task (two operations started together by `Promise.all`, its timers), each
 * operation gets its own random priority, so PCT reorders those too — sampled, not bounded:
 * the bound is for the order of tasks, and says in how many runs a task had two of its own
 * ready at once (`ownOrderRuns`).
 *
 * `k` counts only *contested* steps — where decisions of two or more tasks are enabled — and
 * change points are drawn among them: a change at a step where one task alone can move acts
 * first at the next contested step where that task is picked, so it is the same as a change
 * point there (or no change at all). An operation's start and its delivery, a task's begin,
 * are steps of fray's model with no C counterpart; counting only contested ones keeps `k`
 * near the number of points where the schedule can really go either way, and the bound
 * `1/(n·k^(d−1))` as strong as the program allows.
 *
 * @module
 */
import { prng, type Prng } from '../prng.ts';
import type { Chooser, RunRecord } from '../run-types.ts';
import type { Decision } from '../state.ts';
import type { Coverage, Strategy } from './strategy.ts';

/** The per-run probability bound of PCT, and what a series of runs guarantees. */
export interface PctBound {
  readonly depth: number;
  readonly runs: number;
  /** Logical tasks. */
  readonly n: number;
  /** The largest number of contested steps (decisions of two or more tasks enabled) seen in a run. */
  readonly k: number;
  /**
   * Lower bound on the probability that one run hits a given depth-d bug; 0 when there is no
   * bound (fewer than two tasks, or no step where two tasks could move: what varied then, the
   * order of timers and of one task's own results, PCT samples but does not bound).
   */
  readonly perRun: number;
  /** Upper bound on the probability that all `runs` runs missed such a bug (1: no bound). */
  readonly missed: number;
  /**
   * Of the `runs`, how many had a step where PCT's pick went among one task's own decisions
   * (the results of operations it started together, its timers): PCT orders those by a random
   * sub-priority, so a bug in that order is sampled, not bounded by `perRun`. 0: every pick
   * the bound depends on was between tasks.
   */
  readonly ownOrderRuns: number;
}

/**
 * The PCT guarantee for `runs` runs of depth `depth`, with `n` tasks and `k` choice points:
 * each run hits a given depth-`d` bug with probability at least `1/(n·k^(d−1))`. With fewer
 * than two tasks or no contested step there is no bound (`perRun` 0, `missed` 1).
 *
 * @example
 * ```ts
 * pctBound(2, 100, 2, 10); // { perRun: 0.05, missed: 0.95 ** 100 ≈ 0.006, … }
 * ```
 */
export function pctBound(depth: number, runs: number, n: number, k: number, ownOrderRuns = 0): PctBound {
  // A bug in the order of tasks needs two of them, and a step where both could move.
  if (n < 2 || k === 0) return { depth, runs, n, k, perRun: 0, missed: 1, ownOrderRuns };
  const perRun = 1 / (n * k ** (depth - 1));
  return { depth, runs, n, k, perRun, missed: (1 - perRun) ** runs, ownOrderRuns };
}

function decisionTarget(decision: Decision): string {
  return decision.op?.key ?? decision.timer?.key ?? decision.id;
}

/** The PCT strategy of one depth (1, 2 or 3). */
export class PctStrategy implements Strategy {
  readonly name: string;
  readonly depth: number;
  readonly #random: Prng;
  #k = 0;
  #n = 0;
  #runs = 0;
  /** Runs whose change points were drawn from at least as many steps as they took. */
  #boundedRuns = 0;
  /** The `k` the change points of the run in flight were drawn from. */
  #guess = 0;
  /** The run in flight picked among one task's own decisions by sub-priority. */
  #ownOrder = false;
  /** Counted runs that did. */
  #ownOrderRuns = 0;

  constructor(seed: number, depth: number) {
    this.depth = depth;
    this.name = `pct(d=${depth})`;
    this.#random = prng(seed, 0x9c7 + depth);
  }

  next(): { chooser: Chooser; by: string } {
    const random = this.#random;
    const depth = this.depth;
    // Before any run has been seen, guess a short run; the estimate grows with experience.
    const k = Math.max(this.#k, 4);
    this.#guess = k;
    const changes: number[] = [];
    while (changes.length < depth - 1 && changes.length < k) {
      const point = 1 + random.int(k);
      if (!changes.includes(point)) changes.push(point);
    }
    const actorPriority = new Map<string, number>();
    const targetPriority = new Map<string, number>();
    const priorityOf = (decision: Decision): number => {
      let p = actorPriority.get(decision.actor.label);
      if (p === undefined) {
        p = depth + random.next();
        actorPriority.set(decision.actor.label, p);
      }
      return p;
    };
    this.#ownOrder = false;
    const sampledOwnOrder = (): void => {
      this.#ownOrder = true;
    };
    // Set by `best`: the task it picked had two or more decisions enabled (tasks' priorities
    // are distinct, so equal ones are one task's), and which of its own goes was the
    // sub-priorities' pick.
    let own = false;
    const subPriorityOf = (decision: Decision): number => {
      const target = decisionTarget(decision);
      let p = targetPriority.get(target);
      if (p === undefined) {
        p = random.next();
        targetPriority.set(target, p);
      }
      return p;
    };
    const best = (enabled: readonly Decision[]): number => {
      let at = 0;
      own = false;
      for (let i = 1; i < enabled.length; i++) {
        const a = enabled[i] as Decision;
        const b = enabled[at] as Decision;
        const pa = priorityOf(a);
        const pb = priorityOf(b);
        if (pa > pb) {
          at = i;
          own = false;
        } else if (pa === pb) {
          own = true;
          if (subPriorityOf(a) > subPriorityOf(b)) at = i;
        }
      }
      return at;
    };
    return {
      by: this.name,
      chooser: {
        choose(enabled, context) {
          if (enabled.length < 2) return 0;
          let at = best(enabled);
          const change = context.contested ? changes.indexOf(context.contestedSoFar + 1) : -1;
          if (change >= 0) {
            // Demote the task about to run below every initial priority, then pick again.
            actorPriority.set((enabled[at] as Decision).actor.label, change + 1);
            at = best(enabled);
          }
          if (own) sampledOwnOrder();
          return at;
        },
      },
    };
  }

  observe(record: RunRecord): void {
    this.#runs++;
    // PCT's guarantee assumes change points drawn uniformly over the run's k steps: a run
    // that took more steps than its draw covered (an early, too-small guess) does not count.
    if (this.depth === 1 || this.#guess >= record.contestedPoints) {
      this.#boundedRuns++;
      if (this.#ownOrder) this.#ownOrderRuns++;
    }
    this.#k = Math.max(this.#k, record.contestedPoints);
    this.#n = Math.max(this.#n, record.taskLabels.length);
  }

  /**
   * The bound these runs give, with the largest `k` and `n` seen, counting only runs whose
   * change points were drawn over at least the steps they took.
   */
  bound(): PctBound {
    return pctBound(this.depth, this.#boundedRuns, this.#n, this.#k, this.#ownOrderRuns);
  }

  coverage(): Coverage[] {
    return [{ name: this.name, runs: this.#runs, depth: this.depth }];
  }
}
