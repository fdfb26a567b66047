/**
 * `asyncMock()`: a typed callable whose every call returns a promise that knows whether the
 * caller consumed it. The anchor is Python's `unittest.mock.AsyncMock`; unlike `vi.fn()`,
 * jest-mock, node:test's `mock.fn` and sinon, it tells a call from an await, and it never
 * swallows a rejection nobody awaited.
 *
 * @module
 */
import { activeController, markControlled } from '../control/index.ts';
import { MockFloatingError } from '../errors/index.ts';
import {
  assertAny,
  assertHappened,
  assertHappenedOnce,
  assertHas,
  assertLastWith,
  assertNever,
  assertOnceWith,
  type AssertionSubject,
} from './assertions.ts';
import { Behaviour, runStep, type Step } from './behaviour.ts';
import { captureCallSite, type CallSite } from './call-site.ts';
import { CallRecord, type MockCall } from './call-record.ts';
import { formatArgs, type AsymmetricMatcher } from './equality.ts';
import { MockPromise } from './mock-promise.ts';
import { MOCK_VIEW, type MockView } from './mock-view.ts';
import { notifyMockCall } from './observers.ts';
import { mockSettings } from './settings.ts';

// Captured at module load: fray's bookkeeping must survive tests that stub globals.
const NativePromise = Promise;
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(promise)
const nativeThen = NativePromise.prototype.then;

/** Any function type; the mocked signature. */
export type AnyFunction = (...args: any[]) => any;

/** The value a call of `F` resolves to. */
export type Resolved<F extends AnyFunction> = Awaited<ReturnType<F>>;

/** Each argument may be given as a value (deep equality) or an asymmetric matcher. */
export type ArgMatchers<P extends readonly unknown[]> = { [K in keyof P]: P[K] | AsymmetricMatcher };

/** An item of `sequence([...])`: a value resolves, an `Error` rejects. */
export type SequenceItem<F extends AnyFunction> = Resolved<F> | Error;

/** A call held by `hold()`/`nextCall()`, settled by the test in the order it chooses. */
export interface PendingCall<F extends AnyFunction = AnyFunction> {
  /** The arguments of the held call. */
  readonly args: Parameters<F>;
  /** Resolve the call's promise with `value`. */
  resolve(value: Resolved<F> | PromiseLike<Resolved<F>>): void;
  /** Reject the call's promise with `reason`. */
  reject(reason: unknown): void;
  /** Run the behaviour the mock would have used without `hold()` and deliver its result. */
  proceed(): void;
}

/** Behaviour chosen for calls whose arguments match a `when(...)`. */
export interface WhenBuilder<F extends AnyFunction> {
  /** Matching calls resolve to `value`. */
  resolves(value: Resolved<F>): AsyncMock<F>;
  /** Matching calls reject with `reason`. */
  rejects(reason: unknown): AsyncMock<F>;
  /** Matching calls run `fn`. */
  implement(fn: (...args: Parameters<F>) => Resolved<F> | PromiseLike<Resolved<F>>): AsyncMock<F>;
  /** The next matching call resolves to `value`; later ones fall through. */
  resolvesOnce(value: Resolved<F>): AsyncMock<F>;
  /** The next matching call rejects with `reason`; later ones fall through. */
  rejectsOnce(reason: unknown): AsyncMock<F>;
  /** The next matching call runs `fn`; later ones fall through. */
  implementOnce(fn: (...args: Parameters<F>) => Resolved<F> | PromiseLike<Resolved<F>>): AsyncMock<F>;
}

/** Options of {@link asyncMock}. */
export interface AsyncMockOptions {
  /** Name used in messages and reports. Default: the implementation's name, else `asyncMock`. */
  name?: string;
  /**
   * Capture where calls are made, for `assertNoFloating()` and fray/leaks (1–2 µs per
   * capture). Default: `configureMocks({ callSites })`, itself `true`.
   */
  callSites?: boolean;
  /**
   * How many calls of this mock capture their call site. Default:
   * `configureMocks({ callSiteLimit })`, itself `1_000`; `Infinity` captures every call.
   */
  callSiteLimit?: number;
}

