/**
 * One run of a scenario: build a fresh world with `setup`, start the logical tasks, and let a
 * chooser take every decision — begin a task, start an operation, deliver its result, fire a
 * timer — until nothing is left to decide; then call `check`.
 *
 * Quiescence comes from bookkeeping, never from counting ticks. After each decision fray
 * waits for a macrotask barrier (every microtask the decision caused has run, and again while
 * any `setImmediate` the run queued is pending), then for real work in flight: an operation
 * running in the `real` zone that still has live I/O resources. Real work that is idle —
 * waiting only on promises, such as a query queued behind another task's transaction — is
 * blocked on a decision and does not hold the run up. What remains is a set of decisions, and
 * only the chooser's pick changes the world.
 *
 * @module
 */
import { runWithController, type Operation, type OperationController } from '../control/index.ts';
import {
  RaceDeadlockError,
  RaceStepLimitError,
  RaceTimeoutError,
  RaceUncontrolledError,
} from '../errors/index.ts';
import { createdByFray, creationSite, forgetSink, stackLines, type ResourceSink } from './async-tracker.ts';
import { frames, snapshot, type Frame } from './frames.ts';
import {
  isThenable,
  macrotaskBarrier,
  NativePromise,
  nativeThen,
  realClearTimeout,
  realPerformanceNow,
  realSetTimeout,
} from './natives.ts';
import { fnv1a, prng, type Prng } from './prng.ts';
import { Actor, decisionId, OpState, TaskState, TimerState, type Decision } from './state.ts';
import type { Deviation, Outcome, TaskOutcome, UncontrolledWork } from './types.ts';
import { VirtualTimer, type VirtualWorld } from './virtual-globals.ts';

/** Operation kinds whose start does real work (I/O) outside fray's control. */
const REAL_KINDS = new Set(['wrap', 'fetch', 'db']);
/**
 * Whether an async resource type is real async work: Node's native providers are named in
 * capitals (`TCPWRAP`, `FSREQCALLBACK`, `GETADDRINFOREQWRAP`…), plus `Timeout`. Promises,
 * `TickObject`, `Microtask` and `Immediate` are covered by the macrotask barrier; an
 * `AsyncResource` made by user code (`bound-anonymous-fn`…) only carries context.
 */
function isRealWork(type: string): boolean {
  return type === 'Timeout' || (type !== 'PROMISE' && /^[A-Z0-9_]+$/.test(type));
}
/** Virtual wall clock at the start of every run: 2025-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH = Date.UTC(2025, 0, 1);

/** What the chooser is told about the decision at hand. */
export interface ChoiceContext {
  /** The step about to be taken (1-based). */
  readonly step: number;
  /** How many earlier steps had a real choice (two or more decisions enabled). */
  readonly choicesSoFar: number;
  /** The logical tasks, in order. */
  readonly tasks: readonly TaskState[];
  /** Fingerprint of the scenario (its task labels). */
  readonly fingerprint: string;
  /** Ids of the decisions taken so far, in order. */
  readonly taken: ReadonlySet<string>;
}

/** Picks one of the enabled decisions at each step. */
export interface Chooser {
  /** Index into `enabled` (sorted in first-come order: index 0 is first-come). */
  choose(enabled: readonly Decision[], context: ChoiceContext): number;
  /** Called once the run has ended (before `check`): validate the run as a whole. */
  end?(record: Pick<RunRecord, 'steps' | 'hash'>): void;
}

/** One step of a run, as recorded. */
export interface StepRecord {
  readonly id: string;
  readonly kind: Decision['kind'];
  /** Ids of the enabled decisions, first-come order. */
  readonly enabled: readonly string[];
  /** Index chosen in `enabled`. */
  readonly chosen: number;
}

/** How a run failed. */
export type RunFailureKind = 'check' | 'deadlock' | 'step-limit' | 'uncaught';

