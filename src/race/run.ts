/**
 * One run of a scenario: build a fresh world with `setup`, start the logical tasks, and let a
 * chooser take every decision — begin a task, start an operation, deliver its result, deliver
 * an awaited value or a server's answer, fire a timer — until nothing is left to decide; then
 * call `check`.
 *
 * Quiescence comes from bookkeeping, never from counting ticks (see `quiescence.ts`); how a
 * call or an `await` becomes an operation is `run-ops.ts`; the virtual clock and timers are
 * `run-timers.ts`; what a run leaves behind is built in `run-record.ts`; what its tasks do
 * with the outside world directly is watched in `io-watch.ts`; the scenario's hooks run in
 * `run-hooks.ts`; which pending decisions may be taken is `pending.ts`.
 *
 * @module
 */
import { activeController, runWithController, type OperationController } from '../control/index.ts';
import { controlSlot } from '../control/slot.ts';
import { RaceHookTimeoutError, RaceStepLimitError } from '../errors/index.ts';
import type { Socket } from 'node:net';
import { currentTurn, drainMicrotasks, forgetSink, type ResourceSink } from './async-tracker.ts';
import { frames, type Frame } from './frames.ts';
import { IoWatch, type IoHost } from './io-watch.ts';
import { isThenable, NativePromise, nativeThen } from './natives.ts';
import { prng, type Prng } from './prng.ts';
import { enabledOf, orderRealArrivals } from './pending.ts';
import { Quiescence } from './quiescence.ts';
import { runHook, validateTasks } from './run-hooks.ts';
import {
  buildRecord,
  deadlockError,
  FinishedSteps,
  TakenIds,
  taskOutcomes,
  type RunState,
} from './run-record.ts';
import {
  type ChoiceContext,
  type Chooser,
  type RunRecord,
  type RunSpec,
  type StepRecord,
} from './run-types.ts';
import type { SocketWorld } from './socket-patches.ts';
import { RunOps, type OpsHost } from './run-ops.ts';
import { RunTimers, type TimerHost } from './run-timers.ts';
import { Actor, decisionId, TaskState, type Decision, type OpState, type TimerState } from './state.ts';
import type { ControlGap, Outcome } from './types.ts';
import type { VirtualTimer, VirtualWorld } from './virtual-globals.ts';

/** `T` with its fields writable: the run's one chooser context, updated per step. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A run: the world, the bookkeeping, and the decision loop. */
export class Run implements ResourceSink, VirtualWorld, SocketWorld, IoHost, TimerHost, OpsHost, RunState {
  readonly index: number;
  readonly #spec: RunSpec;
  readonly #chooser: Chooser;
  readonly controller: OperationController;
  readonly setupActor = new Actor('setup', -1);
  readonly io: IoWatch;
  readonly quiescence: Quiescence;
  tasks: TaskState[] = [];
  readonly operations: RunOps;
  readonly clock: RunTimers;
  /** Pending decisions, in first-come (seq) order. */
  pending: Decision[] = [];
  #seq = 0;
  step = 0;
  choicePoints = 0;
  /** Steps whose enabled decisions belong to two or more actors (PCT's change points). */
  contestedPoints = 0;
  readonly steps: StepRecord[] = [];
  #context: Mutable<ChoiceContext> | undefined;
  /** Tasks fulfilled or rejected so far (`allSettled()` at every step without a scan). */
  #settledTasks = 0;
  readonly #random: Prng;
  readonly notes: string[] = [];
  readonly #gaps: ControlGap[] = [];
  #ended = false;
  #uncaught: unknown = undefined;
  #hasUncaught = false;
  fingerprint = '';
  /** `#seq` when the last decision was taken: later decisions arrived in this window. */
  #seqAtDecision = 0;

  constructor(index: number, spec: RunSpec, chooser: Chooser) {
    this.index = index;
    this.#spec = spec;
    this.#chooser = chooser;
    // Every run starts from the same world randomness: runs differ only by their schedule.
    this.#random = prng(0x5eed, 7);
    this.controller = {
      run: (operation, start) => this.operations.request(operation, start),
      // A limit of what lies beneath the tasks (one session for all): not one task's.
      report: (gap) => this.gap({ ...gap, task: undefined }),
    };
    this.io = new IoWatch(this, spec.awaitsControlled);
    this.clock = new RunTimers(this);
    this.operations = new RunOps(this);
    this.quiescence = new Quiescence(this, spec);
  }

  get live(): boolean {
    return !this.#ended;
  }

  get virtualTime(): number {
    return this.clock.now;
  }

  get timers(): readonly TimerState[] {
    return this.clock.list;
  }

  get ops(): readonly OpState[] {
    return this.operations.list;
  }

  /** Operations doing real work now (a wrapped call, a fetch): quiescence must wait for them. */
  get realRunning(): number {
    return this.operations.realRunning;
  }

