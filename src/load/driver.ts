/**
 * The load drivers: the closed model (n requests always in flight) and the open model
 * (arrivals on a schedule, latency measured from each intended start). They are generic
 * over an {@link Executor} — one request, however it is sent — and run unchanged on the
 * caller's thread (in-process targets) and in the worker thread (URL targets).
 *
 * Per-request timeouts use one sweeper per level instead of a timer per request, and a
 * request's failure is caught and recorded where it happened: one failing request never
 * fails its neighbours or the run.
 *
 * A level ends at its deadline. Requests still in flight then get a short grace
 * ({@link drainGraceMs}) to finish; those still running after it are aborted and recorded
 * as *interrupted* — apart from errors, with their time in flight as a lower bound of their
 * latency — so a target that stalls, trickles or never reads cannot stretch a 2 s level to
 * the 30 s request timeout.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import type { LoadPlan, PlannedLevel, RequestContext } from './options.ts';
import type { Random } from './random.ts';
import { LevelRecorder, type StopReason } from './recorder.ts';

const now = natives.performanceNow;
const setTimer = natives.setTimeout;
const clearTimer = natives.clearTimeout;
const setRepeat = natives.setInterval;
const clearRepeat = globalThis.clearInterval;
const setImmediateTask = globalThis.setImmediate;
const YIELD_EVERY_MS = 5;
/** Dispatch lateness attributed to timer resolution (libuv timers run on a 1 ms clock). */
const TIMER_SLACK_MS = 2;

/** A failed request: its kind (`status 503`, `TypeError`, `timeout`) and a sample message. */
export interface ErrorOutcome {
  readonly kind: string;
  readonly sample?: string;
}

/** What an executor reports: `undefined` for success, or the error. */
export type Outcome = ErrorOutcome | undefined;

/** One request as an executor sees it. */
export interface Attempt extends RequestContext {
  /** Set by executors that queue before sending (the URL pool): when the request was written. */
  sentAt: number | undefined;
  /** Set by executors that can cancel the underlying work (close the socket) on timeout. */
  cancel: (() => void) | undefined;
}

/** Sends one request and reports its outcome; may reject (the rejection is classified). */
export type Executor = (attempt: Attempt) => Promise<Outcome>;

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/**
 * How long requests still in flight at a level's deadline may take to finish before they
 * are aborted: 10 % of the level's time bound or twice the p99 seen so far, whichever is
 * longer, at least 100 ms, at most 5 s, and never past the request timeout.
 *
 * @example
 * ```ts
 * drainGraceMs(2000, 3, 30_000); // 200
 * ```
 */
export function drainGraceMs(boundMs: number, p99SoFarMs: number, timeoutMs: number): number {
  const wanted = Math.max(100, boundMs * 0.1, 2 * (Number.isFinite(p99SoFarMs) ? p99SoFarMs : 0));
  return Math.min(wanted, 5000, timeoutMs);
}

class AttemptRecord implements Attempt {
  readonly index: number;
  readonly start: number;
  sentAt: number | undefined = undefined;
  cancel: (() => void) | undefined = undefined;
  settle: ((result: Settled) => void) | undefined = undefined;
  #controller: AbortController | undefined;
  constructor(index: number, start: number) {
    this.index = index;
    this.start = start;
  }
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }
  abort(reason: Error): void {
    this.#controller?.abort(reason);
    try {
      this.cancel?.();
    } catch {
      // Cancelling is best effort; the attempt is settled either way.
    }
  }
}

interface Settled {
  readonly outcome: Outcome;
  readonly sentAt: number | undefined;
  /** Settled because the run was aborted: not recorded. */
  readonly cancelled?: boolean;
  /** Aborted because the level's deadline (and its grace) passed: recorded as interrupted. */
  readonly interrupted?: boolean;
}

/**
 * Classify a thrown value: a system error code (`ECONNRESET`), a fray code, or the error's
 * class name (`TypeError`), digging through `cause` as fetch wraps network errors.
 *
 * @example
 * ```ts
 * exceptionOutcome(new TypeError('boom')); // { kind: 'TypeError', sample: 'boom' }
 * ```
 */
