/**
 * The promise a mock call returns: a real `Promise` (subclass) that records the first time
 * anyone consumes it — `await`, `.then/.catch/.finally`, `Promise.all/race/allSettled/any`,
 * or returning it from an `async` function.
 *
 * How: every one of those paths reads the promise's `constructor` (`await` and
 * `Promise.resolve` to decide whether the value is already a native promise, `then` to find
 * the species). An accessor on the prototype records the consumption and answers the native
 * `Promise`, so `await` stays on V8's fast path: no extra microtask turn at all compared to
 * awaiting the promise of a plain `async` function, and derived promises are plain
 * promises. A rejection nobody consumed stays unhandled and reaches `unhandledRejection`
 * exactly like a native one.
 *
 * The cost of that design: reading `promise.constructor` yourself also counts as consuming
 * it. `util.inspect` and `console.log` do not read it (they look at property descriptors),
 * so logging a promise leaves it unconsumed.
 *
 * @module
 */

// Captured at module load so user code that replaces the global cannot break tracking.
const NativePromise = Promise;

/** Receives the first consumption of a tracked promise. */
export interface ConsumptionSink {
  consume(): void;
}

/** A native promise that knows whether anyone consumed it. `instanceof Promise` is true. */
export class MockPromise<T> extends NativePromise<T> {
  #sink: ConsumptionSink | undefined;

  /** Create a tracked promise; `executor` as for `new Promise`. */
  static track<T>(
    sink: ConsumptionSink,
    executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason: unknown) => void) => void,
  ): MockPromise<T> {
    const promise = new MockPromise<T>(executor);
    promise.#sink = sink;
    return promise;
  }

  static {
    Object.defineProperty(MockPromise.prototype as object, 'constructor', {
      configurable: true,
      enumerable: false,
      get(this: MockPromise<unknown>) {
        // Read on the prototype itself (or a foreign receiver): the class, consuming nothing.
        if (!(#sink in this)) return MockPromise;
        const sink = this.#sink;
        if (sink !== undefined) {
          this.#sink = undefined;
          sink.consume();
        }
        return NativePromise;
      },
    });
  }
}
