/**
 * `linearizable(model)`: an oracle that checks the recorded history of a run — each logical
 * task is one operation, called at the step it began and returning at the step it settled —
 * against a sequential model, in the way of Porcupine and Lincheck. The history passes when
 * some order of the operations respects real time (an operation that returned before another
 * was called comes first) and the model, applying them in that order, explains every
 * outcome. The search is Wing & Gong's, with Lowe's memoisation of (done set, state).
 *
 * @module
 */
import { RaceNotLinearizableError, RaceUsageError } from '../errors/index.ts';
import { short } from './format.ts';
import type { TaskOutcome } from './types.ts';

/** A sequential specification of the object the tasks operate on. */
export interface SequentialModel<S> {
  /** The state before any operation. */
  init(): S;
  /**
   * Apply one operation — the task `op.task` that ended with `op`'s outcome — to `state`.
   * Return the state after it, or `false` if the operation could not have produced that
   * outcome from `state`. Do not mutate `state`: return a new one. A still-pending task
   * arrives with `status: 'pending'`; it may or may not have taken effect.
   */
  step(state: S, op: TaskOutcome): S | false;
  /** Identify a state for memoisation. Default: `JSON.stringify(state)`. */
  key?(state: S): string;
}

/** Most operations one history may hold (a bit set indexes them). */
const MAX_OPERATIONS = 30;

function historyLines(ops: readonly TaskOutcome[]): string[] {
  return ops.map((op) => {
    const when = `[${op.begin ?? '?'} → ${op.end ?? '…'}]`;
    const what =
      op.status === 'fulfilled'
        ? `→ ${short(op.value, 60)}`
        : op.status === 'rejected'
          ? `✗ ${short(op.reason, 60)}`
          : 'still pending';
    return `${op.task.padEnd(16)} ${when.padEnd(12)} ${what}`;
  });
}

/**
 * An oracle for `explore({ check })`: the run's history must be linearizable with respect to
 * `model`.
 *
 * @example
 * ```ts
 * await explore({
 *   setup: (ctl) => new Counter(ctl.wrap(store, 'store')),
 *   tasks: (counter) => ({ 'inc a': () => counter.increment(), 'inc b': () => counter.increment(), read: () => counter.read() }),
 *   check: linearizable({
 *     init: () => 0,
 *     step: (n, op) =>
 *       op.task === 'read' ? op.status === 'fulfilled' && op.value === n && n : op.status === 'fulfilled' ? n + 1 : false,
 *   }),
 * });
 * ```
 */
export function linearizable<S>(model: SequentialModel<S>): (ctx: unknown, outcomes: unknown) => void {
  if (typeof model?.init !== 'function' || typeof model.step !== 'function')
    throw new RaceUsageError(
      'linearizable() needs a model with init() and step(state, op).',
      'linearizable({ init: () => initialState, step: (state, op) => nextState or false })',
    );
  const keyOf = (state: S): string =>
    model.key === undefined ? (JSON.stringify(state) ?? 'undefined') : model.key(state);
  return (_ctx, outcomes) => {
    const ops = (Array.isArray(outcomes) ? outcomes : Object.values(outcomes as object)) as TaskOutcome[];
    if (ops.length > MAX_OPERATIONS)
      throw new RaceUsageError(
        `linearizable() checks at most ${MAX_OPERATIONS} operations per run, got ${ops.length}.`,
        'use fewer tasks: races show up with two or three.',
      );
    const began = ops.map((op, i) => ({ op, i })).filter(({ op }) => op.begin !== undefined);
    const completed = began.filter(({ op }) => op.status !== 'pending');
    const all = completed.reduce((mask, { i }) => mask | (1 << i), 0);
    const seen = new Set<string>();
    let longest: number[] = [];
    const order: number[] = [];
    const search = (done: number, state: S): boolean => {
      if ((done & all) === all) return true;
      const memo = `${done}|${keyOf(state)}`;
      if (seen.has(memo)) return false;
      seen.add(memo);
      if (order.length > longest.length) longest = [...order];
      for (const { op, i } of began) {
        if (done & (1 << i)) continue;
        // `op` may go next only if no other unplaced operation returned before it was called.
        const blocked = completed.some(
          ({ op: other, i: j }) => j !== i && !(done & (1 << j)) && (other.end ?? Infinity) < (op.begin ?? 0),
        );
        if (blocked) continue;
        const next = model.step(state, op);
        if (next === false) continue;
        order.push(i);
        if (search(done | (1 << i), next)) return true;
        order.pop();
      }
      return false;
    };
    if (search(0, model.init())) return;
    const placed = longest.map((i) => ops[i]?.task ?? '?');
    const rest = completed.filter(({ i }) => !longest.includes(i)).map(({ op }) => op.task);
    throw new RaceNotLinearizableError(
      historyLines(ops),
      placed.length === 0
        ? `no operation can go first (${rest.join(', ')} each contradict the model from the initial state).`
        : `the longest explainable prefix is ${placed.join(' → ')}; after it, none of ${rest.join(', ')} fits.`,
    );
  };
}