export function exceptionOutcome(error: unknown): ErrorOutcome {
  if (typeof error === 'object' && error !== null) {
    let current: unknown = error;
    for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,}$/.test(code)) {
        return { kind: code, sample: messageOf(error) };
      }
      current = (current as { cause?: unknown }).cause;
    }
    const name =
      error instanceof Error
        ? error.name && error.name !== 'Error'
          ? error.name
          : error.constructor.name || 'Error'
        : (error.constructor as { name?: string } | undefined)?.name || 'Object';
    return { kind: name, sample: messageOf(error) };
  }
  return { kind: `thrown ${typeof error}`, sample: String(error) };
}

function messageOf(error: object): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : Object.prototype.toString.call(error);
}

/** Inputs of one driven phase (warm-up or measurement) of a level. */
export interface DriveInput {
  readonly plan: LoadPlan;
  readonly level: PlannedLevel;
  readonly exec: Executor;
  /** Stop after this many requests (arrivals in the open model). */
  readonly requests: number | undefined;
  /** Stop starting requests after this long (ms). */
  readonly durationMs: number | undefined;
  /** Hard bound (ms) when running by count. */
  readonly timeLimitMs: number;
  readonly random: Random;
  readonly signal: AbortSignal | undefined;
  /** Called about 5 times a second and once at the end. */
  readonly onTick?: (recorder: LevelRecorder, elapsedMs: number) => void;
}

/** What a driven phase produced. */
export interface DriveResult {
  readonly recorder: LevelRecorder;
  readonly stoppedBy: StopReason;
  readonly dropped: number;
  readonly arrivals: number;
  readonly lateStarts: number;
  /** Epoch ms of the measurement origin. */
  readonly startedAt: number;
  /** ms from origin to the last settlement. */
  readonly elapsedMs: number;
}

/**
 * Run one phase of a level with the closed or open model, per the level.
 *
 * @example
 * ```ts
 * const result = await drive({ plan, level: { concurrency: 10 }, exec, requests: 1000, durationMs: undefined, timeLimitMs: 60_000, random, signal: undefined });
 * ```
 */
export async function drive(input: DriveInput): Promise<DriveResult> {
  const driver = new Driver(input);
  try {
    return 'concurrency' in input.level
      ? await driver.closed(input.level.concurrency)
      : await driver.open(input.level.rate);
  } finally {
    driver.dispose();
  }
}

class Driver {
  readonly #input: DriveInput;
  readonly #inFlight = new Set<AttemptRecord>();
  readonly #timeoutMs: number;
  #sweeper: ReturnType<typeof setRepeat> | undefined;
  #ticker: ReturnType<typeof setRepeat> | undefined;
  #aborted = false;
  #onAbort: (() => void) | undefined;
  #abortWaiters: (() => void)[] = [];
  recorder!: LevelRecorder;

  constructor(input: DriveInput) {
    this.#input = input;
    this.#timeoutMs = input.plan.timeoutMs;
  }