/** A controlled operation as the report shows it. */
export interface OpRecord {
  readonly key: string;
  readonly kind: string;
  readonly label: string;
  readonly args: readonly unknown[];
  readonly task: string;
  readonly depth: number;
  readonly parent: string | undefined;
  readonly requestStep: number;
  readonly startStep: number | undefined;
  readonly deliverStep: number | undefined;
  readonly outcome: Outcome;
}

/** A virtual timer as the report shows it. */
export interface TimerRecord {
  readonly key: string;
  readonly task: string;
  readonly delay: number;
  readonly fireSteps: readonly number[];
  readonly cancelled: boolean;
}

/** Everything one run produced. */
export interface RunRecord {
  readonly steps: readonly StepRecord[];
  readonly deviations: readonly Deviation[];
  readonly choicePoints: number;
  readonly taskLabels: readonly string[];
  readonly outcomes: readonly TaskOutcome[];
  readonly failure: { readonly kind: RunFailureKind; readonly error: unknown } | undefined;
  readonly ops: readonly OpRecord[];
  readonly timers: readonly TimerRecord[];
  readonly notes: readonly string[];
  readonly uncontrolled: readonly UncontrolledWork[];
  /** FNV-1a of the decision ids in order. */
  readonly hash: string;
  readonly fingerprint: string;
  /** Virtual time when the run ended, ms since its start. */
  readonly virtualTime: number;
}

/** The parts of a scenario a run needs. */
export interface RunSpec {
  readonly setup: (ctl: any) => unknown;
  readonly tasks: (ctx: any) => unknown;
  readonly check: (ctx: any, outcomes: any) => unknown;
  readonly teardown: ((ctx: any) => unknown) | undefined;
  readonly makeControl: (run: Run) => unknown;
  readonly timeout: number;
  readonly maxSteps: number;
  readonly blockedAfter: number;
  readonly uncontrolled: 'fail' | 'report';
  readonly allowPending: boolean;
  /** The caller's async context (explore's), restored around setup and tasks. */
  readonly restore: <R>(fn: () => R) => R;
  readonly fingerprint: (labels: readonly string[]) => string;
  /** Marks a failure that must not be treated as a race (usage, environment). */
  readonly fatal: (error: unknown) => boolean;
}

/** Internal: thrown by a chooser to abandon the run before any decision (wrong scenario). */
export class AbandonRun extends Error {}

/** Label each task: record keys, or `task N` for arrays (a named function keeps its name). */
export function labelTasks(set: unknown): { labels: string[]; fns: (() => unknown)[]; keyed: boolean } {
  if (Array.isArray(set)) {
    const fns = set as (() => unknown)[];
    const names = fns.map((fn) => (typeof fn === 'function' ? fn.name : ''));
    const unique = names.every((name, i) => name !== '' && names.indexOf(name) === i);
    return {
      labels: fns.map((_, i) => (unique ? (names[i] ?? `task ${i + 1}`) : `task ${i + 1}`)),
      fns,
      keyed: false,
    };
  }
  const entries = Object.entries(set as Record<string, () => unknown>);
  return { labels: entries.map(([key]) => key), fns: entries.map(([, fn]) => fn), keyed: true };
}

