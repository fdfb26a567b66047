/**
 * Globals fray/race relies on, captured when the module loads: a test that installs fake
 * timers, stubs `Date` or replaces `Promise` cannot break the scheduler, and fray's own
 * patches (virtual timers, controlled `fetch`) never feed back into it.
 *
 * @module
 */
import { startBarrier } from './async-tracker.ts';

export const NativePromise = Promise;
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(promise)
export const nativeThen = NativePromise.prototype.then;
export const NativeDate = Date;
export const realSetImmediate = setImmediate;
export const realSetTimeout = setTimeout;
export const realClearTimeout = clearTimeout;
export const realPerformanceNow = performance.now.bind(performance);
export const realRandom = Math.random.bind(Math);

/**
 * Resolve after the current macrotask: every microtask queued before it has run. The turn the
 * barrier's Immediate starts is a controlled one (see `async-tracker.ts`): fray's decisions
 * are taken there.
 */
export function macrotaskBarrier(): Promise<void> {
  return new NativePromise<void>((resolve) => {
    startBarrier(() => realSetImmediate(resolve));
  });
}

/** Whether `value` is a thenable (a promise or anything with a `then` method). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
