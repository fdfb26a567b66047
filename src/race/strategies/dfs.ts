/**
 * `dfs`: systematic, bounded exploration (stateless model checking in the style of CHESS,
 * bounded by *deviations* from first-come order as in delay-bounded scheduling, Emmi, Qadeer
 * and Rakamarić, POPL 2011). A schedule is identified by its deviations; the first-come run
 * has none, and every schedule with `b + 1` deviations extends one with `b` by deviating at
 * a later step. Exploring level by level visits every schedule exactly once, fewest
 * deviations first — so the first failure found is also a minimal one — and says when the
 * whole tree was explored ("all 24 schedules explored").
 *
 * Next to each plain deviation, DFS tries a *hold* (see `holds.ts`): the decision passed over
 * is kept back as long as anything else can run — "deliver this read after the other task has
 * finished", one deviation where plain ones need one per step skipped, so DFS reaches it among
 * the schedules with one deviation. Plain deviations alone reach every schedule exactly once,
 * so a hold is a shortcut: its run is remembered by the plain deviations that produce it, and
 * when DFS comes to that plain schedule later it expands it from the remembered run without
 * running it again. Proofs ("all N schedules explored") count distinct schedules.
 *
 * Memory is bounded: at most 100,000 schedules wait in the queue (a run of 100 tasks offers
 * tens of thousands of deviations at every level); past that, deeper schedules are dropped,
 * and the coverage says DFS was complete only up to the level below them — never exhaustive.
 *
 * @module
 */
import { RaceNondeterminismError } from '../../errors/index.ts';
import type { Chooser, RunRecord, StepRecord } from '../run-types.ts';
import type { Deviation } from '../types.ts';
import { strictChooser } from './chooser.ts';
import type { Coverage, Strategy } from './strategy.ts';

/** The plain deviations (step and decision taken) of a run: the identity of its schedule. */
function scheduleKey(steps: readonly StepRecord[]): string {
  let key = '';
  steps.forEach((step, i) => {
    if (step.chosen !== 0) key += `${i + 1}=${step.id}\n`;
  });
  return key;
}

function nodeKey(node: readonly Deviation[]): string {
  return node.map((d) => `${d.step}=${d.chosen}\n`).join('');
}

const isHold = (node: readonly Deviation[]): boolean => (node.at(-1)?.hold ?? 1) > 1;

/** At most this many schedules wait in DFS's queue; past it, deeper ones are dropped (and said so). */
const MAX_QUEUED = 100_000;
/** At most this many steps of runs reached by holds are kept to expand their plain twins. */
const MAX_KEPT_STEPS = 1_000_000;

