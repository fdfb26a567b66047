/**
 * What a mock does when called: a default behaviour, a queue of one-shot behaviours, and
 * argument-matched rules. Picking happens at call time (so one-shot queues are consumed in
 * call order); running may happen later, when a race controller lets the call start.
 *
 * @module
 */
import { MockExhaustedError } from '../errors/index.ts';
import { argsMatch } from './equality.ts';

/** One behaviour. `hold` leaves the call pending until the test settles it by hand. */
export type Step =
  | { readonly kind: 'resolve'; readonly value: unknown }
  | { readonly kind: 'reject'; readonly reason: unknown }
  | { readonly kind: 'implement'; readonly fn: (...args: any[]) => unknown }
  | { readonly kind: 'sequence'; readonly items: readonly unknown[]; next: number };

interface Rule {
  readonly matchers: readonly unknown[];
  readonly step: Step;
  readonly once: boolean;
}

/** The behaviour table of one mock. */
export class Behaviour {
  defaultStep: Step;
  readonly #initial: Step;
  #once: Step[] = [];
  #rules: Rule[] = [];

  constructor(initial: Step) {
    this.#initial = initial;
    this.defaultStep = initial;
  }

  setDefault(step: Step): void {
    this.defaultStep = step;
  }

  pushOnce(step: Step): void {
    this.#once.push(step);
  }

  addRule(matchers: readonly unknown[], step: Step, once: boolean): void {
    // Most recent rule first: a later `when` refines an earlier one.
    this.#rules.unshift({ matchers, step, once });
  }

  /** Choose the step for a call; consumes one-shot entries. */
  pick(args: readonly unknown[]): Step {
    if (this.#rules.length > 0) {
      const at = this.#rules.findIndex((rule) => argsMatch(rule.matchers, args));
      const rule = this.#rules[at];
      if (rule !== undefined) {
        if (rule.once) this.#rules.splice(at, 1);
        return rule.step;
      }
    }
    return this.#once.shift() ?? this.defaultStep;
  }

  clear(): void {
    this.defaultStep = this.#initial;
    this.#once = [];
    this.#rules = [];
  }
}

/**
 * Run a step: return its value (maybe a thenable) or throw its error, exactly as the body
 * of an `async` function would.
 */
export function runStep(
  step: Step,
  thisArg: unknown,
  args: unknown[],
  mockName: string,
  callNumber: number,
): unknown {
  switch (step.kind) {
    case 'resolve':
      return step.value;
    case 'reject':
      throw step.reason;
    case 'implement':
      return step.fn.apply(thisArg, args);
    case 'sequence': {
      if (step.next >= step.items.length)
        throw new MockExhaustedError(mockName, step.items.length, callNumber);
      const item = step.items[step.next++];
      if (item instanceof Error) throw item;
      return item;
    }
  }
}
