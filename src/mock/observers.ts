/**
 * A process-wide feed of mock calls, for tools that watch every mock at once (fray/leaks
 * attributes floating promises to the test that made the call).
 *
 * @module
 */
import type { MockCall } from './call-record.ts';

/** Receives every mock call synchronously, in the caller's async context. */
export type MockCallObserver = (call: MockCall) => void;

interface ObserverSlot {
  observers: Set<MockCallObserver>;
}

// Shared by every copy of fray in the process, like the controller slot.
const SLOT_KEY = Symbol.for('fray.mock.observers.v1');
const globalSlot = globalThis as typeof globalThis & { [SLOT_KEY]?: ObserverSlot };
const slot: ObserverSlot = (globalSlot[SLOT_KEY] ??= { observers: new Set() });

/**
 * Observe every call of every fray mock until the returned handle is disposed. The
 * observer runs synchronously inside the call, so `AsyncLocalStorage` lookups in it see the
 * caller's context; it must not throw.
 *
 * @example
 * ```ts
 * const seen: MockCall[] = [];
 * using _ = observeMockCalls((call) => seen.push(call));
 * await service.run();
 * const floating = seen.filter((call) => !call.consumed);
 * ```
 */
export function observeMockCalls(observer: MockCallObserver): Disposable {
  slot.observers.add(observer);
  return {
    [Symbol.dispose]() {
      slot.observers.delete(observer);
    },
  };
}

/** Notify observers; internal to fray/mock. */
export function notifyMockCall(call: MockCall): void {
  if (slot.observers.size === 0) return;
  for (const observer of slot.observers) observer(call);
}
