/**
 * `asyncMock()`: a typed callable whose every call returns a promise that knows whether the
 * caller consumed it. The anchor is Python's `unittest.mock.AsyncMock`; unlike `vi.fn()`,
 * jest-mock, node:test's `mock.fn` and sinon, it tells a call from an await, and it never
 * swallows a rejection nobody awaited. It is also a spy to Vitest's and Jest's matchers.
 *
 * @module
 */
import { MockFloatingError } from '../errors/index.ts';
import {
  assertAny,
  assertHappened,
  assertHappenedOnce,
  assertHas,
  assertLastWith,
  assertNever,
  assertOnceWith,
} from './assertions.ts';
import { NO_SITE, STATE, AsyncMockState, stateOf } from './async-mock-state.ts';
import type {
  AnyFunction,
  AsyncMock,
  AsyncMockOptions,
  PendingCall,
  WhenBuilder,
} from './async-mock-types.ts';
import type { Step } from './behaviour.ts';
import type { CallResult, MockCall } from './call-record.ts';
import { captureCallSite } from './call-site.ts';
import { formatArgs } from './equality.ts';
import { installKindGuards, SYNC_ONLY } from './kind-guards.ts';
import { MOCK_VIEW, type MockView } from './mock-view.ts';
import { spyState, type SpySettledResult, type SpyState } from './spy-state.ts';

export type {
  AnyFunction,
  ArgMatchers,
  AsyncMock,
  AsyncMockOptions,
  PendingCall,
  Resolved,
  SequenceItem,
  WhenBuilder,
} from './async-mock-types.ts';

// Captured at module load: fray's bookkeeping must survive tests that stub globals.
const NativePromise = Promise;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as FunctionConstructor;

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
  getMockName(): string {
    return stateOf(this).name;
  }
  get mock(): SpyState<readonly unknown[]> {
    return spyState(
      stateOf(this).records.map((record) => ({
        args: record.args,
        order: record.order,
        thisArg: record.thisArg,
        result: { type: 'return', value: record.promise },
        settled: settledOf(record.result),
      })),
    );
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
  assertCalled(): void {
    assertHappened(stateOf(this).callSubject());
  }
  assertCalledOnce(): void {
    assertHappenedOnce(stateOf(this).callSubject());
  }
  assertCalledWith(...args: unknown[]): void {
    assertLastWith(stateOf(this).callSubject(), args);
  }
  assertCalledOnceWith(...args: unknown[]): void {
    assertOnceWith(stateOf(this).callSubject(), args);
  }
  assertAnyCall(...args: unknown[]): void {
    assertAny(stateOf(this).callSubject(), args);
  }
  assertHasCalls(calls: readonly unknown[][], options?: { anyOrder?: boolean }): void {
    assertHas(stateOf(this).callSubject(), calls, options);
  }
  assertNotCalled(): void {
    assertNever(stateOf(this).callSubject());
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
installKindGuards(AsyncMockApi.prototype, SYNC_ONLY, 'async', (mock) => stateOf(mock).name);
// Duck-typed as an async function: `fn.constructor.name === 'AsyncFunction'` and
// `Object.prototype.toString` (what libraries and fray's own mockObject check) say async.
// `util.types.isAsyncFunction` cannot: V8 answers from the function's body, and a body
// that hands out a tracked promise cannot be an `async` function.
Object.setPrototypeOf(AsyncMockApi.prototype, AsyncFunction.prototype);
Object.defineProperties(AsyncMockApi.prototype, {
  constructor: { value: AsyncFunction, configurable: true, writable: true, enumerable: false },
  _isMockFunction: { value: true, configurable: true, writable: false, enumerable: false },
});

function settledOf(result: CallResult<unknown>): SpySettledResult {
  switch (result.status) {
    case 'pending':
      return { type: 'incomplete', value: undefined };
    case 'fulfilled':
      return { type: 'fulfilled', value: result.value };
    case 'rejected':
      return { type: 'rejected', value: result.reason };
  }
}

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