  #begin(open: boolean): number {
    const origin = now();
    this.recorder = new LevelRecorder(origin, open, this.#input.durationMs ?? undefined);
    const period = Math.min(250, Math.max(10, this.#timeoutMs / 10));
    this.#sweeper = setRepeat(() => this.#sweep(), period);
    if (this.#input.onTick !== undefined) {
      const onTick = this.#input.onTick;
      this.#ticker = setRepeat(() => onTick(this.recorder, now() - origin), 200);
    }
    const signal = this.#input.signal;
    if (signal !== undefined) {
      this.#onAbort = () => {
        this.#aborted = true;
        for (const attempt of this.#inFlight)
          this.#finish(attempt, { outcome: undefined, sentAt: undefined, cancelled: true });
        for (const wake of this.#abortWaiters.splice(0)) wake();
      };
      if (signal.aborted) this.#aborted = true;
      else signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    return origin;
  }

  dispose(): void {
    if (this.#sweeper !== undefined) clearRepeat(this.#sweeper);
    if (this.#ticker !== undefined) clearRepeat(this.#ticker);
    if (this.#onAbort !== undefined) this.#input.signal?.removeEventListener('abort', this.#onAbort);
  }

  #sweep(): void {
    const deadline = now() - this.#timeoutMs;
    for (const attempt of this.#inFlight) {
      if (attempt.start <= deadline) {
        attempt.abort(
          new TimeoutError(`request ${attempt.index} exceeded the ${this.#timeoutMs} ms timeout`),
        );
        this.#finish(attempt, {
          outcome: { kind: 'timeout', sample: `no response within ${this.#timeoutMs} ms` },
          sentAt: attempt.sentAt,
        });
      }
    }
  }

  /** Abort every request still in flight: the level's deadline and its grace have passed. */
  #interruptAll(graceMs: number): void {
    for (const attempt of this.#inFlight) {
      attempt.abort(
        new InterruptedError(
          `request ${attempt.index} was still running ${graceMs} ms after the level ended`,
        ),
      );
      this.#finish(attempt, { outcome: undefined, sentAt: attempt.sentAt, interrupted: true });
    }
  }

  /** After the deadline: abort what is still in flight once the grace has passed. */
  #armGrace(boundMs: number): ReturnType<typeof setTimer> {
    const grace = drainGraceMs(boundMs, this.recorder.histogram.percentileMs(99), this.#timeoutMs);
    return setTimer(() => this.#interruptAll(grace), grace);
  }

  #finish(attempt: AttemptRecord, settled: Settled): void {
    const settle = attempt.settle;
    if (settle === undefined) return;
    attempt.settle = undefined;
    this.#inFlight.delete(attempt);
    settle(settled);
  }

  /** Start one request; resolves when it succeeds, fails or times out — never rejects. */
  #attempt(index: number, start: number): Promise<Settled> {
    const attempt = new AttemptRecord(index, start);
    return new Promise<Settled>((resolve) => {
      attempt.settle = resolve;
      this.#inFlight.add(attempt);
      // The Promise constructor turns a synchronous throw of the executor into a rejection.
      const pending = new Promise<Outcome>((run) => run(this.#input.exec(attempt)));
      pending.then(
        (outcome) => this.#finish(attempt, { outcome, sentAt: attempt.sentAt }),
        (error: unknown) =>
          this.#finish(attempt, { outcome: exceptionOutcome(error), sentAt: attempt.sentAt }),
      );
    });
  }

  #result(
    origin: number,
    stoppedBy: StopReason,
    extra: { dropped: number; arrivals: number; lateStarts: number },
    windowEnd: number,
  ): DriveResult {
    // A time-bound level is measured over its whole window even if the last request
    // settled early; a count-bound one until its last request settled.
    const last =
      stoppedBy === 'requests' || this.#aborted
        ? this.recorder.lastEnd
        : Math.max(this.recorder.lastEnd, windowEnd);
    const elapsedMs = Math.max(last - origin, 0.001);
    this.#input.onTick?.(this.recorder, elapsedMs);
    return {
      recorder: this.recorder,
      stoppedBy: this.#aborted ? 'aborted' : stoppedBy,
      ...extra,
      startedAt: performance.timeOrigin + origin,
      elapsedMs,
    };
  }

  async closed(concurrency: number): Promise<DriveResult> {
    const { requests, durationMs, timeLimitMs } = this.#input;
    const limit = requests ?? Infinity;
    const origin = this.#begin(false);
    let issued = 0;
    let stopping = this.#aborted;
    let stoppedBy: StopReason = requests !== undefined ? 'requests' : 'duration';
    const bound = durationMs ?? timeLimitMs;
    let grace: ReturnType<typeof setTimer> | undefined;
    const timer = setTimer(() => {
      stopping = true;
      stoppedBy = durationMs !== undefined ? 'duration' : 'time-limit';
      grace = this.#armGrace(bound);
    }, bound);
    const recorder = this.recorder;
    const deadline = origin + bound;
    // A target that settles within microtasks would never let timers run (the stop timer,
    // timeouts, progress): give the event loop a turn every few milliseconds.
    let lastYield = origin;
    const user = async (): Promise<void> => {
      for (;;) {
        if (stopping || this.#aborted) return;
        const index = issued++;
        if (index >= limit) {
          stoppedBy = 'requests';
          return;
        }
        const start = now();
        const settled = await this.#attempt(index, start);
        if (settled.cancelled === true) return;
        if (settled.interrupted === true) {
          recorder.interrupt(start, now());
          return;
        }
        const outcome = settled.outcome;
        const end = now();
        recorder.record(start, start, end, outcome?.kind, outcome?.sample);
        if (end >= deadline && !stopping) {
          stopping = true;
          stoppedBy = durationMs !== undefined ? 'duration' : 'time-limit';
        }
        if (end - lastYield > YIELD_EVERY_MS) {
          lastYield = end;
          await new Promise<void>((resolve) => setImmediateTask(resolve));
        }
      }
    };
    const users: Promise<void>[] = [];
    for (let i = 0; i < concurrency; i++) users.push(user());
    await Promise.all(users);
    clearTimer(timer);
    if (grace !== undefined) clearTimer(grace);
    return this.#result(origin, stoppedBy, { dropped: 0, arrivals: 0, lateStarts: 0 }, origin + bound);
  }

  async open(rate: number): Promise<DriveResult> {
    const { requests, durationMs, timeLimitMs, plan, random } = this.#input;
    const interval = 1000 / rate;
    const tolerance = plan.validity.lateStartTolerance;
    const maxArrivals = requests ?? Infinity;
    const origin = this.#begin(true);
    const end = origin + (durationMs ?? timeLimitMs);
    const recorder = this.recorder;
    let arrivals = 0;
    let dropped = 0;
    let lateStarts = 0;
    let running = 0;
    let stoppedBy: StopReason = requests !== undefined ? 'requests' : 'duration';
    let nextAt = origin;
    const advance = (): void => {
      nextAt += plan.arrivals === 'poisson' ? random.exponential(interval) : interval;
    };
    let wakeDrained: (() => void) | undefined;
    const dispatch = (index: number, intended: number, at: number): void => {
      running++;
      // Latency counts from the intended start, except for the timer's own resolution:
      // dispatching up to TIMER_SLACK_MS late is the clock, not the target. Anything later
      // (a blocked event loop, a stalled target holding every connection) is counted.
      const from = intended + Math.min(at - intended, TIMER_SLACK_MS);
      void this.#attempt(index, at).then((settled) => {
        running--;
        if (settled.interrupted === true) recorder.interrupt(from, now());
        else if (settled.cancelled !== true) {
          const outcome = settled.outcome;
          recorder.record(from, settled.sentAt ?? at, now(), outcome?.kind, outcome?.sample);
        }
        if (running === 0) wakeDrained?.();
      });
    };
    await new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimer> | undefined;
      const finish = (): void => {
        if (timer !== undefined) clearTimer(timer);
        resolve();
      };
      this.#abortWaiters.push(finish);
      const tick = (): void => {
        timer = undefined;
        if (this.#aborted) return finish();
        const current = now();
        while (nextAt <= current) {
          if (arrivals >= maxArrivals) {
            stoppedBy = 'requests';
            return finish();
          }
          if (nextAt >= end) {
            stoppedBy = durationMs !== undefined ? 'duration' : 'time-limit';
            return finish();
          }
          const index = arrivals++;
          if (current - nextAt > tolerance) lateStarts++;
          if (running >= plan.maxInFlight) dropped++;
          else dispatch(index, nextAt, current);
          advance();
        }
        if (arrivals >= maxArrivals) {
          stoppedBy = 'requests';
          return finish();
        }
        if (nextAt >= end) {
          stoppedBy = durationMs !== undefined ? 'duration' : 'time-limit';
          // Wait out the schedule's end so throughput is measured over the whole window.
          timer = setTimer(finish, Math.max(0, Math.ceil(end - now())));
          return;
        }
        // Sleep on a timer (no spinning: the generator must not compete with the target for
        // CPU). Timers fire on a 1 ms clock; that lateness is forgiven in `dispatch`.
        timer = setTimer(tick, Math.max(1, Math.ceil(nextAt - now())));
      };
      tick();
    });
    if (running > 0 && !this.#aborted) {
      const grace = this.#armGrace(durationMs ?? timeLimitMs);
      await new Promise<void>((resolve) => {
        wakeDrained = resolve;
        this.#abortWaiters.push(resolve);
      });
      clearTimer(grace);
    }
    return this.#result(origin, stoppedBy, { dropped, arrivals, lateStarts }, end);
  }
}
