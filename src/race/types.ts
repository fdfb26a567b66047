/**
 * The public vocabulary of fray/race: tasks, their outcomes, schedules and deviations.
 *
 * @module
 */

/** How a logical task (or an operation) ended. */
export type Outcome<T = unknown> =
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown }
  | { readonly status: 'pending' };

/**
 * The outcome of one logical task in one run, with when it began and ended, counted in
 * scheduler steps (1-based). `end` is `undefined` for a task still pending; `begin` for one
 * that never began.
 */
export type TaskOutcome<T = unknown> = Outcome<T> & {
  /** The task's label: its key in the record returned by `tasks()`, or `task N`. */
  readonly task: string;
  /** The step at which the task began. */
  readonly begin: number | undefined;
  /** The step whose consequences settled the task. */
  readonly end: number | undefined;
};

/** A logical task: an async function fray starts when its schedule says so. */
export type TaskFn = () => unknown;

/** What `tasks(ctx)` returns: named tasks (record) or an array (labels `task 1`, `task 2`…). */
export type TaskSet = readonly TaskFn[] | { readonly [name: string]: TaskFn };

/** The outcomes handed to `check`, shaped like the task set. */
export type Outcomes<T extends TaskSet> = {
  readonly [K in keyof T]: T[K] extends TaskFn ? TaskOutcome<Awaited<ReturnType<T[K]>>> : never;
};

/**
 * One point where a schedule departs from first-come order: at `step`, fray ran `chosen`
 * although `instead` had been waiting longest — and, for a *hold*, kept `instead` back while
 * `chosen`'s task took its next `hold` steps ("held alice's read back past bob's commit" is
 * one deviation, not one per step bob took).
 */
export interface Deviation {
  /** The step (1-based) at which the deviation happened. */
  readonly step: number;
  /** The decision taken, e.g. `bob:repo.get#1:deliver`. */
  readonly chosen: string;
  /** The decision first-come order would have taken. */
  readonly instead: string;
  /**
   * How many steps of `chosen`'s task (`chosen` included) `instead` is held back for: absent
   * or 1 is a plain deviation; `Infinity` holds it as long as any other decision can be taken.
   * A hold also ends early when only held decisions are left.
   */
  readonly hold?: number;
  /** For a hold, in reports: the last decision taken while `instead` was held back. */
  readonly past?: string;
}

/** Async work created by a task that fray does not control, and where it was created. */
export interface UncontrolledWork {
  /** The async resource type, as `async_hooks` names it (`TCPWRAP`, `FSREQCALLBACK`, `Timeout`…). */
  readonly type: string;
  /** The task that created it. */
  readonly task: string;
  /** The controlled operation it was created in, if any. */
  readonly operation: string | undefined;
  /** Where it was created: the first stack frames outside fray and Node's internals. */
  readonly site: string;
}

/**
 * Something fray did not control in a run — the reason a pass is not a proof. Every gap names
 * what escaped and how to bring it under control; while any gap was seen, `explore()` never
 * claims an exhaustive search or a probability bound.
 */
export interface ControlGap {
  /**
   * - `resumed-outside`: task code ran in a turn fray did not start (a reply on a connection
   *   opened before `explore()`, a file or DNS callback, a real timer) — its order was the
   *   outside world's, not a decision;
   * - `real-timer`: a task armed a real timer fray could not make virtual;
   * - `awaits`: the tasks' `await`s were not scheduling points (automatic control is off), so
   *   interleavings between two awaits of one task were never tried;
   * - `serialized`: something under the tasks ran their work one at a time (fray/db's
   *   `isolated()` runs transactions one after another), so races between them cannot show.
   */
  readonly kind: 'resumed-outside' | 'real-timer' | 'awaits' | 'serialized';
  /** The task it concerns, when one. */
  readonly task: string | undefined;
  /** What was not controlled, in plain words (one line). */
  readonly what: string;
  /** How to bring it under control. */
  readonly fix: string;
}
