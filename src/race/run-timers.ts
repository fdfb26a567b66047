/**
 * A run's virtual clock and timers. Time moves only when a timer fires — to that timer's due
 * time, never backwards — so a run that waits an hour takes no real time, and every run starts
 * at the same instant. A timer is a `fire` decision like any other: the run queues it (see
 * `run.ts`), the chooser takes it, and only then does its callback run, in the context that
 * created it.
 *
 * @module
 */
import { frames, snapshot, type Frame } from './frames.ts';
import type { Actor, Decision, OpState, TaskState } from './state.ts';
import { TimerState } from './state.ts';
import { VirtualTimer } from './virtual-globals.ts';

/** Virtual wall clock at the start of every run: 2025-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH = Date.UTC(2025, 0, 1);

/** What the timers need of their run. */
export interface TimerHost {
  /** False once the run has ended: a timer created after it is a handle that never fires. */
  readonly live: boolean;
  /** The actor of timers created outside any task (setup). */
  readonly setupActor: Actor;
  /** Queue the timer's `fire` decision (the run numbers it and sets `timer.decision`). */
  queueFire(timer: TimerState): void;
  /** Take a queued decision back (a cancelled timer's). */
  withdraw(decision: Decision): void;
  /** Something quiescence waits for may have changed. */
  poke(): void;
  /** A timer's callback threw: the run fails with the first such error. */
  uncaught(error: unknown): void;
}

/** The virtual clock and the timers of one run. */
export class RunTimers {
  /** Every timer created in the run, in creation order (the report lists them). */
  readonly list: TimerState[] = [];
  readonly #host: TimerHost;
  #ids = 0;
  #now = 0;

  constructor(host: TimerHost) {
    this.#host = host;
  }

  /** Virtual milliseconds since the run began. */
  get now(): number {
    return this.#now;
  }

  /** Virtual `Date.now()`: the epoch plus the run's virtual time. */
  wallClock(): number {
    return VIRTUAL_EPOCH + this.#now;
  }

  /** A `setTimeout`/`setInterval` of the run's code: a handle, and a `fire` decision queued. */
  add(
    callback: (...args: unknown[]) => void,
    delay: number,
    args: readonly unknown[],
    repeat: boolean,
  ): VirtualTimer {
    const frame = frames.getStore() as Frame<unknown, TaskState, OpState> | undefined;
    const ms = Number.isFinite(delay) && delay >= 1 && delay <= 2147483647 ? Math.trunc(delay) : 1;
    const id = ++this.#ids;
    const timer = this.#host.live
      ? new TimerState({
          id,
          actor: frame?.task ?? this.#host.setupActor,
          op: frame?.op,
          delay: ms,
          due: this.#now + ms,
          repeat,
          callback,
          args,
          restore: snapshot(),
        })
      : undefined;
    const handle = new VirtualTimer(
      id,
      (t) => this.cancel(t),
      (ref) => {
        if (timer !== undefined) timer.unref = !ref;
      },
    );
    if (timer === undefined) return handle;
    this.list.push(timer);
    this.#host.queueFire(timer);
    return handle;
  }

  /** `clearTimeout`/`clearInterval`: the timer's decision is withdrawn if still queued. */
  cancel(handle: VirtualTimer): void {
    const timer = this.list.find((t) => t.id === handle.id);
    if (timer === undefined || timer.cancelled) return;
    timer.cancelled = true;
    if (timer.decision !== undefined) this.#host.withdraw(timer.decision);
    timer.decision = undefined;
    this.#host.poke();
  }

  /** The chooser took the timer's `fire` at `step`: advance the clock and run its callback. */
  fire(timer: TimerState, step: number): void {
    timer.decision = undefined;
    timer.fired++;
    timer.fireSteps.push(step);
    this.#now = Math.max(this.#now, timer.due);
    if (timer.repeat && !timer.cancelled) {
      timer.due = this.#now + timer.delay;
      timer.n = timer.actor.occurrence(timer.label);
      timer.key = `${timer.actor.label}:${timer.label}#${timer.n}`;
      this.#host.queueFire(timer);
    } else timer.cancelled = true;
    timer.restore(() => {
      try {
        timer.callback(...timer.args);
      } catch (error) {
        this.#host.uncaught(error);
      }
    });
  }
}
