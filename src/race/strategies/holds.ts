/**
 * Holds: one deviation that keeps a decision back for a while. "Deliver alice's read after
 * bob has committed" is one idea to a person; as plain deviations from first-come order it is
 * one per step bob takes, because alice's read, having waited longest, comes first again at
 * every step. A hold says it once: at step 6 take bob's decision, and keep alice's read back
 * while bob takes his next N steps (delay-bounded scheduling's "delay", Emmi, Qadeer and
 * Rakamarić, POPL 2011, counted in the steps of the task that runs ahead).
 *
 * The same rules drive every chooser that follows deviations (strict, lenient), bounded DFS
 * (which decisions were really first at each step of a run with holds) and the record of a
 * run (the fewest holds and plain deviations that reproduce it), so all four agree exactly.
 *
 * @module
 */
import type { StepRecord } from '../run-types.ts';
import type { Deviation } from '../types.ts';

interface Hold {
  /** The decision held back. */
  readonly id: string;
  /** Whose steps end the hold. */
  readonly actor: string;
  /** Steps of `actor` still to go. */
  left: number;
}

/** The holds in force during one run. */
export class Holds {
  #active: Hold[] = [];
  /**
   * The ids held back, with how many holds keep each: a run told as holds (a random walk's,
   * recorded) can have many in force at once, and each step asks about every decision enabled.
   */
  readonly #held = new Map<string, number>();

  /** Some decision is held back now. */
  get holding(): boolean {
    return this.#active.length > 0;
  }

  /**
   * Indices into `ids` (first-come order) of the decisions that may be taken now: every one
   * not held back. When every enabled decision is held, the holds end and all are available.
   */
  available(ids: readonly string[]): number[] {
    if (this.#active.length > 0) {
      const free: number[] = [];
      for (let i = 0; i < ids.length; i++) if (!this.#held.has(ids[i] as string)) free.push(i);
      if (free.length > 0) return free;
      this.#active = [];
      this.#held.clear();
    }
    return ids.map((_, i) => i);
  }

  /** A decision of `actor` was taken — `deviation` when it was one (its hold begins). */
  taken(actor: string, deviation?: Deviation): void {
    if (this.#active.length > 0) {
      let ended = false;
      for (const hold of this.#active)
        if (hold.actor === actor && --hold.left <= 0) {
          ended = true;
          const count = (this.#held.get(hold.id) ?? 1) - 1;
          if (count > 0) this.#held.set(hold.id, count);
          else this.#held.delete(hold.id);
        }
      if (ended) this.#active = this.#active.filter((hold) => hold.left > 0);
    }
    const length = deviation?.hold ?? 1;
    if (deviation !== undefined && length > 1) {
      this.#active.push({ id: deviation.instead, actor, left: length - 1 });
      this.#held.set(deviation.instead, (this.#held.get(deviation.instead) ?? 0) + 1);
    }
  }
}

/**
 * What first-come order offered at each step of `steps` under `deviations` (their holds
 * applied): for each step, the ids that could be taken, first-come first.
 */
export function availableAt(
  steps: readonly StepRecord[],
  deviations: readonly Deviation[],
): (readonly string[])[] {
  const holds = new Holds();
  const byStep = new Map(deviations.map((d) => [d.step, d]));
  return steps.map((step, i) => {
    const ids = holds.holding
      ? holds.available(step.enabled).map((at) => step.enabled[at] as string)
      : step.enabled;
    holds.taken(step.actor, byStep.get(i + 1));
    return ids;
  });
}

/**
 * The deviations that reproduce a run: wherever the run did not take the decision first-come
 * order (with the holds so far) offered first, one deviation — a hold for as long as the
 * decision passed over then waited, counted in the steps of the task that went ahead, so a
 * read delivered after six of bob's steps is one deviation, not six.
 */
export function deviationsOf(steps: readonly StepRecord[]): Deviation[] {
  const holds = new Holds();
  const out: Deviation[] = [];
  // Where each decision was taken, and each actor's steps in order: a hold's length is the
  // count of the actor's steps from the deviation to where the decision passed over was taken
  // (two binary searches, not a scan of the run per deviation — a random walk's run of
  // twenty tasks deviates at most steps).
  let takenAt: Map<string, number> | undefined;
  let stepsOf: Map<string, number[]> | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as StepRecord;
    const first = holds.holding ? step.enabled[holds.available(step.enabled)[0] ?? 0] : step.enabled[0];
    let deviation: Deviation | undefined;
    if (first !== undefined && step.id !== first) {
      if (takenAt === undefined || stepsOf === undefined) [takenAt, stepsOf] = indexSteps(steps);
      const own = stepsOf.get(step.actor) as number[];
      const from = lowerBound(own, i);
      const to = lowerBound(own, takenAt.get(first) ?? steps.length);
      const length = to - from;
      const past = length > 0 ? (steps[own[to - 1] as number] as StepRecord).id : step.id;
      deviation =
        length > 1
          ? { step: i + 1, chosen: step.id, instead: first, hold: length, past }
          : { step: i + 1, chosen: step.id, instead: first };
      out.push(deviation);
    }
    holds.taken(step.actor, deviation);
  }
  return out;
}

/** Where each decision was taken, and the steps of each actor in order. */
function indexSteps(steps: readonly StepRecord[]): [Map<string, number>, Map<string, number[]>] {
  const takenAt = new Map<string, number>();
  const stepsOf = new Map<string, number[]>();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as StepRecord;
    takenAt.set(step.id, i);
    const own = stepsOf.get(step.actor);
    if (own === undefined) stepsOf.set(step.actor, [i]);
    else own.push(i);
  }
  return [takenAt, stepsOf];
}

/** The first index of sorted `values` whose value is at least `value`. */
function lowerBound(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
