/**
 * When has the world stopped moving? After each decision fray waits, from bookkeeping and
 * never by counting ticks, until only a decision can change anything:
 *
 * 1. A macrotask barrier: every microtask the decision caused has run; again while any
 *    `setImmediate` the run queued is pending.
 * 2. Real work in flight is waited for: a wrapped call or `fetch` with live I/O resources or a
 *    socket write, a request a task started (a file read), an answer on its way to a task's
 *    socket. Real work that is idle — a wrapped call waiting only on promises, such as a query
 *    queued behind another task's transaction — waits on a decision and does not hold the run.
 * 3. Real work still running `blockedAfter` ms after the latest decision, with nothing
 *    controlled pending beneath it, is assumed blocked (a row lock another task holds) and fray
 *    goes on; the run notes it. When no decision is left at all it is waited for instead, up to
 *    the run's `timeout`.
 *
 * @module
 */
import { type RaceTimeoutError, RaceUncontrolledError } from '../errors/index.ts';
import {
  claimTurn,
  portsListeningSinceStart,
  countTurnDecision,
  createdByFray,
  inControlledTurn,
  stackLines,
  turnDecisions,
} from './async-tracker.ts';
import {
  macrotaskBarrier,
  NativePromise,
  realClearTimeout,
  realPerformanceNow,
  realSetTimeout,
} from './natives.ts';
import { timeoutError, type RunState } from './run-record.ts';
import type { RunSpec } from './run-types.ts';
import type { Decision, OpState } from './state.ts';
import type { IoWatch } from './io-watch.ts';
import type { ControlGap } from './types.ts';

/**
 * Whether an async resource type is real async work: Node's native providers are named in
 * capitals (`TCPWRAP`, `FSREQCALLBACK`, `GETADDRINFOREQWRAP`…), plus `Timeout`. Promises,
 * `TickObject`, `Microtask` and `Immediate` are covered by the macrotask barrier; an
 * `AsyncResource` made by user code (`bound-anonymous-fn`…) only carries context.
 */
function isRealWork(type: string): boolean {
  return type === 'Timeout' || (type !== 'PROMISE' && /^[A-Z0-9_]+$/.test(type));
}

/** What quiescence reads of its run. */
export interface QuiescentRun extends RunState {
  readonly pending: readonly Decision[];
  /** Operations doing real work now. */
  readonly realRunning: number;
  readonly io: IoWatch;
  allSettled(): boolean;
}

/**
 * Decisions taken in one turn, without a macrotask, before fray waits for one anyway — counted
 * over runs and calls, so a long loop of short runs never starves timers and I/O: a turn of
 * them lasts about a millisecond. 512, not 64: a barrier's macrotask costs about 14 µs in a
 * run (an `Immediate` and its hooks, the event loop's phases), a sixth of a run of two tasks
 * of twenty awaits at one barrier per 64 decisions.
 */
const IN_TURN = 512;

/**
 * A handle fray remembers weakly: `gone` (collected), `alive` (it keeps the process going: ref'd,
 * or with no `hasRef` to ask), or `unref` (it would let the process exit: housekeeping).
 */
function handleState(ref: WeakRef<object>): 'gone' | 'alive' | 'unref' {
  const handle = ref.deref() as { hasRef?: () => boolean } | undefined;
  if (handle === undefined) return 'gone';
  return typeof handle.hasRef !== 'function' || handle.hasRef() ? 'alive' : 'unref';
}

/**
 * Handles on work beside the process that a task may open and wait for, by async resource
 * type: fray waits while one is alive rather than calling the tasks deadlocked.
 */
const TASK_HANDLES = new Map([
  ['ZLIB', 'a zlib stream (ZLIB)'],
  ['PROCESSWRAP', 'a child process (PROCESSWRAP)'],
  ['WORKER', 'a worker thread (WORKER)'],
  ['MESSAGEPORT', 'a message port (MESSAGEPORT)'],
]);

