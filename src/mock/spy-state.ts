/**
 * What Vitest's and Jest's spy matchers read from a mock (`toHaveBeenCalledOnce`,
 * `toHaveBeenCalledWith`, `toHaveResolvedWith`, `toHaveBeenCalledBefore`…): a
 * `_isMockFunction` flag, `getMockName()` and a `mock` object with `calls`, `results`,
 * `settledResults`, `invocationCallOrder`, `contexts`, `instances` and `lastCall`. fray
 * mocks expose the same shape, built from their records on each read, so the runners'
 * matchers accept them as spies.
 *
 * @module
 */

/** What one call returned or threw (Vitest/Jest `mock.results[i]`). */
export interface SpyResult {
  readonly type: 'return' | 'throw' | 'incomplete';
  readonly value: unknown;
}

/** How the value one call returned settled (Vitest `mock.settledResults[i]`). */
export interface SpySettledResult {
  readonly type: 'fulfilled' | 'rejected' | 'incomplete';
  readonly value: unknown;
}

/**
 * A fray mock's history in the shape of Vitest's and Jest's `fn.mock`. Read-only: it is
 * rebuilt from the mock's records on every read (`mock.calls.length` is always current).
 *
 * @example
 * ```ts
 * await save('1');
 * save.mock.calls; // [['1']]
 * save.mock.settledResults; // [{ type: 'fulfilled', value: undefined }]
 * expect(save).toHaveBeenCalledOnce(); // Vitest's own matcher reads this
 * ```
 */
export interface SpyState<Args extends readonly unknown[] = unknown[]> {
  /** Argument lists of every call, in call order. */
  readonly calls: readonly Args[];
  /** What each call returned: an async mock returns its promise, so `type` is `'return'`. */
  readonly results: readonly SpyResult[];
  /** How each call's value settled (`'incomplete'` while an async mock's call is pending). */
  readonly settledResults: readonly SpySettledResult[];
  /** Process-wide order numbers of the calls (see `toHaveBeenCalledBefore`). */
  readonly invocationCallOrder: readonly number[];
  /** The `this` of each call. */
  readonly contexts: readonly unknown[];
  /** The `this` of each call, as Vitest records it for calls made without `new`. */
  readonly instances: readonly unknown[];
  /** Arguments of the most recent call. */
  readonly lastCall: Args | undefined;
}

/** One call, as the spy state needs it. */
export interface SpyEntry {
  readonly args: readonly unknown[];
  readonly order: number;
  readonly thisArg: unknown;
  readonly result: SpyResult;
  readonly settled: SpySettledResult;
}

/** Build the `mock` object from a mock's calls. */
export function spyState(entries: readonly SpyEntry[]): SpyState<readonly unknown[]> {
  const calls = entries.map((entry) => entry.args);
  const contexts = entries.map((entry) => entry.thisArg);
  return {
    calls,
    results: entries.map((entry) => entry.result),
    settledResults: entries.map((entry) => entry.settled),
    invocationCallOrder: entries.map((entry) => entry.order),
    contexts,
    instances: contexts,
    lastCall: calls.at(-1),
  };
}
