/**
 * The hook through which a scheduler (fray/race) takes control of asynchronous operations.
 *
 * Controllable sources — fray mocks, `inject` requests, objects passed through
 * `ctl.wrap()`, `fetch`, timers — ask {@link activeController} whether a controller is
 * active in the current async context. When one is, the source hands the operation to
 * `controller.run(operation, start)` instead of running it directly: the controller decides
 * when `start` runs (the operation *starts*) and when its result is *delivered* to the
 * caller. With no controller active, sources run as usual at the cost of one
 * AsyncLocalStorage lookup.
 *
 * Library authors can make their own clients controllable the same way.
 *
 * @example
 * ```ts
 * import { activeController } from 'fray/control';
 *
 * function get(key: string): Promise<string | null> {
 *   const controller = activeController();
 *   if (!controller) return redis.get(key);
 *   return controller.run({ kind: 'wrap', label: 'redis.get', args: [key] }, () => redis.get(key));
 * }
 * ```
 *
 * @module
 */
import { controlSlot as slot } from './slot.ts';

/** What kind of source an operation came from. */
export type OperationKind = 'mock' | 'http' | 'fetch' | 'wrap' | 'timer' | (string & {});

/** One controlled asynchronous operation, as the controller sees it. */
export interface Operation {
  /** Where the operation came from. */
  readonly kind: OperationKind;
  /**
   * A stable, human-readable label (`"repo.getById"`, `"GET /api/users/1"`). Replays are
   * keyed by labels, so they must not contain run-specific values such as ids or times.
   */
  readonly label: string;
  /** The arguments of the operation, for reports. */
  readonly args: readonly unknown[];
}

/** A scheduler that decides when controlled operations start and deliver their result. */
export interface OperationController {
  /**
   * Called synchronously when a controlled operation is requested. Must return the promise
   * the caller will observe; `start` performs the real operation and may be called at most
   * once, whenever the controller chooses.
   */
  run<T>(operation: Operation, start: () => T | PromiseLike<T>): Promise<T>;
  /**
   * Tell the scheduler that something beneath the code it controls limits what it can
   * explore — fray/db's `isolated()` runs transactions one at a time, so a race between two
   * transactions cannot show. The scheduler lists it with its results and claims no proof.
   */
  report?(limit: ControlLimit): void;
}

/** Something that limits what a scheduler can explore (see {@link OperationController.report}). */
export interface ControlLimit {
  /** `serialized`: work ran one at a time underneath, so races between those pieces cannot show. */
  readonly kind: 'serialized';
  /** What was limited, in plain words (one line). */
  readonly what: string;
  /** How to lift the limit. */
  readonly fix: string;
}

/**
 * The timers and clocks of the platform, as they were when fray first loaded — before any
 * exploration takes them over for the code under test, and before a test installs fake timers.
 * fray's own bookkeeping (request deadlines, lock timeouts, load pacing) runs on these, even
 * in a module first loaded while an exploration runs.
 */
export interface Natives {
  readonly setTimeout: typeof setTimeout;
  readonly clearTimeout: typeof clearTimeout;
  readonly setInterval: typeof setInterval;
  readonly clearInterval: typeof clearInterval;
  readonly setImmediate: typeof setImmediate;
  readonly performanceNow: () => number;
  readonly dateNow: () => number;
  readonly Date: DateConstructor;
}

/**
 * The platform's timers and clocks (see {@link Natives}), shared by every copy of fray.
 *
 * @example
 * ```ts
 * const timer = natives.setTimeout(expire, 4_000); // a real timer, even inside explore()
 * ```
 */
export const natives: Natives = (slot.natives ??= {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  performanceNow: performance.now.bind(performance),
  dateNow: Date.now.bind(Date),
  Date,
});

/**
 * The controller active in the current async context, if any.
 *
 * @example
 * ```ts
 * const controller = activeController();
 * const result = controller ? controller.run(op, start) : start();
 * ```
 */
export function activeController(): OperationController | undefined {
  return slot.storage.getStore();
}

/**
 * Run `fn` (and every async continuation it creates) with `controller` active. Pass
 * `undefined` to run code outside any controller, e.g. fray's own bookkeeping.
 *
 * @example
 * ```ts
 * await runWithController(scheduler, () => Promise.all(tasks.map((task) => task())));
 * ```
 */
export function runWithController<T>(controller: OperationController | undefined, fn: () => T): T {
  return slot.storage.run(controller, fn);
}

const controlledPromises: WeakSet<object> = (slot.controlled ??= new WeakSet());

/**
 * Declare that `promise` settles at a decision of the active controller — it is what a
 * controlled operation hands its caller, or follows such a promise within the same turn (a
 * mock's tracking promise, a wrapped client's result). A scheduler that makes every `await` a
 * scheduling point does not add a second one for it. Returns `promise`.
 *
 * @example
 * ```ts
 * const delivered = controller.run(op, start);
 * return markControlled(delivered.then(wrapClient));
 * ```
 */
export function markControlled<T extends object>(promise: T): T {
  controlledPromises.add(promise);
  return promise;
}

/**
 * Whether `value` was declared with {@link markControlled}: awaiting it is already a
 * scheduling point.
 *
 * @example
 * ```ts
 * if (isControlled(value)) return value; // no second decision for it
 * ```
 */
export function isControlled(value: unknown): boolean {
  return typeof value === 'object' && value !== null && controlledPromises.has(value);
}