/**
 * A mock of the async function `F`. Callable like `F`; every call returns a `Promise`
 * (`instanceof Promise`) that records whether it was consumed.
 */
export interface AsyncMock<F extends AnyFunction = (...args: any[]) => Promise<any>> {
  (...args: Parameters<F>): Promise<Resolved<F>>;

  /** The name used in messages. */
  readonly mockName: string;
  /** Number of calls since the last `reset()`. */
  readonly callCount: number;
  /** Number of calls whose promise was consumed (awaited, `.then`, `Promise.all`…). */
  readonly awaitCount: number;
  /** Argument lists of every call, in call order. */
  readonly calls: readonly Parameters<F>[];
  /** Argument lists of the consumed calls, in the order they were consumed. */
  readonly awaits: readonly Parameters<F>[];
  /** Arguments of the most recent call. */
  readonly lastCall: Parameters<F> | undefined;
  /** Arguments of the most recently consumed call. */
  readonly lastAwait: Parameters<F> | undefined;
  /** Every call with its settled result, consumption state and call site. */
  readonly records: readonly MockCall<Parameters<F>, Resolved<F>>[];

  /** Forget recorded calls; with `{ behaviour: true }` also every configured behaviour. */
  reset(options?: { behaviour?: boolean }): this;
  /** Rename the mock (messages, reports, race labels). */
  named(name: string): this;

  /** Every call resolves to `value` (Python: `return_value`). */
  resolves(value: Resolved<F>): this;
  /** Every call rejects with `reason` (Python: `side_effect = exc`). */
  rejects(reason: unknown): this;
  /** Every call runs `fn` (Python: `side_effect = async_fn`). A throw becomes a rejection. */
  implement(fn: (...args: Parameters<F>) => Resolved<F> | PromiseLike<Resolved<F>>): this;
  /** The next call resolves to `value`; queued, FIFO. */
  resolvesOnce(value: Resolved<F>): this;
  /** The next call rejects with `reason`; queued, FIFO. */
  rejectsOnce(reason: unknown): this;
  /** The next call runs `fn`; queued, FIFO. */
  implementOnce(fn: (...args: Parameters<F>) => Resolved<F> | PromiseLike<Resolved<F>>): this;
  /**
   * Calls take the items in order: values resolve, `Error` items reject; a call past the end
   * rejects with `FRAY_MOCK_EXHAUSTED` (Python: `side_effect = [...]`).
   */
  sequence(items: readonly SequenceItem<F>[]): this;
  /**
   * Behaviour for calls whose arguments match (deep equality or asymmetric matchers such as
   * `expect.any(String)` and `match(predicate)`). Unmatched calls fall through.
   */
  when(...args: ArgMatchers<Parameters<F>>): WhenBuilder<F>;

  /** From now on, calls stay pending until settled through {@link AsyncMock.nextCall}. */
  hold(): this;
  /**
   * The oldest held call not yet handed out, or the next one to arrive. Turns `hold()` on:
   * call it (or `hold()`) before the code under test makes the call.
   */
  nextCall(): Promise<PendingCall<F>>;

  /** Awaited at least once. */
  assertAwaited(): void;
  /** Awaited exactly once. */
  assertAwaitedOnce(): void;
  /** The last await was with these arguments. */
  assertAwaitedWith(...args: ArgMatchers<Parameters<F>>): void;
  /** Awaited exactly once, with these arguments. */
  assertAwaitedOnceWith(...args: ArgMatchers<Parameters<F>>): void;
  /** Some await was with these arguments. */
  assertAnyAwait(...args: ArgMatchers<Parameters<F>>): void;
  /** The awaits contain these argument lists: in order (contiguous) or, with `anyOrder`, in any order. */
  assertHasAwaits(awaits: readonly ArgMatchers<Parameters<F>>[], options?: { anyOrder?: boolean }): void;
  /** Never awaited. */
  assertNotAwaited(): void;
  /** Every call's promise was consumed; otherwise fails naming where each floating call was made. */
  assertNoFloating(): void;
}

