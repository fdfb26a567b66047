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
import { MockUsageError } from '../errors/index.ts';
import { mockAsyncIterable } from './async-iterable.ts';
import type { AnyFunction, ArgMatchers } from './async-mock.ts';
import { Behaviour, runStep, type Step } from './behaviour.ts';
import type { CallResult } from './call-record.ts';
import { MOCK_VIEW, type MockView } from './mock-view.ts';

/** One call of a sync mock. */
export interface SyncCall<Args extends readonly unknown[] = unknown[], R = unknown> {
  /** 1-based position among the mock's calls since the last `reset()`. */
  readonly index: number;
  readonly args: Args;
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
  yields(items: readonly (YieldedBy<F> | Error)[]): this;
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
    const step = this.behaviour.pick(args);
    try {
      const value = runStep(step, thisArg, args, this.name, index);
      this.records.push({ index, args, result: { status: 'fulfilled', value } });
      return value;
    } catch (error) {
      this.records.push({ index, args, result: { status: 'rejected', reason: error } });
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
  yields(items: readonly unknown[]): this {
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

// A member mocked as sync whose test treats it as async: almost always a method that
// returns a promise without the `async` keyword. Say so instead of "is not a function".
for (const method of [
  'resolves',
  'rejects',
  'resolvesOnce',
  'rejectsOnce',
  'sequence',
  'nextCall',
  'hold',
  'assertAwaited',
  'assertAwaitedOnce',
  'assertAwaitedWith',
  'assertAwaitedOnceWith',
  'assertAnyAwait',
  'assertHasAwaits',
  'assertNotAwaited',
  'assertNoFloating',
]) {
  Object.defineProperty(SyncMockApi.prototype, method, {
    configurable: true,
    writable: true,
    value(this: unknown): never {
      const name = stateOf(this).name;
      const member = name.includes('.') ? name.slice(name.indexOf('.') + 1) : name;
      throw new MockUsageError(
        `${name}.${method}() is for async mocks, but ${name} was mocked as a sync function (its spec is not declared \`async\`).`,
        `declare the method \`async\`, or pass { async: ['${member}'] } to mockObject(); for a plain function use asyncMock().`,
      );
    },
  });
}
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