/** Waits, after each decision, until only a decision can change the world. */
export class Quiescence {
  readonly #run: QuiescentRun;
  readonly #spec: RunSpec;
  #immediates = 0;
  readonly #immediateIds = new Set<number>();
  readonly #ioOwners = new Map<number, OpState>();
  readonly #setupLive = new Map<number, WeakRef<object>>();
  /** Handles a task opened whose work fray neither holds nor waits for as a request (see {@link taskHandle}). */
  readonly #taskHandles = new Map<number, { readonly ref: WeakRef<object>; readonly type: string }>();
  #wake: (() => void) | undefined;
  #deadline = 0;
  /**
   * Real time of the latest request sent to the outside world (a socket write, a request a
   * task started): real work assumed blocked gets a fresh window after each one — only such a
   * request (a COMMIT) can release what it waits on (a row lock). A decision that sends
   * nothing cannot, so it costs no wait.
   */
  #sentAt = 0;
  #blockedNoted = false;
  /** The step after which the quiet window before a deadlock was granted. */
  #graceStep = -1;
  /** How long the last quiet window before a deadlock lasted (ms), for its message. */
  waited = 0;

  constructor(run: QuiescentRun, spec: RunSpec) {
    this.#run = run;
    this.#spec = spec;
  }

  /** The run starts: its timeout counts from now. */
  begin(): void {
    this.#deadline = realPerformanceNow() + this.#spec.timeout;
  }

  /** Something was just sent to the outside world. */
  sent(): void {
    this.#sentAt = realPerformanceNow();
  }

  /** Something quiescence waits for may have changed. */
  poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  immediateCreated(asyncId: number): boolean {
    this.#immediates++;
    this.#immediateIds.add(asyncId);
    return true;
  }

  /** An Immediate's callback is about to run (`true` if it was one of the run's). */
  immediateRan(asyncId: number): boolean {
    if (!this.#immediateIds.delete(asyncId)) return false;
    this.#immediates--;
    return true;
  }

  /** A resource created in the real work of a wrapped call or fetch. */
  realResource(asyncId: number, type: string, op: OpState | undefined): boolean {
    if (op === undefined || !isRealWork(type) || createdByFray(stackLines())) return false;
    this.sent();
    op.outstanding++;
    op.didIO = true;
    this.#ioOwners.set(asyncId, op);
    return true;
  }

  /**
   * A timer or handle `setup` created: it lives on into the run (a polling interval, a
   * subscription) and may settle what a task waits for. While one is alive, tasks with no
   * decision left are waiting on it — never a deadlock.
   */
  setupResource(asyncId: number, type: string, resource: object): boolean {
    if (!isRealWork(type) || (type.endsWith('WRAP') === false && type !== 'Timeout')) return false;
    if (/REQ|WRITEWRAP|SHUTDOWNWRAP/.test(type)) return false;
    this.#setupLive.set(asyncId, new WeakRef(resource));
    return true;
  }

  /**
   * A handle a task opened on work that runs beside the process — a zlib stream, a child
   * process, a worker thread, a message port: its callbacks may settle what a task waits for,
   * so while one is alive a task with no decision left is waiting on it, not deadlocked. Its
   * callbacks come outside fray's decisions, and a task they resume is a gap (`resumed-outside`).
   */
  taskHandle(asyncId: number, type: string, resource: object): boolean {
    if (!TASK_HANDLES.has(type)) return false;
    this.#taskHandles.set(asyncId, { ref: new WeakRef(resource), type });
    return true;
  }

  /** Whether `asyncId` is a task handle (its callback may have settled something). */
  isTaskHandle(asyncId: number): boolean {
    return this.#taskHandles.has(asyncId);
  }

  /** The task handles still alive and keeping the process going, by kind (for messages). */
  #taskHandlesAlive(): string[] {
    const alive: string[] = [];
    for (const [id, { ref, type }] of this.#taskHandles) {
      const state = handleState(ref);
      if (state === 'gone') this.#taskHandles.delete(id);
      else if (state === 'alive') alive.push(TASK_HANDLES.get(type) ?? type);
    }
    return alive;
  }

