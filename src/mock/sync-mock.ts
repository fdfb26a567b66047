/**
 * `syncMock()`: the synchronous twin of `asyncMock`, used for the sync members of a
 * `mockObject` and anywhere a plain function must be mocked with calls recorded.
 *
 * @module
 */
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
import { nextCallOrder } from './call-order.ts';
import { ASYNC_ONLY, installKindGuards } from './kind-guards.ts';
import { spyState, type SpyState } from './spy-state.ts';
import { mockAsyncIterable } from './async-iterable.ts';
import type { AnyFunction, ArgMatchers } from './async-mock.ts';
import { Behaviour, runStep, type Step } from './behaviour.ts';
import type { CallResult } from './call-record.ts';
import { MOCK_VIEW, type MockView } from './mock-view.ts';

/** One call of a sync mock. */
export interface SyncCall<Args extends readonly unknown[] = unknown[], R = unknown> {
  /** 1-based position among the mock's calls since the last `reset()`. */
  readonly index: number;
  /** Process-wide order of the call among every fray mock's calls (increasing). */
  readonly order: number;
  readonly args: Args;
  /** The `this` of the call. */
  readonly thisArg: unknown;
  /** `fulfilled` with the returned value, or `rejected` with what was thrown. */
  readonly result: Exclude<CallResult<R>, { status: 'pending' }>;
}

/** Items an async-iterable-returning function `F` yields. */
export type YieldedBy<F extends AnyFunction> =
  ReturnType<F> extends AsyncIterable<infer T> ? T : ReturnType<F> extends AsyncIterator<infer T> ? T : never;

/** Behaviour for calls whose arguments match a `when(...)`. */
export interface SyncWhenBuilder<F extends AnyFunction> {
  returns(value: ReturnType<F>): SyncMock<F>;
  throws(error: unknown): SyncMock<F>;
  implement(fn: (...args: Parameters<F>) => ReturnType<F>): SyncMock<F>;
}

/** A mock of the synchronous function `F`. */
export interface SyncMock<F extends AnyFunction = (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** The name used in messages. */
  readonly mockName: string;
  /** Number of calls since the last `reset()`. */
  readonly callCount: number;
  /** Argument lists of every call. */
  readonly calls: readonly Parameters<F>[];
  /** Arguments of the most recent call. */
  readonly lastCall: Parameters<F> | undefined;
  /** Every call with what it returned or threw. */
  readonly records: readonly SyncCall<Parameters<F>, ReturnType<F>>[];

  /** Forget recorded calls; with `{ behaviour: true }` also every configured behaviour. */
  reset(options?: { behaviour?: boolean }): this;
  /** Rename the mock. */
  named(name: string): this;
  /** Every call returns `value`. */
  returns(value: ReturnType<F>): this;
  /** Every call throws `error`. */
  throws(error: unknown): this;
  /** Every call runs `fn`. */
  implement(fn: (...args: Parameters<F>) => ReturnType<F>): this;
  /** The next call returns `value`; queued, FIFO. */
  returnsOnce(value: ReturnType<F>): this;
  /** The next call throws `error`; queued, FIFO. */
  throwsOnce(error: unknown): this;
  /** The next call runs `fn`; queued, FIFO. */
  implementOnce(fn: (...args: Parameters<F>) => ReturnType<F>): this;
  /**
   * For functions returning an async iterable (async generator methods,
   * `[Symbol.asyncIterator]`): every call returns a fresh `mockAsyncIterable(items)`.
   */
  yields(items: Iterable<YieldedBy<F> | Error>): this;
  /** Behaviour for calls whose arguments match. */
  when(...args: ArgMatchers<Parameters<F>>): SyncWhenBuilder<F>;

  /** Called at least once. */
  assertCalled(): void;
  /** Called exactly once. */
  assertCalledOnce(): void;
  /** The last call was with these arguments. */
  assertCalledWith(...args: ArgMatchers<Parameters<F>>): void;
  /** Called exactly once, with these arguments. */
  assertCalledOnceWith(...args: ArgMatchers<Parameters<F>>): void;
  /** Some call was with these arguments. */
  assertAnyCall(...args: ArgMatchers<Parameters<F>>): void;
  /** The calls contain these argument lists (in order, or with `anyOrder`). */
  assertHasCalls(calls: readonly ArgMatchers<Parameters<F>>[], options?: { anyOrder?: boolean }): void;
  /** Never called. */
  assertNotCalled(): void;

  /** Always `true`: Vitest's and Jest's spy matchers accept the mock (`toHaveBeenCalledOnce`…). */
  readonly _isMockFunction: true;
  /** The name, for Vitest's and Jest's messages. */
  getMockName(): string;
  /** The history in the shape of Vitest's and Jest's `fn.mock`, rebuilt on each read. */
  readonly mock: SpyState<Parameters<F>>;
}

const STATE = Symbol('fray.syncMock.state');

class SyncMockState {
  name: string;
  readonly behaviour: Behaviour;
  records: SyncCall<unknown[]>[] = [];
  constructor(name: string, initial: Step) {
    this.name = name;
    this.behaviour = new Behaviour(initial);
  }
  invoke(thisArg: unknown, args: unknown[]): unknown {
    const index = this.records.length + 1;
    const order = nextCallOrder();
    const step = this.behaviour.pick(args);
    try {
      const value = runStep(step, thisArg, args, this.name, index);
      this.records.push({ index, order, args, thisArg, result: { status: 'fulfilled', value } });
      return value;
    } catch (error) {
      this.records.push({ index, order, args, thisArg, result: { status: 'rejected', reason: error } });
      throw error;
    }
  }
  subject(): AssertionSubject {
    return {
      name: this.name,
      records: [],
      events: this.records.map((record) => record.args),
      verb: 'called',
    };
  }
}

