/**
 * The bookkeeping of one run: actors (logical tasks and the setup), controlled operations,
 * virtual timers, and the decisions waiting to be taken. Quiescence, first-come order and
 * the report are all computed from this state — fray never guesses by counting ticks.
 *
 * @module
 */
import type { Operation, OperationKind } from '../control/index.ts';
import type { Outcome } from './types.ts';

/** Something that performs controlled operations: a logical task, or the setup. */
export class Actor {
  readonly label: string;
  /** Index in the task list; -1 for the setup. */
  readonly index: number;
  readonly #counts = new Map<string, number>();

  constructor(label: string, index: number) {
    this.label = label;
    this.index = index;
  }

  /** The next occurrence number (1-based) of `label` for this actor. */
  occurrence(label: string): number {
    const n = (this.#counts.get(label) ?? 0) + 1;
    this.#counts.set(label, n);
    return n;
  }
}

/** A logical task of the run. */
export class TaskState extends Actor {
  readonly fn: () => unknown;
  status: 'waiting' | 'running' | 'fulfilled' | 'rejected' = 'waiting';
  value: unknown;
  reason: unknown;
  beginStep: number | undefined;
  endStep: number | undefined;
  /** Operations this task requested, in request order (nested ones included). */
  readonly ops: OpState[] = [];

  constructor(label: string, index: number, fn: () => unknown) {
    super(label, index);
    this.fn = fn;
  }

  get settled(): boolean {
    return this.status === 'fulfilled' || this.status === 'rejected';
  }

  outcome(): Outcome {
    if (this.status === 'fulfilled') return { status: 'fulfilled', value: this.value };
    if (this.status === 'rejected') return { status: 'rejected', reason: this.reason };
    return { status: 'pending' };
  }
}

/** Where a controlled operation is in its life. */
export type OpPhase = 'waiting' | 'running' | 'settled' | 'delivered';

/** A controlled operation (a mock call, a query, a request, a fetch). */
export class OpState {
  readonly id: number;
  readonly kind: OperationKind;
  readonly label: string;
  readonly args: readonly unknown[];
  readonly actor: Actor;
  readonly parent: OpState | undefined;
  readonly n: number;
  /** Stable key: `task:label#n`. */
  readonly key: string;
  /** Runs its real work in the `real` zone (wrapped objects, fetch). */
  readonly real: boolean;
  readonly start: () => unknown;
  readonly restore: <R>(fn: () => R) => R;
  readonly resolveCaller: (value: unknown) => void;
  readonly rejectCaller: (reason: unknown) => void;
  phase: OpPhase = 'waiting';
  outcome: Outcome | undefined;
  requestStep: number;
  startStep: number | undefined;
  settleStep: number | undefined;
  deliverStep: number | undefined;
  startedAt = 0;
  /** Async resources (sockets, file requests…) the real work created and that are still alive. */
  outstanding = 0;
  /** The real work did I/O: waiting for it is waiting for the outside world. */
  didIO = false;
  /** Treated as blocked after `blockedAfter` ms (noted once). */
  assumedBlocked = false;
  /** Its start returned a plain value: a wrapped method that is not async. */
  syncResult = false;

  constructor(init: {
    id: number;
    operation: Operation;
    actor: Actor;
    parent: OpState | undefined;
    real: boolean;
    start: () => unknown;
    restore: <R>(fn: () => R) => R;
    resolveCaller: (value: unknown) => void;
    rejectCaller: (reason: unknown) => void;
    requestStep: number;
  }) {
    this.id = init.id;
    this.kind = init.operation.kind;
    this.label = init.operation.label;
    this.args = init.operation.args;
    this.actor = init.actor;
    this.parent = init.parent;
    this.n = init.actor.occurrence(init.operation.label);
    this.key = `${init.actor.label}:${init.operation.label}#${this.n}`;
    this.real = init.real;
    this.start = init.start;
    this.restore = init.restore;
    this.resolveCaller = init.resolveCaller;
    this.rejectCaller = init.rejectCaller;
    this.requestStep = init.requestStep;
  }
}

/** A virtual timer (`setTimeout`, `setInterval`, `timers/promises`) created during a run. */
export class TimerState {
  readonly id: number;
  readonly actor: Actor;
  /** The operation whose work created it (a mock implementation), if any. */
  readonly op: OpState | undefined;
  readonly label: string;
  n: number;
  key: string;
  due: number;
  readonly delay: number;
  readonly repeat: boolean;
  readonly callback: (...args: unknown[]) => void;
  readonly args: readonly unknown[];
  readonly restore: <R>(fn: () => R) => R;
  cancelled = false;
  /** `unref()`ed: housekeeping (an `AbortSignal.timeout`) that may be dropped without a note. */
  unref = false;
  fired = 0;
  /** Steps at which it fired. */
  readonly fireSteps: number[] = [];
  decision: Decision | undefined;

  constructor(init: {
    id: number;
    actor: Actor;
    op: OpState | undefined;
    delay: number;
    due: number;
    repeat: boolean;
    callback: (...args: unknown[]) => void;
    args: readonly unknown[];
    restore: <R>(fn: () => R) => R;
  }) {
    this.id = init.id;
    this.actor = init.actor;
    this.op = init.op;
    this.delay = init.delay;
    this.due = init.due;
    this.repeat = init.repeat;
    this.callback = init.callback;
    this.args = init.args;
    this.restore = init.restore;
    this.label = `${init.repeat ? 'interval' : 'timer'}(${init.delay}ms)`;
    this.n = init.actor.occurrence(this.label);
    this.key = `${init.actor.label}:${this.label}#${this.n}`;
  }
}

/** What a decision does when taken. */
export type DecisionKind = 'begin' | 'start' | 'deliver' | 'fire';

/** A decision waiting to be taken: begin a task, start an operation, deliver its result, fire a timer. */
export interface Decision {
  readonly kind: DecisionKind;
  /** Stable id used by replay strings: `alice:begin`, `alice:repo.get#1:start`, `…:deliver`, `…:fire`. */
  readonly id: string;
  /** First-come order: when the decision became pending. */
  readonly seq: number;
  /** Who the decision belongs to (PCT priorities are per actor). */
  readonly actor: Actor;
  readonly task?: TaskState;
  readonly op?: OpState;
  readonly timer?: TimerState;
}

/** The id of a decision of `kind` about `key` (`alice:repo.get#1` + `start`). */
export function decisionId(key: string, kind: DecisionKind): string {
  return kind === 'begin' ? `${key}:begin` : `${key}:${kind}`;
}