/** The bounded DFS strategy. */
export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  readonly bound: number;
  /** Besides each plain deviation, also try holding the passed-over decision back. */
  readonly holds: boolean;
  /** Nodes by their number of deviations: a level is done before the next begins. */
  #levels: (readonly Deviation[])[][] = [[[]]];
  #level = 0;
  #head = 0;
  #current: readonly Deviation[] | undefined;
  #runs = 0;
  #estimate: number | undefined;
  #bounded = false;
  #deepest = 0;
  #queued = 1;
  readonly #maxQueued: number;
  #keptSteps = 0;
  /** The lowest level some schedule was dropped from (the queue was full), if any. */
  #truncatedAt = Number.POSITIVE_INFINITY;
  /** Schedules run, by {@link scheduleKey}: the steps of one a hold reached, to expand its plain twin. */
  readonly #explored = new Map<string, readonly StepRecord[] | undefined>();

  /**
   * `bound`: the most deviations a schedule may have (default: no bound). `holds`: next to
   * each plain deviation, also explore holding the decision passed over back for as long as
   * anything else can run (default true). `maxQueued`: schedules waiting at most (default
   * 100,000; past it deeper ones are dropped and DFS is no longer exhaustive).
   */
  constructor(bound = Number.POSITIVE_INFINITY, holds = true, maxQueued = MAX_QUEUED) {
    this.bound = bound;
    this.holds = holds;
    this.#maxQueued = maxQueued;
  }

  /** Every schedule (within the bound) has been explored. */
  get done(): boolean {
    this.#skipExplored();
    return this.#peek() === undefined;
  }

  /** Every schedule was explored and the bound cut nothing. */
  get exhaustive(): boolean {
    return this.done && !this.#bounded && this.#truncatedAt === Number.POSITIVE_INFINITY;
  }

  /** Schedules explored so far. */
  get runs(): number {
    return this.#runs;
  }

  #peek(): readonly Deviation[] | undefined {
    for (;;) {
      const level = this.#levels[this.#level];
      if (level === undefined) return undefined;
      if (this.#head < level.length) return level[this.#head];
      this.#levels[this.#level] = [];
      this.#level++;
      this.#head = 0;
    }
  }

  /** Plain nodes whose schedule a hold already ran are expanded from that run, not run again. */
  #skipExplored(): void {
    for (;;) {
      const node = this.#peek();
      if (node === undefined || isHold(node)) return;
      const steps = this.#explored.get(nodeKey(node));
      if (steps === undefined) return;
      this.#head++;
      this.#queued--;
      this.#deepest = Math.max(this.#deepest, node.length);
      this.#explored.set(nodeKey(node), undefined);
      this.#expand(node, steps);
    }
  }

  next(): { chooser: Chooser; by: string } | undefined {
    this.#skipExplored();
    const node = this.#peek();
    if (node === undefined) return undefined;
    this.#head++;
    this.#queued--;
    this.#current = node;
    this.#deepest = Math.max(this.#deepest, node.length);
    return {
      by: this.name,
      chooser: strictChooser(
        node,
        (step, _what, expected, actual) => new RaceNondeterminismError(step, expected, actual),
      ),
    };
  }

  /**
   * The size of the schedule tree estimated from the first run (Knuth's estimator: the product
   * of the branching factors along it, at most 1e15); `undefined` before the first run. One
   * path's estimate is often several times the true size, now and then smaller.
   */
  get estimate(): number | undefined {
    return this.#estimate;
  }

  observe(record: RunRecord): void {
    this.#runs++;
    this.#estimate ??= record.steps.reduce(
      (product, step) => Math.min(product * step.enabled.length, 1e15),
      1,
    );
    const node = this.#current ?? [];
    const key = scheduleKey(record.steps);
    if (isHold(node)) {
      if (this.#explored.has(key)) return;
      // Past the memory budget its plain twin is simply run again when DFS gets there.
      const keep = this.#keptSteps + record.steps.length <= MAX_KEPT_STEPS;
      if (keep) this.#keptSteps += record.steps.length;
      this.#explored.set(key, keep ? record.steps : undefined);
      return;
    }
    this.#explored.set(key, undefined);
    this.#expand(node, record.steps);
  }

  #push(level: number, node: readonly Deviation[]): void {
    if (this.#queued >= this.#maxQueued) {
      this.#truncatedAt = Math.min(this.#truncatedAt, level);
      return;
    }
    this.#queued++;
    (this.#levels[level] ??= []).push(node);
  }

  /** Queue the children of plain `node`, whose run took `steps` (and its hold variant). */
  #expand(node: readonly Deviation[], steps: readonly StepRecord[]): void {
    const last = node.at(-1);
    const after = last === undefined ? undefined : steps[last.step];
    // Its hold variant differs only if something besides the decision passed over could run
    // next; and it is the variant of `node` less its last deviation when that one passed over
    // the same decision the step before, and the last took the next in first-come order.
    const previous = node.at(-2);
    const extends_ =
      previous !== undefined &&
      previous.step === (last?.step ?? 0) - 1 &&
      previous.instead === last?.instead &&
      steps[(last?.step ?? 0) - 1]?.enabled[1] === last?.chosen;
    if (this.holds && last !== undefined && after !== undefined && after.enabled.length > 1 && !extends_)
      if (after.enabled[0] === last.instead)
        this.#push(node.length, [...node.slice(0, -1), { ...last, hold: Number.POSITIVE_INFINITY }]);
    for (let i = last?.step ?? 0; i < steps.length; i++) {
      const step = steps[i] as StepRecord;
      if (step.enabled.length < 2) continue;
      if (node.length >= this.bound) {
        this.#bounded = true;
        return;
      }
      const instead = step.enabled[0] as string;
      for (let c = 1; c < step.enabled.length; c++)
        this.#push(node.length + 1, [...node, { step: i + 1, chosen: step.enabled[c] as string, instead }]);
    }
  }

  coverage(): Coverage[] {
    const done = this.done;
    return [
      {
        name: this.name,
        runs: this.#runs,
        schedules: this.#explored.size,
        exhaustive: done && !this.#bounded && this.#truncatedAt === Number.POSITIVE_INFINITY,
        completeUpTo: Math.min(
          done ? Math.min(this.#deepest, this.bound) : this.#level - 1,
          this.#truncatedAt - 1,
        ),
        bounded: this.#bounded || this.#truncatedAt !== Number.POSITIVE_INFINITY,
        ...(this.#estimate === undefined ? {} : { estimate: this.#estimate }),
      },
    ];
  }
}