interface HeldCall {
  readonly record: CallRecord;
  readonly step: Step;
  readonly thisArg: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

const STATE = Symbol('fray.asyncMock.state');

/** Shown in place of a call site that was not captured. */
const NO_SITE =
  'call site not captured: calls past configureMocks({ callSiteLimit }) or with callSites off; raise the limit to see where';

class AsyncMockState {
  name: string;
  callSites: boolean | undefined;
  callSiteLimit: number | undefined;
  /** Calls that captured a call site, over the mock's lifetime (not reset by `reset()`). */
  captured = 0;
  readonly behaviour: Behaviour;
  records: CallRecord[] = [];
  awaits: unknown[][] = [];
  holding = false;
  held: HeldCall[] = [];
  waiters: ((call: HeldCall) => void)[] = [];
  #generation = 0;
  onConsume: (record: CallRecord) => void;

  constructor(
    name: string,
    initial: Step,
    callSites: boolean | undefined,
    callSiteLimit: number | undefined,
  ) {
    this.name = name;
    this.callSites = callSites;
    this.callSiteLimit = callSiteLimit;
    this.behaviour = new Behaviour(initial);
    this.onConsume = this.#listener();
  }

  #listener(): (record: CallRecord) => void {
    const generation = this.#generation;
    return (record) => {
      if (generation === this.#generation) this.awaits.push(record.args);
    };
  }

  resetCalls(): void {
    this.#generation++;
    this.onConsume = this.#listener();
    this.records = [];
    this.awaits = [];
  }

  /** Whether the next call captures its call site (and counts it against the limit). */
  wantsSite(): boolean {
    if (!(this.callSites ?? mockSettings.callSites)) return false;
    if (this.captured >= (this.callSiteLimit ?? mockSettings.callSiteLimit)) return false;
    this.captured++;
    return true;
  }

  invoke(thisArg: unknown, args: unknown[], site: CallSite | undefined): Promise<unknown> {
    const record = new CallRecord(this.name, this.records.length + 1, args, site, this.onConsume);
    this.records.push(record);
    const step = this.behaviour.pick(args);
    let promise: MockPromise<unknown>;
    if (this.holding) {
      promise = MockPromise.track(record, (resolve, reject) => {
        this.#hand({ record, step, thisArg, resolve, reject });
      });
    } else {
      const controller = activeController();
      if (controller === undefined) {
        promise = this.#settle(record, step, thisArg, args);
      } else {
        const delivered = controller.run({ kind: 'mock', label: this.name, args }, () =>
          runStep(step, thisArg, args, this.name, record.index),
        );
        promise = markControlled(forward(record, delivered));
      }
    }
    record.promise = promise;
    notifyMockCall(record);
    return promise;
  }

  /**
   * Run the step now. A value (or a throw) settles the promise exactly as an `async`
   * function with that body would; a promise is forwarded with one `then`, one microtask
   * turn after it settles (adopting it, as an `async` wrapper does, would cost two).
   */
  #settle(record: CallRecord, step: Step, thisArg: unknown, args: unknown[]): MockPromise<unknown> {
    let outcome: unknown;
    try {
      outcome = runStep(step, thisArg, args, this.name, record.index);
    } catch (error) {
      record.fail(error);
      return MockPromise.track(record, (_, reject) => reject(error));
    }
    if (outcome instanceof NativePromise) return forward(record, outcome);
    if (isThenable(outcome)) {
      // A foreign thenable (a query builder…) may do work in `then`: call it exactly once.
      return forward(record, new NativePromise<unknown>((resolve) => resolve(outcome)));
    }
    record.fulfil(outcome);
    return MockPromise.track(record, (resolve) => resolve(outcome));
  }

