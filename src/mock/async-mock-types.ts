/**
 * The types of `asyncMock()`: the mock's interface (behaviour, history, the await and call
 * assertions of Python's `AsyncMock`, and the Vitest/Jest spy shape) and its options.
 *
 * @module
 */
import type { MockCall } from './call-record.ts';
import type { AsymmetricMatcher } from './equality.ts';
import type { SpyState } from './spy-state.ts';

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

  /** Called at least once, awaited or not (Python: `assert_called`). */
  assertCalled(): void;
  /** Called exactly once, awaited or not (Python: `assert_called_once`). */
  assertCalledOnce(): void;
  /** The last call was with these arguments (Python: `assert_called_with`). */
  assertCalledWith(...args: ArgMatchers<Parameters<F>>): void;
  /** Called exactly once, with these arguments (Python: `assert_called_once_with`). */
  assertCalledOnceWith(...args: ArgMatchers<Parameters<F>>): void;
  /** Some call was with these arguments (Python: `assert_any_call`). */
  assertAnyCall(...args: ArgMatchers<Parameters<F>>): void;
  /** The calls contain these argument lists: in order (contiguous) or, with `anyOrder`, in any order. */
  assertHasCalls(calls: readonly ArgMatchers<Parameters<F>>[], options?: { anyOrder?: boolean }): void;
  /** Never called (Python: `assert_not_called`). */
  assertNotCalled(): void;

  /** Always `true`: Vitest's and Jest's spy matchers accept the mock (`toHaveBeenCalledOnce`…). */
  readonly _isMockFunction: true;
  /** The name, for Vitest's and Jest's messages. */
  getMockName(): string;
  /** The history in the shape of Vitest's and Jest's `fn.mock`, rebuilt on each read. */
  readonly mock: SpyState<Parameters<F>>;
}
