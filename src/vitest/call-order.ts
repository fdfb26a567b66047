/**
 * fray mocks and `vi.fn()` spies on one clock: `toHaveBeenCalledBefore`/`After` compare
 * `mock.invocationCallOrder`, which Vitest numbers from a counter private to its spy
 * module. fray draws each mock call's number from that counter through a probe spy, so a
 * fray mock and a `vi.fn()` compare truthfully. `fray/vitest/setup` turns it on.
 *
 * @module
 */
import { useCallOrderSource } from '../mock/index.ts';
import { vitest } from './runtime.ts';

/** Clear the probe's history every this many calls, so it does not grow with the run. */
const PROBE_HISTORY = 1_000;

/**
 * Number fray mock calls from Vitest's spy counter until the returned handle is disposed
 * (`fray/vitest/setup` does it for the whole run).
 *
 * @example
 * ```ts
 * using _ = useVitestCallOrder();
 * const audit = vi.fn();
 * const save = asyncMock();
 * await save();
 * audit();
 * expect(save).toHaveBeenCalledBefore(audit);
 * ```
 */
export function useVitestCallOrder(): Disposable {
  const { vi } = vitest('fray/vitest call order');
  const probe = vi.fn();
  return useCallOrderSource(() => {
    probe();
    const orders = probe.mock.invocationCallOrder;
    const order = orders[orders.length - 1] ?? 0;
    if (orders.length >= PROBE_HISTORY) probe.mockClear();
    return order;
  });
}