  #hand(call: HeldCall): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.held.push(call);
    else waiter(call);
  }

  pending(call: HeldCall): PendingCall {
    let done = false;
    const once = (fn: () => void): void => {
      if (done) return;
      done = true;
      fn();
    };
    return {
      args: call.record.args,
      resolve: (value) =>
        once(() => {
          if (isThenable(value)) track(call.record, NativePromise.resolve(value));
          else call.record.fulfil(value);
          call.resolve(value);
        }),
      reject: (reason) =>
        once(() => {
          call.record.fail(reason);
          call.reject(reason);
        }),
      proceed: () =>
        once(() => {
          try {
            const outcome = runStep(call.step, call.thisArg, call.record.args, this.name, call.record.index);
            if (isThenable(outcome)) track(call.record, NativePromise.resolve(outcome));
            else call.record.fulfil(outcome);
            call.resolve(outcome);
          } catch (error) {
            call.record.fail(error);
            call.reject(error);
          }
        }),
    };
  }

  subject(): AssertionSubject {
    return { name: this.name, records: this.records, events: this.awaits, verb: 'awaited' };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * A tracked promise that settles like `source`, one turn after it. Handling `source` here
 * does not handle the tracked promise: a rejection nobody consumes stays unhandled.
 */
function forward(record: CallRecord, source: Promise<unknown>): MockPromise<unknown> {
  return MockPromise.track(record, (resolve, reject) => {
    void nativeThen.call(
      source,
      (value) => {
        record.fulfil(value);
        resolve(value);
      },
      (reason) => {
        record.fail(reason);
        reject(reason);
      },
    );
  });
}

/** Record how `source` settles, for a held call resolved with a promise. */
function track(record: CallRecord, source: Promise<unknown>): void {
  void nativeThen.call(
    source,
    (value) => record.fulfil(value),
    (reason) => record.fail(reason),
  );
}

function stateOf(mock: unknown): AsyncMockState {
  return (mock as { [STATE]: AsyncMockState })[STATE];
}

/**
 * Methods shared by every async mock; the callable's prototype. Never constructed.
 * `this` is the callable.
 */
class AsyncMockApi {
  get mockName(): string {
    return stateOf(this).name;
  }
  get callCount(): number {
    return stateOf(this).records.length;
  }
  get awaitCount(): number {
    return stateOf(this).awaits.length;
  }
  get calls(): unknown[][] {
    return stateOf(this).records.map((record) => record.args);
  }
  get awaits(): unknown[][] {
    return [...stateOf(this).awaits];
  }
  get lastCall(): unknown[] | undefined {
    return stateOf(this).records.at(-1)?.args;
  }
  get lastAwait(): unknown[] | undefined {
    return stateOf(this).awaits.at(-1);
  }
  get records(): readonly MockCall[] {
    return [...stateOf(this).records];
  }
  get [MOCK_VIEW](): MockView {
    const state = stateOf(this);
    return {
      kind: 'async',
      name: state.name,
      records: state.records,
      events: state.awaits,
      calls: state.records.map((r) => r.args),
    };
  }

  reset(options: { behaviour?: boolean } = {}): this {
    const state = stateOf(this);
    state.resetCalls();
    if (options.behaviour === true) {
      state.behaviour.clear();
      state.holding = false;
      state.held = [];
    }
    return this;
  }
  named(name: string): this {
    stateOf(this).name = name;
    return this;
  }
  resolves(value: unknown): this {
    stateOf(this).behaviour.setDefault({ kind: 'resolve', value });
    return this;
  }
  rejects(reason: unknown): this {
    stateOf(this).behaviour.setDefault({ kind: 'reject', reason });
    return this;
  }
  implement(fn: (...args: any[]) => unknown): this {
    stateOf(this).behaviour.setDefault({ kind: 'implement', fn });
    return this;
  }
  resolvesOnce(value: unknown): this {
    stateOf(this).behaviour.pushOnce({ kind: 'resolve', value });
    return this;
  }
  rejectsOnce(reason: unknown): this {
    stateOf(this).behaviour.pushOnce({ kind: 'reject', reason });
    return this;
  }
  implementOnce(fn: (...args: any[]) => unknown): this {
    stateOf(this).behaviour.pushOnce({ kind: 'implement', fn });
    return this;
  }
  sequence(items: readonly unknown[]): this {
    stateOf(this).behaviour.setDefault({ kind: 'sequence', items: [...items], next: 0 });
    return this;
  }
  when(...matchers: unknown[]): WhenBuilder<AnyFunction> {
    const behaviour = stateOf(this).behaviour;
    const self = this as unknown as AsyncMock<AnyFunction>;
    const rule = (step: Step, once: boolean): AsyncMock<AnyFunction> => {
      behaviour.addRule(matchers, step, once);
      return self;
    };
    return {
      resolves: (value) => rule({ kind: 'resolve', value }, false),
      rejects: (reason) => rule({ kind: 'reject', reason }, false),
      implement: (fn) => rule({ kind: 'implement', fn }, false),
      resolvesOnce: (value) => rule({ kind: 'resolve', value }, true),
      rejectsOnce: (reason) => rule({ kind: 'reject', reason }, true),
      implementOnce: (fn) => rule({ kind: 'implement', fn }, true),
    };
  }
  hold(): this {
    stateOf(this).holding = true;
    return this;
  }
  nextCall(): Promise<PendingCall> {
    const state = stateOf(this);
    state.holding = true;
    const ready = state.held.shift();
    if (ready !== undefined) return NativePromise.resolve(state.pending(ready));
    return new NativePromise((resolve) => {
      state.waiters.push((call) => resolve(state.pending(call)));
    });
  }

  assertAwaited(): void {
    assertHappened(stateOf(this).subject());
  }
  assertAwaitedOnce(): void {
    assertHappenedOnce(stateOf(this).subject());
  }
  assertAwaitedWith(...args: unknown[]): void {
    assertLastWith(stateOf(this).subject(), args);
  }
  assertAwaitedOnceWith(...args: unknown[]): void {
    assertOnceWith(stateOf(this).subject(), args);
  }
  assertAnyAwait(...args: unknown[]): void {
    assertAny(stateOf(this).subject(), args);
  }
  assertHasAwaits(awaits: readonly unknown[][], options?: { anyOrder?: boolean }): void {
    assertHas(stateOf(this).subject(), awaits, options);
  }
  assertNotAwaited(): void {
    assertNever(stateOf(this).subject());
  }
  assertNoFloating(): void {
    const state = stateOf(this);
    const floating = state.records.filter((record) => !record.consumed);
    if (floating.length === 0) return;
    const lines = floating.map(
      (record) =>
        `  call #${record.index} ${formatArgs(record.args)} ${record.callSite?.location ? `at ${record.callSite.location}` : `(${NO_SITE})`}`,
    );
    throw new MockFloatingError(
      `${state.name}: ${floating.length} of ${state.records.length} call${state.records.length === 1 ? '' : 's'} returned a promise nobody awaited:\n${lines.join('\n')}`,
    );
  }
}
Object.setPrototypeOf(AsyncMockApi.prototype, Function.prototype);

/**
 * Create an async mock of `F`. With `impl`, calls run it (a throw becomes a rejection);
 * without, calls resolve to `undefined` until told otherwise.
 *
 * @example
 * ```ts
 * const getUser = asyncMock<(id: string) => Promise<User>>().resolves({ id: '1', name: 'Ada' });
 * await service.greet('1');
 * getUser.assertAwaitedOnceWith('1');
 *
 * const send = asyncMock(async (to: string) => ({ delivered: true }));
 * send.rejectsOnce(new Error('SMTP down'));
 * ```
 */
export function asyncMock<F extends AnyFunction = (...args: any[]) => Promise<any>>(
  impl?: F,
  options: AsyncMockOptions = {},
): AsyncMock<F> {
  const name = options.name ?? (impl?.name ? impl.name : 'asyncMock');
  const initial: Step =
    impl === undefined ? { kind: 'resolve', value: undefined } : { kind: 'implement', fn: impl };
  const state = new AsyncMockState(name, initial, options.callSites, options.callSiteLimit);
  const mock = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    // Captured here, directly in the callable, so the caller is a fixed number of frames up.
    return state.invoke(this, args, state.wantsSite() ? captureCallSite() : undefined);
  };
  Object.setPrototypeOf(mock, AsyncMockApi.prototype);
  Object.defineProperty(mock, STATE, { value: state });
  return mock as unknown as AsyncMock<F>;
}

/** Whether `value` is an async mock made by `asyncMock()` (this copy of fray). */
export function isAsyncMock(value: unknown): value is AsyncMock {
  return typeof value === 'function' && STATE in value;
}