/** A run: the world, the bookkeeping, and the decision loop. */
export class Run implements ResourceSink, VirtualWorld {
  readonly index: number;
  readonly #spec: RunSpec;
  readonly #chooser: Chooser;
  readonly controller: OperationController;
  readonly setupActor = new Actor('setup', -1);
  tasks: TaskState[] = [];
  readonly ops: OpState[] = [];
  readonly timers: TimerState[] = [];
  /** Pending decisions, in first-come (seq) order. */
  #pending: Decision[] = [];
  #seq = 0;
  #opIds = 0;
  #timerIds = 0;
  step = 0;
  #choices = 0;
  readonly #steps: StepRecord[] = [];
  readonly #taken = new Set<string>();
  #now = 0;
  readonly #random: Prng;
  #immediates = 0;
  readonly #immediateIds = new Set<number>();
  readonly #ioOwners = new Map<number, OpState>();
  readonly #uncontrolledIds = new Set<number>();
  readonly uncontrolled: UncontrolledWork[] = [];
  readonly #uncontrolledSites = new Set<string>();
  /** Real timers created by tasks, judged once their creator had a chance to `unref()` them. */
  #timeoutCandidates: { timer: WeakRef<object>; asyncId: number; work: UncontrolledWork }[] = [];
  readonly notes: string[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  #uncaught: unknown = undefined;
  #hasUncaught = false;
  #deadline = 0;
  #fingerprint = '';
  /** Real time of the latest decision: real work gets a fresh window after each one. */
  #decidedAt = 0;
  /** `#seq` when the last decision was taken: later decisions arrived in this window. */
  #seqAtDecision = 0;

  constructor(index: number, spec: RunSpec, chooser: Chooser) {
    this.index = index;
    this.#spec = spec;
    this.#chooser = chooser;
    // Every run starts from the same world randomness: runs differ only by their schedule.
    this.#random = prng(0x5eed, 7);
    this.controller = { run: (operation, start) => this.#request(operation, start) };
  }

  get live(): boolean {
    return !this.#ended;
  }

  // ── VirtualWorld ────────────────────────────────────────────────────────────

  addTimer(
    callback: (...args: unknown[]) => void,
    delay: number,
    args: readonly unknown[],
    repeat: boolean,
  ): VirtualTimer {
    const frame = frames.getStore() as Frame<Run, TaskState, OpState> | undefined;
    const ms = Number.isFinite(delay) && delay >= 1 && delay <= 2147483647 ? Math.trunc(delay) : 1;
    const id = ++this.#timerIds;
    const handle = new VirtualTimer(id, (t) => this.cancelTimer(t));
    if (this.#ended) return handle;
    const timer = new TimerState({
      id,
      actor: frame?.task ?? this.setupActor,
      op: frame?.op,
      delay: ms,
      due: this.#now + ms,
      repeat,
      callback,
      args,
      restore: snapshot(),
    });
    this.timers.push(timer);
    this.#enqueueTimer(timer);
    return handle;
  }

  cancelTimer(handle: VirtualTimer): void {
    const timer = this.timers.find((t) => t.id === handle.id);
    if (timer === undefined || timer.cancelled) return;
    timer.cancelled = true;
    if (timer.decision !== undefined) this.#remove(timer.decision);
    timer.decision = undefined;
    this.#poke();
  }

  wallClock(): number {
    return VIRTUAL_EPOCH + this.#now;
  }

  monotonic(): number {
    return this.#now;
  }

  random(): number {
    return this.#random.next();
  }

  socketWrite(): void {
    const op = (frames.getStore() as Frame<Run, TaskState, OpState> | undefined)?.op;
    if (op !== undefined && op.phase === 'running') op.didIO = true;
  }

  // ── ResourceSink (async_hooks) ──────────────────────────────────────────────

  resourceInit(asyncId: number, type: string, frame: Frame, resource?: object): boolean {
    if (frame.run !== this || this.#ended) return false;
    if (type === 'Immediate') {
      this.#immediates++;
      this.#immediateIds.add(asyncId);
      return true;
    }
    if (frame.zone === 'real') {
      const op = frame.op as OpState | undefined;
      if (op === undefined || !isRealWork(type) || createdByFray(stackLines())) return false;
      op.outstanding++;
      op.didIO = true;
      this.#ioOwners.set(asyncId, op);
      return true;
    }
    if (frame.zone !== 'task' || !isRealWork(type)) return false;
    const lines = stackLines();
    if (createdByFray(lines)) return false;
    const task = frame.task as TaskState | undefined;
    const op = frame.op as OpState | undefined;
    const site = creationSite(lines);
    if (type === 'Timeout' && resource !== undefined) {
      this.#timeoutCandidates.push({
        timer: new WeakRef(resource),
        asyncId,
        work: { type, task: task?.label ?? 'setup', operation: op?.key, site },
      });
      this.#uncontrolledIds.add(asyncId);
      return true;
    }
    const key = `${type} ${site}`;
    // Work continued from Node's internals (a file read's next chunk) belongs with the work
    // that started it: list it only when nothing from this task and operation is listed yet.
    const known =
      site.startsWith('(unknown') &&
      this.uncontrolled.some((u) => u.task === (task?.label ?? 'setup') && u.operation === op?.key);
    if (!known && !this.#uncontrolledSites.has(key)) {
      this.#uncontrolledSites.add(key);
      this.uncontrolled.push({ type, task: task?.label ?? 'setup', operation: op?.key, site });
    }
    this.#uncontrolledIds.add(asyncId);
    return true;
  }

  resourceBefore(asyncId: number): void {
    if (this.#immediateIds.delete(asyncId)) {
      this.#immediates--;
      this.#poke();
    }
  }

  resourceDestroy(asyncId: number): void {
    if (this.#immediateIds.delete(asyncId)) this.#immediates--;
    const op = this.#ioOwners.get(asyncId);
    if (op !== undefined) {
      this.#ioOwners.delete(asyncId);
      op.outstanding--;
    }
    this.#uncontrolledIds.delete(asyncId);
    this.#poke();
  }

  // ── controller ──────────────────────────────────────────────────────────────

  #request(operation: Operation, start: () => unknown): Promise<any> {
    const frame = frames.getStore() as Frame<Run, TaskState, OpState> | undefined;
    if (this.#ended || frame?.run !== this) {
      // A continuation of a finished run: it is abandoned, so it cannot disturb the next
      // run's world (a shared database, a shared mock).
      return new NativePromise(() => {});
    }
    let resolveCaller!: (value: unknown) => void;
    let rejectCaller!: (reason: unknown) => void;
    const promise = new NativePromise<unknown>((resolve, reject) => {
      resolveCaller = resolve;
      rejectCaller = reject;
    });
    const actor = frame.task ?? this.setupActor;
    const op = new OpState({
      id: ++this.#opIds,
      operation,
      actor,
      parent: frame.op,
      real: REAL_KINDS.has(operation.kind),
      start,
      restore: snapshot(),
      resolveCaller,
      rejectCaller,
      requestStep: this.step,
    });
    this.ops.push(op);
    if (actor instanceof TaskState) actor.ops.push(op);
    this.#enqueue({ kind: 'start', id: decisionId(op.key, 'start'), seq: ++this.#seq, actor, op });
    this.#poke();
    return promise;
  }

  // ── decisions ───────────────────────────────────────────────────────────────

  #enqueue(decision: Decision): void {
    this.#pending.push(decision);
  }

  #enqueueTimer(timer: TimerState): void {
    const decision: Decision = {
      kind: 'fire',
      id: decisionId(timer.key, 'fire'),
      seq: ++this.#seq,
      actor: timer.actor,
      timer,
    };
    timer.decision = decision;
    this.#pending.push(decision);
    this.#poke();
  }

