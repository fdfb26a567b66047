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

  /** Some decision is held back now. */
  get holding(): boolean {
    return this.#active.length > 0;
  }

  /**
   * Indices into `ids` (first-come order) of the decisions that may be taken now: every one
   * not held back. When every enabled decision is held, the holds end and all are available.
   */
  available(ids: readonly string[]): number[] {
    const all = ids.map((_, i) => i);
    if (this.#active.length === 0) return all;
    const free = all.filter((i) => !this.#active.some((hold) => hold.id === ids[i]));
    if (free.length > 0) return free;
    this.#active = [];
    return all;
  }

  /** A decision of `actor` was taken — `deviation` when it was one (its hold begins). */
  taken(actor: string, deviation?: Deviation): void {
    if (this.#active.length > 0) {
      for (const hold of this.#active) if (hold.actor === actor) hold.left--;
      this.#active = this.#active.filter((hold) => hold.left > 0);
    }
    const length = deviation?.hold ?? 1;
    if (deviation !== undefined && length > 1)
      this.#active.push({ id: deviation.instead, actor, left: length - 1 });
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
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as StepRecord;
    const first = holds.holding ? step.enabled[holds.available(step.enabled)[0] ?? 0] : step.enabled[0];
    let deviation: Deviation | undefined;
    if (first !== undefined && step.id !== first) {
      let length = 0;
      let past = step.id;
      for (let j = i; j < steps.length; j++) {
        const later = steps[j] as StepRecord;
        if (later.id === first) break;
        if (later.actor === step.actor) {
          length++;
          past = later.id;
        }
      }
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