function stateOf(mock: unknown): SyncMockState {
  return (mock as { [STATE]: SyncMockState })[STATE];
}

/** Methods shared by every sync mock; the callable's prototype. */
class SyncMockApi {
  get mockName(): string {
    return stateOf(this).name;
  }
  get callCount(): number {
    return stateOf(this).records.length;
  }
  get calls(): unknown[][] {
    return stateOf(this).records.map((record) => record.args);
  }
  get lastCall(): unknown[] | undefined {
    return stateOf(this).records.at(-1)?.args;
  }
  get records(): readonly SyncCall[] {
    return [...stateOf(this).records];
  }
  getMockName(): string {
    return stateOf(this).name;
  }
  get mock(): SpyState<readonly unknown[]> {
    return spyState(
      stateOf(this).records.map((record) => ({
        args: record.args,
        order: record.order,
        thisArg: record.thisArg,
        result:
          record.result.status === 'fulfilled'
            ? { type: 'return', value: record.result.value }
            : { type: 'throw', value: record.result.reason },
        settled:
          record.result.status === 'fulfilled'
            ? { type: 'fulfilled', value: record.result.value }
            : { type: 'rejected', value: record.result.reason },
      })),
    );
  }
  get [MOCK_VIEW](): MockView {
    const state = stateOf(this);
    const calls = state.records.map((record) => record.args);
    return { kind: 'sync', name: state.name, records: [], events: calls, calls };
  }
  reset(options: { behaviour?: boolean } = {}): this {
    const state = stateOf(this);
    state.records = [];
    if (options.behaviour === true) state.behaviour.clear();
    return this;
  }
  named(name: string): this {
    stateOf(this).name = name;
    return this;
  }
  returns(value: unknown): this {
    stateOf(this).behaviour.setDefault({ kind: 'resolve', value });
    return this;
  }
  throws(reason: unknown): this {
    stateOf(this).behaviour.setDefault({ kind: 'reject', reason });
    return this;
  }
  implement(fn: (...args: any[]) => unknown): this {
    stateOf(this).behaviour.setDefault({ kind: 'implement', fn });
    return this;
  }
  returnsOnce(value: unknown): this {
    stateOf(this).behaviour.pushOnce({ kind: 'resolve', value });
    return this;
  }
  throwsOnce(reason: unknown): this {
    stateOf(this).behaviour.pushOnce({ kind: 'reject', reason });
    return this;
  }
  implementOnce(fn: (...args: any[]) => unknown): this {
    stateOf(this).behaviour.pushOnce({ kind: 'implement', fn });
    return this;
  }
  yields(items: Iterable<unknown>): this {
    const name = stateOf(this).name;
    const list = [...items];
    return this.implement(() => mockAsyncIterable(list, { name }));
  }
  when(...matchers: unknown[]): SyncWhenBuilder<AnyFunction> {
    const behaviour = stateOf(this).behaviour;
    const self = this as unknown as SyncMock<AnyFunction>;
    const rule = (step: Step): SyncMock<AnyFunction> => {
      behaviour.addRule(matchers, step, false);
      return self;
    };
    return {
      returns: (value) => rule({ kind: 'resolve', value }),
      throws: (reason) => rule({ kind: 'reject', reason }),
      implement: (fn) => rule({ kind: 'implement', fn }),
    };
  }
  assertCalled(): void {
    assertHappened(stateOf(this).subject());
  }
  assertCalledOnce(): void {
    assertHappenedOnce(stateOf(this).subject());
  }
  assertCalledWith(...args: unknown[]): void {
    assertLastWith(stateOf(this).subject(), args);
  }
  assertCalledOnceWith(...args: unknown[]): void {
    assertOnceWith(stateOf(this).subject(), args);
  }
  assertAnyCall(...args: unknown[]): void {
    assertAny(stateOf(this).subject(), args);
  }
  assertHasCalls(calls: readonly unknown[][], options?: { anyOrder?: boolean }): void {
    assertHas(stateOf(this).subject(), calls, options);
  }
  assertNotCalled(): void {
    assertNever(stateOf(this).subject());
  }
}

installKindGuards(SyncMockApi.prototype, ASYNC_ONLY, 'sync', (mock) => stateOf(mock).name);
Object.defineProperties(SyncMockApi.prototype, {
  constructor: { value: Function, configurable: true, writable: true, enumerable: false },
  _isMockFunction: { value: true, configurable: true, writable: false, enumerable: false },
});
Object.setPrototypeOf(SyncMockApi.prototype, Function.prototype);

/**
 * Create a sync mock of `F`; calls run `impl` when given, else return `undefined`.
 *
 * @example
 * ```ts
 * const now = syncMock<() => number>().returns(1_700_000_000_000);
 * expect(stampOf(order, now)).toBe(1_700_000_000_000);
 * now.assertCalledOnce();
 * ```
 */
export function syncMock<F extends AnyFunction = (...args: any[]) => any>(
  impl?: F,
  options: { name?: string } = {},
): SyncMock<F> {
  const name = options.name ?? (impl?.name ? impl.name : 'syncMock');
  const initial: Step =
    impl === undefined ? { kind: 'resolve', value: undefined } : { kind: 'implement', fn: impl };
  const state = new SyncMockState(name, initial);
  const mock = function (this: unknown, ...args: unknown[]): unknown {
    return state.invoke(this, args);
  };
  Object.setPrototypeOf(mock, SyncMockApi.prototype);
  Object.defineProperty(mock, STATE, { value: state });
  return mock as unknown as SyncMock<F>;
}

/** Whether `value` is a sync mock made by `syncMock()`. */
export function isSyncMock(value: unknown): value is SyncMock {
  return typeof value === 'function' && STATE in value;
}