  /** Whether something `setup` started is alive and keeping the process going. */
  #setupAlive(): boolean {
    for (const [id, ref] of this.#setupLive) {
      const state = handleState(ref);
      if (state === 'gone') this.#setupLive.delete(id);
      else if (state === 'alive') return true;
    }
    return false;
  }

  resourceGone(asyncId: number): void {
    this.#setupLive.delete(asyncId);
    this.#taskHandles.delete(asyncId);
    if (this.#immediateIds.delete(asyncId)) this.#immediates--;
    const op = this.#ioOwners.get(asyncId);
    if (op !== undefined) {
      this.#ioOwners.delete(asyncId);
      op.outstanding--;
    }
  }

  /** Operations that wait on a pending decision of their own (nested operations, timers). */
  #blockedOps(): Set<OpState> {
    const blocked = new Set<OpState>();
    for (const decision of this.#run.pending) {
      let op = decision.op?.parent ?? decision.timer?.op;
      while (op !== undefined && !blocked.has(op)) {
        blocked.add(op);
        op = op.parent;
      }
    }
    return blocked;
  }

  #fatalGaps(): ControlGap[] {
    return this.#run.gaps.filter((gap) => gap.kind === 'resumed-outside' || gap.kind === 'real-timer');
  }

  /** Nothing but microtasks can be moving: no real work, no Immediate, no socket or request. */
  #virtual(): boolean {
    return this.#immediates === 0 && this.#run.realRunning === 0 && this.#run.io.idle();
  }

  /**
   * Whether the next step may be settled in this turn. Waiting until only a decision can
   * change the world (or throwing: uncontrolled work, timeout) takes one of two paths, chosen
   * by the run's loop before every step:
   *
   * When nothing real is going on — no real work, no socket, no request, no Immediate — only
   * microtasks can still be running, and their queue running dry is enough: fray takes the
   * next decision in the same turn — one it started, or before the first decision the turn of
   * the call, claimed once its queue ran dry, so still a controlled one — without the
   * macrotask barrier (`canDrain()`, then `drainMicrotasks()`, then {@link drained}). After 512
   * decisions in one turn — counted across runs and calls, so a loop of short explorations
   * still lets timers and I/O in — and whenever anything real is going on, it waits for a
   * macrotask ({@link barrier}).
   * The loop calls the pieces itself: an async wrapper around them cost one promise per step.
   */
  canDrain(): boolean {
    return turnDecisions() < IN_TURN && (inControlledTurn() || this.#run.step === 0) && this.#virtual();
  }

  /**
   * The microtask queue ran dry: `true` when nothing real started meanwhile, so the step is
   * settled (or throws: uncontrolled work); `false` when the caller must wait for a macrotask.
   */
  drained(): boolean {
    if (!this.#virtual()) return false;
    // Before the first decision the turn may be the caller's: with its queue dry, the rest of
    // it is the run's (see `claimTurn`), and the first task begins without a macrotask.
    if (!inControlledTurn()) claimTurn();
    countTurnDecision();
    if (this.#spec.uncontrolled === 'fail' && this.#run.gaps.length > 0) {
      const gaps = this.#fatalGaps();
      if (gaps.length > 0) throw new RaceUncontrolledError(this.#run.uncontrolled, gaps);
    }
    return true;
  }

  /** The macrotask barrier: real work, timers, sockets and requests judged (see {@link canDrain}). */
  async barrier(): Promise<void> {
    const run = this.#run;
    for (;;) {
      await macrotaskBarrier();
      run.io.barrier();
      run.io.judgeTimers();
      if (this.#immediates > 0 || run.io.settling()) continue;
      if (this.#spec.uncontrolled === 'fail') {
        const gaps = this.#fatalGaps();
        if (gaps.length > 0) throw new RaceUncontrolledError(run.uncontrolled, gaps);
      }
      const now = realPerformanceNow();
      let wakeAt = Number.POSITIVE_INFINITY;
      let busy = false;
      const blocked = this.#blockedOps();
      const window = (startedAt: number): number =>
        Math.max(startedAt, this.#sentAt) + this.#spec.blockedAfter;
      for (const op of run.realRunning === 0 ? [] : run.ops) {
        if (op.phase !== 'running' || !op.real || blocked.has(op)) continue;
        // Idle real work waits only on promises: something a decision will release.
        if (op.outstanding === 0 && !op.didIO) continue;
        // Anything sent since may have released what it waits on (a lock): a fresh window.
        const expiry = window(op.startedAt);
        if (now >= expiry) {
          if (!op.assumedBlocked) {
            op.assumedBlocked = true;
            run.notes.push(
              `${op.key} was still doing real I/O after ${this.#spec.blockedAfter} ms with nothing controlled pending; fray assumed it was blocked (a lock held by another task?) and went on — if it was only slow, raise blockedAfter.`,
            );
          }
          continue;
        }
        busy = true;
        wakeAt = Math.min(wakeAt, expiry);
      }
      const since = run.io.busySince();
      if (since !== undefined) {
        const expiry = window(since);
        if (now < expiry) {
          busy = true;
          wakeAt = Math.min(wakeAt, expiry);
        } else if (!this.#blockedNoted) {
          this.#blockedNoted = true;
          run.notes.push(
            `a request a task started (${run.io.inFlight().join(', ')}) was still in flight after ${this.#spec.blockedAfter} ms; fray went on without it — if it was only slow, raise blockedAfter.`,
          );
        }
      }
      if (!busy) return;
      if (now >= this.#deadline) throw this.#timeoutError();
      await this.#sleepUntil(Math.min(wakeAt, this.#deadline));
    }
  }

  /**
   * No decision is left but tasks are pending. If real work is still running, a request is in
   * flight, or the tasks were driven from outside this run (gaps), something may yet settle
   * them: wait (woken early by any change), up to the run's timeout, and return `true` to look
   * again. `false`: nothing fray sees or controls can release them.
   */
  async waitForOutside(): Promise<boolean> {
    const run = this.#run;
    const running = run.ops.some((op) => op.phase === 'running' && op.real);
    const outside =
      running ||
      run.io.busySince() !== undefined ||
      run.gaps.length > 0 ||
      run.uncontrolled.length > 0 ||
      this.#setupAlive() ||
      (this.#taskHandles.size > 0 && this.#taskHandlesAlive().length > 0) ||
      portsListeningSinceStart() > 0;
    const now = realPerformanceNow();
    if (outside) {
      if (now >= this.#deadline) throw this.#timeoutError();
      await this.#sleepUntil(Math.min(now + Math.max(10, this.#spec.blockedAfter), this.#deadline));
      return true;
    }
    // A run that talked to the outside world may be waiting on it in a way no bookkeeping
    // shows (an answer to a request nobody saw leave): before calling it a deadlock, give the
    // world one quiet window after this step. A run that never left the process needs none.
    const touchedOutside = run.ops.some((op) => op.real || op.kind === 'io');
    if (!touchedOutside || this.#graceStep === run.step) return false;
    this.#graceStep = run.step;
    this.waited = Math.max(10, this.#spec.blockedAfter);
    await this.#sleepUntil(Math.min(now + this.waited, this.#deadline));
    return true;
  }

  #sleepUntil(at: number): Promise<void> {
    return new NativePromise<void>((resolve) => {
      const timer = realSetTimeout(
        () => {
          this.#wake = undefined;
          resolve();
        },
        Math.max(1, Math.ceil(at - realPerformanceNow())),
      );
      this.#wake = () => {
        realClearTimeout(timer);
        resolve();
      };
    });
  }

  #timeoutError(): RaceTimeoutError {
    const ports = portsListeningSinceStart();
    return timeoutError(this.#run, this.#spec.timeout, [
      ...(ports > 0
        ? [
            `${ports === 1 ? 'a message port' : `${ports} message ports`} (a worker thread's answer, a MessageChannel's): a wait on it`,
          ]
        : []),
      ...this.#run.io.inFlight(),
      ...this.#taskHandlesAlive(),
    ]);
  }
}
