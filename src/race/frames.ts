/**
 * Where code is running, as fray/race sees it: which exploration run, which logical task,
 * inside which controlled operation, and in which *zone*. Kept in an AsyncLocalStorage so
 * every continuation, timer and nested call inherits it.
 *
 * Zones decide what fray does with the async work a piece of code creates:
 * - `setup`: the world being built. `Date` and randomness are the run's virtual ones (so
 *   seeded data agrees with the tasks); timers and `performance.now()` are real (a library
 *   building the world must see time pass); nothing is controlled or flagged.
 * - `task`: a logical task, a mock implementation, an `inject`ed app's handler. Timers are
 *   virtual, controlled operations are scheduled, and any other async work (a socket, a file
 *   read, a real timer that escaped) is reported as uncontrolled.
 * - `real`: inside the real work of a wrapped object or of `fetch` (a query on a pool).
 *   Timers are real and I/O is expected: fray waits for it to finish before it decides.
 *
 * @module
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

/** The zone of the code running now; see the module comment. */
export type Zone = 'setup' | 'task' | 'real';

/**
 * A frame: where code runs. `R`, `T`, `O` are the run, task and operation states (kept
 * generic so this file depends on nothing).
 */
export interface Frame<R = unknown, T = unknown, O = unknown> {
  readonly run: R;
  readonly task: T | undefined;
  readonly op: O | undefined;
  readonly zone: Zone;
}

// One storage per process, shared by every copy of fray, like the control slot.
const SLOT_KEY = Symbol.for('fray.race.frames.v1');
const globalSlot = globalThis as typeof globalThis & { [SLOT_KEY]?: AsyncLocalStorage<Frame> };

/** The frame storage. */
export const frames: AsyncLocalStorage<Frame> = (globalSlot[SLOT_KEY] ??= new AsyncLocalStorage<Frame>());

/**
 * Capture the whole async context now (every AsyncLocalStorage: fray's, the app's, fray/di's)
 * and return a function that runs code inside it later.
 *
 * What `AsyncLocalStorage.snapshot()` does, without its bound function: Node builds that with
 * `Object.defineProperties` (its `length` and `asyncResource`), about 3 µs a call against
 * 0.1 µs for the resource alone — once per `explore()` call and per wrapped operation.
 */
export function snapshot(): <R>(fn: () => R) => R {
  const scope = new AsyncResource('fray.context');
  return (fn) => scope.runInAsyncScope(fn);
}