  #remove(decision: Decision): void {
    const at = this.#pending.indexOf(decision);
    if (at >= 0) this.#pending.splice(at, 1);
  }

  /**
   * The decisions that may be taken now, first-come order: every begin/start/deliver by the
   * time it became pending, then the next timer to fire (timers fire in due order, ties in
   * creation order; first-come lets the outside world answer before a timer fires).
   */
  enabled(): Decision[] {
    const out: Decision[] = [];
    let timer: Decision | undefined;
    for (const decision of this.#pending) {
      if (decision.kind !== 'fire') out.push(decision);
      else if (
        timer === undefined ||
        (decision.timer?.due ?? 0) < (timer.timer?.due ?? 0) ||
        ((decision.timer?.due ?? 0) === (timer.timer?.due ?? 0) && decision.seq < timer.seq)
      )
        timer = decision;
    }
    if (timer !== undefined) out.push(timer);
    return out;
  }

  #take(decision: Decision): void {
    this.#remove(decision);
    switch (decision.kind) {
      case 'begin':
        this.#begin(decision.task as TaskState);
        break;
      case 'start':
        this.#start(decision.op as OpState);
        break;
      case 'deliver':
        this.#deliver(decision.op as OpState);
        break;
      case 'fire':
        this.#fire(decision.timer as TimerState);
        break;
    }
  }

  #begin(task: TaskState): void {
    task.status = 'running';
    task.beginStep = this.step;
    const frame: Frame<Run, TaskState, OpState> = { run: this, task, op: undefined, zone: 'task' };
    this.#spec.restore(() =>
      frames.run(frame, () =>
        runWithController(this.controller, () => {
          let result: unknown;
          try {
            result = task.fn();
          } catch (error) {
            this.#settleTask(task, { status: 'rejected', reason: error });
            return;
          }
          if (!isThenable(result)) {
            this.#settleTask(task, { status: 'fulfilled', value: result });
            return;
          }
          void nativeThen.call(
            NativePromise.resolve(result),
            (value) => this.#settleTask(task, { status: 'fulfilled', value }),
            (reason) => this.#settleTask(task, { status: 'rejected', reason }),
          );
        }),
      ),
    );
  }

  #settleTask(task: TaskState, outcome: Outcome): void {
    if (this.#ended || task.settled) return;
    if (outcome.status === 'fulfilled') {
      task.status = 'fulfilled';
      task.value = outcome.value;
    } else if (outcome.status === 'rejected') {
      task.status = 'rejected';
      task.reason = outcome.reason;
    }
    task.endStep = this.step;
    this.#poke();
  }

  #start(op: OpState): void {
    op.phase = 'running';
    op.startStep = this.step;
    op.startedAt = realPerformanceNow();
    const frame: Frame<Run, TaskState, OpState> = {
      run: this,
      task: op.actor instanceof TaskState ? op.actor : undefined,
      op,
      zone: op.real ? 'real' : 'task',
    };
    op.restore(() =>
      frames.run(frame, () => {
        let result: unknown;
        try {
          result = op.start();
        } catch (error) {
          this.#settleOp(op, { status: 'rejected', reason: error });
          return;
        }
        if (!isThenable(result)) {
          op.syncResult = true;
          this.#settleOp(op, { status: 'fulfilled', value: result });
          return;
        }
        void nativeThen.call(
          NativePromise.resolve(result),
          (value) => this.#settleOp(op, { status: 'fulfilled', value }),
          (reason) => this.#settleOp(op, { status: 'rejected', reason }),
        );
      }),
    );
  }

  #settleOp(op: OpState, outcome: Outcome): void {
    if (op.phase !== 'running') return;
    op.phase = 'settled';
    op.outcome = outcome;
    op.settleStep = this.step;
    if (this.#ended) return;
    this.#enqueue({
      kind: 'deliver',
      id: decisionId(op.key, 'deliver'),
      seq: ++this.#seq,
      actor: op.actor,
      op,
    });
    this.#poke();
  }

  #deliver(op: OpState): void {
    op.phase = 'delivered';
    op.deliverStep = this.step;
    const outcome = op.outcome;
    if (outcome?.status === 'rejected') op.rejectCaller(outcome.reason);
    else op.resolveCaller(outcome?.status === 'fulfilled' ? outcome.value : undefined);
  }

  #fire(timer: TimerState): void {
    timer.decision = undefined;
    timer.fired++;
    timer.fireSteps.push(this.step);
    this.#now = Math.max(this.#now, timer.due);
    if (timer.repeat && !timer.cancelled) {
      timer.due = this.#now + timer.delay;
      timer.n = timer.actor.occurrence(timer.label);
      timer.key = `${timer.actor.label}:${timer.label}#${timer.n}`;
      this.#enqueueTimer(timer);
    } else timer.cancelled = true;
    timer.restore(() => {
      try {
        timer.callback(...timer.args);
      } catch (error) {
        if (!this.#hasUncaught) {
          this.#hasUncaught = true;
          this.#uncaught = error;
        }
      }
    });
  }

  // ── quiescence ──────────────────────────────────────────────────────────────

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Operations that wait on a pending decision of their own (nested operations, timers). */
  #blockedOps(): Set<OpState> {
    const blocked = new Set<OpState>();
    for (const decision of this.#pending) {
      let op = decision.op?.parent ?? decision.timer?.op;
      while (op !== undefined && !blocked.has(op)) {
        blocked.add(op);
        op = op.parent;
      }
    }
    return blocked;
  }

  /**
   * A real timer a task created (not through the virtual `setTimeout`: Node's internals, a
   * library's captured reference) is uncontrolled work — unless it was `unref()`ed: that is
   * housekeeping (Node's HTTP `Date` header cache, a socket's idle timeout) that never keeps
   * the process alive and never drives the application.
   */
  #judgeTimeouts(): void {
    for (const { timer, asyncId, work } of this.#timeoutCandidates) {
      const handle = timer.deref() as { hasRef?: () => boolean } | undefined;
      if (handle !== undefined && typeof handle.hasRef === 'function' && !handle.hasRef()) {
        this.#uncontrolledIds.delete(asyncId);
        continue;
      }
      const key = `${work.type} ${work.site}`;
      if (!this.#uncontrolledSites.has(key)) {
        this.#uncontrolledSites.add(key);
        this.uncontrolled.push(work);
      }
    }
    this.#timeoutCandidates = [];
  }

  async #quiesce(): Promise<void> {
    for (;;) {
      await macrotaskBarrier();
      if (this.#timeoutCandidates.length > 0) this.#judgeTimeouts();
      if (this.#immediates > 0) continue;
      if (this.#spec.uncontrolled === 'fail' && this.uncontrolled.length > 0)
        throw new RaceUncontrolledError(this.uncontrolled);
      const now = realPerformanceNow();
      let wakeAt = Number.POSITIVE_INFINITY;
      let busy = false;
      const blocked = this.#blockedOps();
      for (const op of this.ops) {
        if (op.phase !== 'running' || !op.real || blocked.has(op)) continue;
        // Idle real work waits only on promises: something a decision will release.
        if (op.outstanding === 0 && !op.didIO) continue;
        // Any decision may have released what it waits on (a lock): a fresh window after each.
        const expiry = Math.max(op.startedAt, this.#decidedAt) + this.#spec.blockedAfter;
        if (now >= expiry) {
          if (!op.assumedBlocked) {
            op.assumedBlocked = true;
            this.notes.push(
              `${op.key} was still doing real I/O after ${this.#spec.blockedAfter} ms with nothing controlled pending; fray assumed it was blocked (a lock held by another task?) and went on — if it was only slow, raise blockedAfter.`,
            );
          }
          continue;
        }
        busy = true;
        wakeAt = Math.min(wakeAt, expiry);
      }
      if (!busy && this.#uncontrolledIds.size > 0 && this.#pending.length === 0 && !this.#allSettled())
        busy = true;
      if (!busy) return;
      if (now >= this.#deadline) throw this.#timeoutError();
      await this.#sleepUntil(Math.min(wakeAt, this.#deadline));
    }
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
    const running = this.ops
      .filter((op) => op.phase === 'running')
      .map(
        (op) => `${op.key} (${op.real ? 'real work' : 'in a task'}, started at step ${op.startStep ?? '?'})`,
      );
    const pending = this.tasks.filter((t) => !t.settled).map((t) => t.label);
    return new RaceTimeoutError(this.#spec.timeout, this.step, running, pending, this.uncontrolled);
  }

  #allSettled(): boolean {
    return this.tasks.every((task) => task.settled);
  }

  // ── the run ─────────────────────────────────────────────────────────────────

  /** Execute the run to the end and return what happened. */
  async execute(): Promise<RunRecord> {
    const spec = this.#spec;
    this.#deadline = realPerformanceNow() + spec.timeout;
    const setupFrame: Frame<Run, TaskState, OpState> = {
      run: this,
      task: undefined,
      op: undefined,
      zone: 'setup',
    };
    const ctl = spec.makeControl(this);
    const ctx = await spec.restore(() =>
      frames.run(setupFrame, () => runWithController(undefined, () => spec.setup(ctl))),
    );
    let failure: RunRecord['failure'];
    try {
      const set = spec.restore(() =>
        frames.run(setupFrame, () => runWithController(undefined, () => spec.tasks(ctx))),
      );
      const { labels, fns } = labelTasks(set);
      this.#fingerprint = spec.fingerprint(labels);
      this.tasks = fns.map((fn, i) => new TaskState(labels[i] ?? `task ${i + 1}`, i, fn));
      for (const task of this.tasks)
        this.#enqueue({
          kind: 'begin',
          id: decisionId(task.label, 'begin'),
          seq: ++this.#seq,
          actor: task,
          task,
        });
      failure = await this.#loop();
      this.#ended = true;
      this.#chooser.end?.({ steps: this.#steps, hash: this.#hash() });
      if (failure === undefined) {
        try {
          await runWithController(undefined, () => spec.check(ctx, this.#outcomesFor(set)));
        } catch (error) {
          if (spec.fatal(error)) throw error;
          failure = { kind: 'check', error };
        }
      }
    } finally {
      this.#ended = true;
      this.#pending = [];
      forgetSink(this);
      if (spec.teardown !== undefined) await runWithController(undefined, () => spec.teardown?.(ctx));
    }
    return this.#record(failure);
  }

  async #loop(): Promise<RunRecord['failure']> {
    for (;;) {
      await this.#quiesce();
      this.#orderRealArrivals();
      if (this.#hasUncaught) return { kind: 'uncaught', error: this.#uncaught };
      const enabled = this.enabled();
      const settled = this.#allSettled();
      if (settled && enabled.every((d) => d.kind === 'fire')) {
        const left = enabled.length === 0 ? 0 : this.#pending.filter((d) => d.kind === 'fire').length;
        if (left > 0)
          this.notes.push(
            `${left} virtual timer${left === 1 ? '' : 's'} still pending when every task had settled; they were dropped, not fired.`,
          );
        return undefined;
      }
      if (enabled.length === 0) {
        if (this.#spec.allowPending) return undefined;
        // Nothing controlled can move, but real work assumed blocked after `blockedAfter` is
        // still running: it was only slow (a busy machine, a server under load), since no
        // decision is left that could release a lock it waits on. Wait for it, up to the run's
        // timeout, before calling it a deadlock.
        const now = realPerformanceNow();
        if (now < this.#deadline && this.ops.some((op) => op.phase === 'running' && op.real)) {
          await this.#sleepUntil(Math.min(now + Math.max(10, this.#spec.blockedAfter), this.#deadline));
          continue;
        }
        return { kind: 'deadlock', error: this.#deadlockError() };
      }
      if (this.step >= this.#spec.maxSteps)
        return {
          kind: 'step-limit',
          error: new RaceStepLimitError(this.#spec.maxSteps, this.#recentSteps()),
        };
      const context: ChoiceContext = {
        step: this.step + 1,
        choicesSoFar: this.#choices,
        tasks: this.tasks,
        fingerprint: this.#fingerprint,
        taken: this.#taken,
      };
      const index = this.#chooser.choose(enabled, context);
      const decision = enabled[index];
      if (decision === undefined)
        throw new RangeError(`chooser picked ${index} of ${enabled.length} decisions`);
      if (enabled.length > 1) this.#choices++;
      this.step++;
      this.#steps.push({
        id: decision.id,
        kind: decision.kind,
        enabled: enabled.map((d) => d.id),
        chosen: index,
      });
      this.#taken.add(decision.id);
      this.#decidedAt = realPerformanceNow();
      this.#seqAtDecision = this.#seq;
      this.#take(decision);
    }
  }

  /**
   * Real work (a query, a fetch) that finished in the same quiescent window arrives in the
   * order the outside world answered — two connections released by one COMMIT answer in
   * either order. Their deliveries take the order their operations started in instead, so
   * the pending list, and with it a replay, does not depend on which socket was read first.
   * Every other decision keeps its first-come place.
   */
  #orderRealArrivals(): void {
    const slots: number[] = [];
    const arrived: Decision[] = [];
    this.#pending.forEach((decision, at) => {
      if (decision.kind === 'deliver' && decision.op?.real === true && decision.seq > this.#seqAtDecision) {
        slots.push(at);
        arrived.push(decision);
      }
    });
    if (arrived.length < 2) return;
    arrived.sort(
      (a, b) =>
        (a.op?.startStep ?? -1) - (b.op?.startStep ?? -1) ||
        (a.op?.actor.index ?? 0) - (b.op?.actor.index ?? 0) ||
        (a.op?.id ?? 0) - (b.op?.id ?? 0),
    );
    slots.forEach((at, i) => {
      this.#pending[at] = arrived[i] as Decision;
    });
  }

  #recentSteps(): string[] {
    return this.#steps.slice(-8).map((s, i, all) => `${this.step - all.length + i + 1}. ${s.id}`);
  }

  #deadlockError(): RaceDeadlockError {
    const lines = this.tasks
      .filter((task) => !task.settled)
      .map((task) => {
        if (task.status === 'waiting') return `${task.label}: never began`;
        const last = task.ops.at(-1);
        const waiting = task.ops.filter((op) => op.phase === 'running');
        if (waiting.length > 0)
          return `${task.label}: waiting on ${waiting.map((op) => `${op.key} (${op.real ? 'real work that never finished' : 'its work never finished'})`).join(', ')}`;
        return `${task.label}: awaiting a promise no controlled operation will settle${last === undefined ? '' : ` (last operation: ${last.key})`}`;
      });
    return new RaceDeadlockError(this.step, lines, this.uncontrolled);
  }

  #outcomesFor(set: unknown): unknown {
    const outcomes = this.#taskOutcomes();
    if (Array.isArray(set)) return outcomes;
    return Object.fromEntries(outcomes.map((outcome) => [outcome.task, outcome]));
  }

  #taskOutcomes(): TaskOutcome[] {
    return this.tasks.map((task) => ({
      ...task.outcome(),
      task: task.label,
      begin: task.beginStep,
      end: task.settled ? task.endStep : undefined,
    }));
  }

  #hash(): string {
    return fnv1a(this.#steps.map((s) => s.id).join('\n'));
  }

  #record(failure: RunRecord['failure']): RunRecord {
    const deviations: Deviation[] = [];
    this.#steps.forEach((s, i) => {
      if (s.chosen !== 0) deviations.push({ step: i + 1, chosen: s.id, instead: s.enabled[0] ?? '' });
    });
    for (const op of this.ops)
      if (op.syncResult && op.kind === 'wrap' && !this.notes.some((n) => n.includes(`'${op.label}'`)))
        this.notes.push(
          `'${op.label}' returned a plain value, not a promise: callers got a promise instead. If it is a synchronous method, exclude it: ctl.wrap(target, label, { exclude: ['${op.label.split('.').pop() ?? op.label}'] }).`,
        );
    const depth = (op: OpState): number => (op.parent === undefined ? 0 : depth(op.parent) + 1);
    return {
      steps: this.#steps,
      deviations,
      choicePoints: this.#choices,
      taskLabels: this.tasks.map((t) => t.label),
      outcomes: this.#taskOutcomes(),
      failure,
      ops: this.ops.map((op) => ({
        key: op.key,
        kind: String(op.kind),
        label: op.label,
        args: op.args,
        task: op.actor.label,
        depth: depth(op),
        parent: op.parent?.key,
        requestStep: op.requestStep,
        startStep: op.startStep,
        deliverStep: op.deliverStep,
        outcome: op.outcome ?? { status: 'pending' },
      })),
      timers: this.timers.map((t) => ({
        key: t.key,
        task: t.actor.label,
        delay: t.delay,
        fireSteps: t.fireSteps,
        cancelled: t.cancelled && t.fired === 0,
      })),
      notes: this.notes,
      uncontrolled: this.uncontrolled,
      hash: this.#hash(),
      fingerprint: this.#fingerprint,
      virtualTime: this.#now,
    };
  }
}
