/**
 * One process-wide call counter for every fray mock: the order of calls across mocks (a
 * mock object's `mockCalls()`, the runners' `toHaveBeenCalledBefore`). Kept on `globalThis`
 * under a registry symbol, so two copies of fray in one process count on the same clock.
 *
 * A runner integration may install a `source` that draws the numbers from the runner's own
 * spy counter (fray/vitest/setup does, from Vitest's), so orders of fray mocks and of
 * `vi.fn()` spies compare.
 *
 * @module
 */

interface CallOrderSlot {
  next: number;
  source: (() => number) | undefined;
}

const SLOT_KEY = Symbol.for('fray.mock.callOrder.v1');
const globalSlot = globalThis as typeof globalThis & { [SLOT_KEY]?: CallOrderSlot };
const slot: CallOrderSlot = (globalSlot[SLOT_KEY] ??= { next: 1, source: undefined });

/** The order number of a call being made now; strictly increasing within the process. */
export function nextCallOrder(): number {
  const source = slot.source;
  return source === undefined ? slot.next++ : source();
}

/**
 * Draw call order numbers from `source` (a runner's spy counter) until the returned handle
 * is disposed; for runner integrations. `source` must return strictly increasing numbers.
 *
 * @example
 * ```ts
 * const probe = vi.fn();
 * using _ = useCallOrderSource(() => {
 *   probe();
 *   return probe.mock.invocationCallOrder.at(-1)!;
 * });
 * ```
 */
export function useCallOrderSource(source: () => number): Disposable {
  const previous = slot.source;
  slot.source = source;
  return {
    [Symbol.dispose]() {
      if (slot.source === source) slot.source = previous;
    },
  };
}