  get uncontrolled(): IoWatch['uncontrolled'] {
    return this.io.uncontrolled;
  }

  /** What fray did not control in this run. */
  get gaps(): readonly ControlGap[] {
    return [...this.#gaps, ...this.io.gaps];
  }

  /** Record a gap once (from fray/db through the controller, or from the run itself). */
  gap(gap: ControlGap): void {
    if (!this.#gaps.some((g) => g.kind === gap.kind && g.what === gap.what && g.task === gap.task))
      this.#gaps.push(gap);
  }

  // ── VirtualWorld (the clock and timers are run-timers.ts) ────────────────────

  addTimer(
    callback: (...args: unknown[]) => void,
    delay: number,
    args: readonly unknown[],
    repeat: boolean,
  ): VirtualTimer {
    return this.clock.add(callback, delay, args, repeat);
  }

  cancelTimer(handle: VirtualTimer): void {
    this.clock.cancel(handle);
  }

  wallClock(): number {
    return this.clock.wallClock();
  }

  monotonic(): number {
    return this.clock.now;
  }

  random(): number {
    return this.#random.next();
  }

  // ── sockets and the outside world ───────────────────────────────────────────

  socketWrite(): void {
    this.quiescence.sent();
    const op = (frames.getStore() as Frame<Run, TaskState, OpState> | undefined)?.op;
    if (op !== undefined && op.phase === 'running') op.didIO = true;
  }

  taskSocketWrite(socket: Socket, chunk: unknown, encoding: unknown, frame: Frame): void {
    if (frame.run === this) this.io.taskWrite(socket, chunk, encoding, frame);
  }

  sent(): void {
    this.quiescence.sent();
  }

  openIo(frame: Frame, label: string, deliver: () => void): OpState {
    return this.operations.openIo(frame, label, deliver);
  }

  settleIo(op: OpState): void {
    this.settleOp(op, { status: 'fulfilled', value: undefined });
  }

  resourceInit(asyncId: number, type: string, frame: Frame, resource: object): boolean {
    if (frame.run !== this || this.#ended) return false;
    if (type === 'Immediate') return this.quiescence.immediateCreated(asyncId);
    if (frame.zone === 'real')
      return this.quiescence.realResource(asyncId, type, frame.op as OpState | undefined);
    if (frame.zone === 'setup') return this.quiescence.setupResource(asyncId, type, resource);
    if (frame.zone !== 'task') return false;
    const tracked = this.io.taskResource(asyncId, type, frame, resource);
    if (tracked) this.quiescence.sent();
    return tracked || this.quiescence.taskHandle(asyncId, type, resource);
  }

  resourceBefore(asyncId: number): void {
    if (
      this.quiescence.immediateRan(asyncId) ||
      this.io.requestDone(asyncId) ||
      this.quiescence.isTaskHandle(asyncId)
    )
      this.poke();
  }

  resourceDestroy(asyncId: number): void {
    this.quiescence.resourceGone(asyncId);
    this.io.requestDone(asyncId);
    this.poke();
  }

  resumedOutside(frame: Frame, turn: object | undefined, turnId: number): void {
    if (frame.run !== this || this.#ended) return;
    this.io.resumedOutside(frame.task as TaskState | undefined, turn, turnId);
  }

  // ── controlled operations (requested and awaited in run-ops.ts) ────────────

  /** `await value` at `site` in a task (automatic control): see `RunOps.awaitPoint`. */
  awaitPoint(value: unknown, site: string, frame: Frame): unknown {
    return this.operations.awaitPoint(value, site, frame);
  }

  queueStart(op: OpState): void {
    this.#enqueue({ kind: 'start', id: decisionId(op.key, 'start'), seq: ++this.#seq, actor: op.actor, op });
    this.poke();
  }

  // ── decisions ───────────────────────────────────────────────────────────────

  #enqueue(decision: Decision): void {
    this.pending.push(decision);
  }

  queueFire(timer: TimerState): void {
    const decision: Decision = {
      kind: 'fire',
      id: decisionId(timer.key, 'fire'),
      seq: ++this.#seq,
      actor: timer.actor,
      timer,
    };
    timer.decision = decision;
    this.pending.push(decision);
    this.poke();
  }

  /** Take a queued decision out of the pending list (taken, or a cancelled timer's). */
  withdraw(decision: Decision): void {
    const pending = this.pending;
    const at = pending.indexOf(decision);
    if (at < 0) return;
    // Shifted down in place: `splice` allocates an array of what it removes, at every step.
    for (let i = at + 1; i < pending.length; i++) pending[i - 1] = pending[i] as Decision;
    pending.length--;
  }

  uncaught(error: unknown): void {
    if (this.#hasUncaught) return;
    this.#hasUncaught = true;
    this.#uncaught = error;
  }

  /** The decisions that may be taken now, first-come order (see `pending.ts`). */
  enabled(): Decision[] {
    return enabledOf(this.pending);
  }

  #take(decision: Decision): void {
    this.withdraw(decision);
    if (decision.kind === 'begin') this.#begin(decision.task as TaskState);
    else if (decision.kind === 'start') this.#start(decision.op as OpState);
    else if (decision.kind === 'deliver') this.#deliver(decision.op as OpState);
    else this.clock.fire(decision.timer as TimerState, this.step);
  }

  /**
   * Call `fn` and hand its outcome to `run` or `fail`, now or when its promise settles. The
   * promise is adopted in the caller's context (a thenable's `then` is its code). fray's own
   * reaction runs outside any frame when `leave` is set, so it never counts as task code
   * resumed from outside; a task's own result needs no such care — its reaction reports a
   * resumption from outside itself ({@link #settleTask}), the same gap the promise hook would,
   * and leaving the frame costs two copies of the async context.
   */
  #settled(
    run: (value: unknown) => void,
    fail: (reason: unknown) => void,
    fn: () => unknown,
    leave: boolean,
  ): void {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      fail(error);
      return;
    }
    if (!isThenable(result)) run(result);
    else {
      const adopted = NativePromise.resolve(result);
      if (leave) frames.exit(() => void nativeThen.call(adopted, run, fail));
      else void nativeThen.call(adopted, run, fail);
    }
  }

  #begin(task: TaskState): void {
    task.status = 'running';
    task.beginStep = this.step;
    const frame: Frame<Run, TaskState, OpState> = { run: this, task, op: undefined, zone: 'task' };
    // Entered, not run: `restore` gives the whole async context back after (`run` would copy
    // it twice more per store, to enter and to leave).
    this.#spec.restore(() => {
      frames.enterWith(frame);
      controlSlot.storage.enterWith(this.controller);
      this.#settled(
        (value) => this.#settleTask(task, { status: 'fulfilled', value }),
        (reason) => this.#settleTask(task, { status: 'rejected', reason }),
        task.fn,
        false,
      );
    });
  }

  #settleTask(task: TaskState, outcome: Outcome): void {
    if (this.#ended || task.settled) return;
    // Settled by the outside world (a timer or connection set up before the tasks began), not
    // at a decision: the run's order was not fray's.
    const turn = currentTurn();
    if (!turn.controlled) this.io.resumedOutside(task, turn.resource, turn.id);
    if (outcome.status === 'fulfilled') {
      task.status = 'fulfilled';
      task.value = outcome.value;
    } else if (outcome.status === 'rejected') {
      task.status = 'rejected';
      task.reason = outcome.reason;
    }
    task.endStep = this.step;
    if (task.settled) this.#settledTasks++;
    this.poke();
  }

  #start(op: OpState): void {
    this.operations.running(op);
    const frame: Frame<Run, TaskState, OpState> = {
      run: this,
      task: op.actor instanceof TaskState ? op.actor : undefined,
      op,
      zone: op.real ? 'real' : 'task',
    };
    op.restore(() =>
      frames.run(frame, () =>
        this.#settled(
          (value) => this.settleOp(op, { status: 'fulfilled', value }),
          (reason) => this.settleOp(op, { status: 'rejected', reason }),
          () => {
            const result = op.start();
            if (!isThenable(result)) op.syncResult = true;
            return result;
          },
          true,
        ),
      ),
    );
  }

  settleOp(op: OpState, outcome: Outcome): void {
    if (!this.operations.settled(op, outcome) || this.#ended) return;
    this.#enqueue({
      kind: 'deliver',
      id: decisionId(op.key, 'deliver'),
      seq: ++this.#seq,
      actor: op.actor,
      op,
    });
    this.poke();
  }

  #deliver(op: OpState): void {
    op.phase = 'delivered';
    op.deliverStep = this.step;
    const outcome = op.outcome;
    if (outcome?.status === 'rejected') op.rejectCaller(outcome.reason);
    else op.resolveCaller(outcome?.status === 'fulfilled' ? outcome.value : undefined);
  }

  /** Wake quiescence: something it waits for may have changed. */
  poke(): void {
    this.quiescence.poke();
  }

  allSettled(): boolean {
    return this.#settledTasks === this.tasks.length;
  }

  // ── the run ─────────────────────────────────────────────────────────────────

  /** Execute the run to the end and return what happened. */
  async execute(): Promise<RunRecord> {
    const spec = this.#spec;
    this.quiescence.begin();
    const setupFrame: Frame<Run, TaskState, OpState> = {
      run: this,
      task: undefined,
      op: undefined,
      zone: 'setup',
    };
    const inSetup = <R>(fn: () => R): R =>
      spec.restore(() => {
        frames.enterWith(setupFrame);
        return runWithController(undefined, fn);
      });
    const ctl = spec.makeControl(this);
    const ctx = await runHook('setup', this.index, this.#spec, () => inSetup(() => spec.setup(ctl)));
    let failure: RunRecord['failure'];
    let completed = false;
    try {
      const set = await runHook('tasks', this.index, this.#spec, () => inSetup(() => spec.tasks(ctx)));
      const { labels, fns } = validateTasks(set);
      this.fingerprint = spec.fingerprint(labels);
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
      this.#chooser.end?.(new FinishedSteps(this.steps));
      if (failure === undefined) {
        // Called straight from here when no controller is active (as a rule): every frame
        // between this loop and the check is one more a failing check's error captures.
        const check = (): unknown => spec.check(ctx, this.#outcomesFor(set));
        try {
          await runHook(
            'check',
            this.index,
            this.#spec,
            activeController() === undefined ? check : () => runWithController(undefined, check),
            false,
          );
        } catch (error) {
          if (spec.fatal(error) || error instanceof RaceHookTimeoutError) throw error;
          failure = { kind: 'check', error };
        }
      }
      completed = true;
    } finally {
      this.#ended = true;
      this.pending = [];
      this.io.release();
      forgetSink(this);
      if (spec.teardown !== undefined) {
        const teardown = (): unknown =>
          runHook('teardown', this.index, this.#spec, () =>
            runWithController(undefined, () => spec.teardown?.(ctx)),
          );
        // A failure already on its way out wins; teardown's own goes out only after a clean run.
        if (completed) await teardown();
        else
          try {
            await teardown();
          } catch {
            // the failure on its way out is the one to report
          }
      }
    }
    return buildRecord(this, failure);
  }

  async #loop(): Promise<RunRecord['failure']> {
    for (;;) {
      const quiescence = this.quiescence;
      if (!(quiescence.canDrain() && (await drainMicrotasks()) && quiescence.drained()))
        await quiescence.barrier();
      orderRealArrivals(this.pending, this.#seqAtDecision);
      if (this.#hasUncaught) return { kind: 'uncaught', error: this.#uncaught };
      const enabled = this.enabled();
      if (this.allSettled() && enabled.every((d) => d.kind === 'fire')) {
        const left = this.pending.filter((d) => d.kind === 'fire' && d.timer?.unref !== true).length;
        if (enabled.length > 0 && left > 0)
          this.notes.push(
            `${left} virtual timer${left === 1 ? '' : 's'} still pending when every task had settled; they were dropped, not fired.`,
          );
        return undefined;
      }
      if (enabled.length === 0) {
        if (this.#spec.allowPending) return undefined;
        // Nothing controlled can move. Real work still running, or tasks driven from outside
        // (gaps), may yet settle something: wait for it, up to the run's timeout. Otherwise
        // nothing fray sees or controls can release the tasks: a deadlock.
        if (await this.quiescence.waitForOutside()) continue;
        return { kind: 'deadlock', error: deadlockError(this, this.quiescence.waited) };
      }
      if (this.step >= this.#spec.maxSteps)
        return {
          kind: 'step-limit',
          error: new RaceStepLimitError(
            this.#spec.maxSteps,
            this.steps.slice(-8).map((s, i, all) => `${this.step - all.length + i + 1}. ${s.id}`),
          ),
        };
      const actor = enabled[0]?.actor;
      let contested = false;
      for (let i = 1; i < enabled.length && !contested; i++) contested = enabled[i]?.actor !== actor;
      // One context per run, updated per step: a chooser reads it during `choose` only.
      const context = (this.#context ??= {
        step: 0,
        choicesSoFar: 0,
        contested: false,
        contestedSoFar: 0,
        tasks: this.tasks,
        fingerprint: this.fingerprint,
        taken: new TakenIds(this.steps),
      });
      context.step = this.step + 1;
      context.choicesSoFar = this.choicePoints;
      context.contested = contested;
      context.contestedSoFar = this.contestedPoints;
      const index = this.#chooser.choose(enabled, context);
      const decision = enabled[index];
      if (decision === undefined)
        throw new RangeError(`chooser picked ${index} of ${enabled.length} decisions`);
      if (enabled.length > 1) this.choicePoints++;
      if (contested) this.contestedPoints++;
      this.step++;
      this.steps.push({
        id: decision.id,
        kind: decision.kind,
        actor: decision.actor.label,
        enabled: enabled.map((d) => d.id),
        chosen: index,
      });
      this.#seqAtDecision = this.#seq;
      this.#take(decision);
    }
  }

  #outcomesFor(set: unknown): unknown {
    const outcomes = taskOutcomes(this.tasks);
    if (Array.isArray(set)) return outcomes;
    return Object.fromEntries(outcomes.map((outcome) => [outcome.task, outcome]));
  }
}
