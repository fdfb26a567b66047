/**
 * `dfs`: systematic, bounded exploration (stateless model checking in the style of CHESS,
 * bounded by *deviations* from first-come order as in delay-bounded scheduling, Emmi, Qadeer
 * and Rakamarić, POPL 2011). A schedule is identified by its deviations; the first-come run
 * has none, and every schedule with `b + 1` deviations extends one with `b` by deviating at
 * a later step. Exploring level by level visits every schedule exactly once, fewest
 * deviations first — so the first failure found is also a minimal one — and says when the
 * whole tree was explored ("all 24 schedules explored").
 *
 * @module
 */
import { RaceNondeterminismError } from '../../errors/index.ts';
import type { Chooser, RunRecord } from '../run-types.ts';
import type { Deviation } from '../types.ts';
import { strictChooser } from './chooser.ts';
import type { Coverage, Strategy } from './strategy.ts';

/** The bounded DFS strategy. */
export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  readonly bound: number;
  #queue: (readonly Deviation[])[] = [[]];
  #head = 0;
  #current: readonly Deviation[] | undefined;
  #runs = 0;
  #bounded = false;
  #level = 0;

  /** `bound`: the most deviations a schedule may have (default: no bound). */
  constructor(bound = Number.POSITIVE_INFINITY) {
    this.bound = bound;
  }

  /** Every schedule (within the bound) has been explored. */
  get done(): boolean {
    return this.#head >= this.#queue.length;
  }

  /** Every schedule was explored and the bound cut nothing. */
  get exhaustive(): boolean {
    return this.done && !this.#bounded;
  }

  /** Schedules explored so far. */
  get runs(): number {
    return this.#runs;
  }

  next(): { chooser: Chooser; by: string } | undefined {
    if (this.done) return undefined;
    const node = this.#queue[this.#head++] as readonly Deviation[];
    if (this.#head > 4096) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#current = node;
    this.#level = node.length;
    return {
      by: this.name,
      chooser: strictChooser(
        node,
        (step, _what, expected, actual) => new RaceNondeterminismError(step, expected, actual),
      ),
    };
  }

  observe(record: RunRecord): void {
    this.#runs++;
    const node = this.#current ?? [];
    const last = node.at(-1)?.step ?? 0;
    for (let i = last; i < record.steps.length; i++) {
      const step = record.steps[i];
      if (step === undefined || step.enabled.length < 2) continue;
      if (node.length >= this.bound) {
        this.#bounded = true;
        return;
      }
      for (let c = 1; c < step.enabled.length; c++)
        this.#queue.push([
          ...node,
          { step: i + 1, chosen: step.enabled[c] as string, instead: step.enabled[0] as string },
        ]);
    }
  }

  coverage(): Coverage[] {
    return [
      {
        name: this.name,
        runs: this.#runs,
        exhaustive: this.exhaustive,
        completeUpTo: this.done ? Math.min(this.#level, this.bound) : this.#level - 1,
        bounded: this.#bounded,
      },
    ];
  }
}
