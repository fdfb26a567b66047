/**
 * A run's controlled operations: how a call through the controller (a mock, `ctl.wrap`,
 * fray/db), an `await` of automatic control, or a task's own I/O becomes an operation with its
 * decisions, and the promise its caller waits on. The caller's promise settles only when fray
 * takes the operation's `deliver` decision (`run.ts`), never when the microtask queue gets
 * there.
 *
 * @module
 */
import { isControlled, markControlled, type Operation } from '../control/index.ts';
import { currentTurn } from './async-tracker.ts';
import { frames, snapshot, type Frame } from './frames.ts';
import type { IoWatch } from './io-watch.ts';
import { isThenable, NativePromise, nativeThen, realPerformanceNow } from './natives.ts';
import { OpState, TaskState, type Actor } from './state.ts';
import type { Outcome } from './types.ts';

/** Operation kinds whose start does real work (I/O) outside fray's control. */
const REAL_KINDS = new Set(['wrap', 'fetch', 'db']);

const noop = (): void => {};
const inPlace = <R>(fn: () => R): R => fn();

/** What the operations need of their run. */
export interface OpsHost {
  /** False once the run has ended: a later request is abandoned, a later await not controlled. */
  readonly live: boolean;
  /** The actor of operations requested outside any task (setup). */
  readonly setupActor: Actor;
  /** Decisions taken so far. */
  readonly step: number;
  readonly io: IoWatch;
  /** The operation's work is done: queue its `deliver` decision. */
  settleOp(op: OpState, outcome: Outcome): void;
  /** Queue the operation's `start` decision. */
  queueStart(op: OpState): void;
}

/** The controlled operations of one run. */
export class RunOps {
  /** Every operation requested in the run, in request order (the report lists them). */
  readonly list: OpState[] = [];
  /** Operations doing real work now (a wrapped call, a fetch): quiescence must wait for them. */
  realRunning = 0;
  readonly #host: OpsHost;
  #ids = 0;

  constructor(host: OpsHost) {
    this.#host = host;
  }

  #newOp(
    operation: Operation,
    frame: Frame | undefined,
    real: boolean,
    start: () => unknown,
    resolveCaller: (value: unknown) => void,
    rejectCaller: (reason: unknown) => void,
    /** Its `start` runs in the caller's context (an await has no start: nothing to capture). */
    capture = true,
  ): OpState {
    const actor = (frame?.task as TaskState | undefined) ?? this.#host.setupActor;
    const op = new OpState({
      id: ++this.#ids,
      operation,
      actor,
      parent: frame?.op as OpState | undefined,
      real,
      start,
      restore: capture ? snapshot() : inPlace,
      resolveCaller,
      rejectCaller,
      requestStep: this.#host.step,
    });
    this.list.push(op);
    if (actor instanceof TaskState) actor.ops.push(op);
    return op;
  }

  /** The operation's work begins (its `start` was taken, or it has none). */
  running(op: OpState): void {
    if (op.real && op.phase !== 'running') this.realRunning++;
    op.phase = 'running';
    op.startStep = this.#host.step;
    // Only real work is timed (quiescence's window for work assumed blocked): an await is not.
    if (op.real) op.startedAt = realPerformanceNow();
  }

  /** Record a running operation's outcome; false if it was not running (settled already). */
  settled(op: OpState, outcome: Outcome): boolean {
    if (op.phase !== 'running') return false;
    if (op.real) this.realRunning--;
    op.phase = 'settled';
    op.outcome = outcome;
    op.settleStep = this.#host.step;
    return true;
  }

  /** A call through the run's controller: its promise, and a `start` decision queued. */
  request(operation: Operation, start: () => unknown): Promise<any> {
    const frame = frames.getStore() as Frame<unknown, TaskState, OpState> | undefined;
    if (!this.#host.live || frame?.run !== this.#host) {
      // A continuation of a finished run: it is abandoned, so it cannot disturb the next
      // run's world (a shared database, a shared mock).
      return new NativePromise(() => {});
    }
    const { promise, resolve, reject } = NativePromise.withResolvers<unknown>();
    void markControlled(promise);
    const op = this.#newOp(operation, frame, REAL_KINDS.has(operation.kind), start, resolve, reject);
    this.#host.queueStart(op);
    return promise;
  }

  /**
   * `await value` at `site` in a task (automatic control): the task goes on when fray
   * delivers the value, not when the microtask queue gets there. An operation with one
   * decision, its delivery; a promise fray already controls is awaited as it is.
   */
  awaitPoint(value: unknown, site: string, frame: Frame): unknown {
    // After the run, work still going on (a handler finishing after its response was sent)
    // runs to its end uncontrolled, as it would have without fray: frozen at an await it could
    // leave a transaction open on a connection the next run reuses.
    const host = this.#host;
    if (frame.run !== host || !host.live || isControlled(value)) return value;
    const { promise, resolve, reject } = NativePromise.withResolvers<unknown>();
    const op = this.#newOp(
      { kind: 'await', label: site, args: [] },
      frame,
      false,
      noop,
      resolve,
      reject,
      false,
    );
    this.running(op);
    if (!isThenable(value)) {
      host.settleOp(op, { status: 'fulfilled', value });
      return promise;
    }
    // Adopted in the task's context (a thenable's `then` is the task's code). fray's reaction
    // stays in the task's frame: when the outside world settles the value, the promise hook
    // reports the task resumed from outside — the same gap, once, as `settle` reports itself
    // (leaving the frame would cost two copies of the async context per await).
    const adopted = NativePromise.resolve(value);
    const task = frame.task as TaskState | undefined;
    const settle = (outcome: Outcome): void => {
      // Settled by the outside world (a timer or connection set up before the run), not by a
      // decision or by work the run waits for: the schedule followed it, not a choice.
      const turn = currentTurn();
      if (!turn.controlled && host.live) host.io.resumedOutside(task, turn.resource, turn.id);
      host.settleOp(op, outcome);
    };
    void nativeThen.call(
      adopted,
      (settled) => settle({ status: 'fulfilled', value: settled }),
      (reason) => settle({ status: 'rejected', reason }),
    );
    return promise;
  }

  /** A task's own I/O fray watches but does not start (see `io-watch.ts`): running from now. */
  openIo(frame: Frame, label: string, deliver: () => void): OpState {
    const op = this.#newOp({ kind: 'io', label, args: [] }, frame, true, noop, deliver, deliver);
    this.running(op);
    op.didIO = true;
    return op;
  }
}
