/**
 * The functions users call: turn detection on, check a block of code by hand, allow a
 * known leak, run fray-internal or long-lived set-up outside every test's scope.
 *
 * @module
 */
import type { LeaksFoundError } from '../errors/index.ts';
import { LeakDetector } from './detector.ts';
import { leaksError, type TestLeakResult } from './test-run.ts';
import { leaksSlot, untrackedScope } from './slot.ts';
import type { TestInfo } from './leak.ts';
import type { AllowRule, LeaksOptions } from './options.ts';

/**
 * Turn leak detection on for this thread (idempotent): installs one `async_hooks` hook
 * (promises untracked), a mock observer and an `unhandledRejection` listener. Called again,
 * it merges `options` into the running detector. The runner integrations call it for you.
 *
 * @example
 * ```ts
 * import { enableLeakDetection } from 'fray/leaks';
 *
 * enableLeakDetection({ checks: { timers: 'warn' }, allow: ['node_modules/pg-pool'] });
 * ```
 */
export function enableLeakDetection(options: LeaksOptions = {}): LeakDetector {
  const slot = leaksSlot();
  const current = slot.detector;
  if (current !== undefined && !current.disposed) {
    current.configure(options);
    return current;
  }
  const detector = new LeakDetector(options);
  slot.detector = detector;
  return detector;
}

/**
 * The thread's detector, or `undefined` when detection is off.
 *
 * @example
 * ```ts
 * const levels = leakDetector()?.options.levels;
 * ```
 */
export function leakDetector(): LeakDetector | undefined {
  const detector = leaksSlot().detector;
  return detector?.disposed === false ? detector : undefined;
}

/**
 * Turn detection off: remove the hook and listeners and restore `fs`.
 *
 * @example
 * ```ts
 * afterAll(() => disableLeakDetection());
 * ```
 */
export function disableLeakDetection(): void {
  leakDetector()?.dispose();
}

/**
 * Run `fn` outside every test's scope: what it creates (a pool, a server shared by a whole
 * file, a worker-scoped fixture) is never attributed to the test that happened to start it.
 * Works whether or not detection is on.
 *
 * @example
 * ```ts
 * const pool = await untracked(() => createPool(url)); // shared by every test of the file
 * ```
 */
export function untracked<T>(fn: () => T): T {
  return leaksSlot().storage.run(untrackedScope(), fn);
}

/**
 * Allow leaks matching `rules`: inside a test, for that test only; elsewhere (a setup
 * file, the top of a test file), for every test from now on. A no-op when detection is
 * off.
 *
 * @example
 * ```ts
 * test('starts the cache warmer', async () => {
 *   allowLeaks({ check: 'timers', site: 'src/cache-warmer.ts', reason: 'stopped in afterAll' });
 *   await app.start();
 * });
 * ```
 */
export function allowLeaks(...rules: AllowRule[]): void {
  leakDetector()?.allow(rules);
}

/** How `fn` ended, for {@link checkLeaks}. */
export type CheckedOutcome<T> =
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown };

/** What {@link checkLeaks} returns: the leak report plus how `fn` ended. */
export interface CheckedRun<T> extends TestLeakResult {
  readonly outcome: CheckedOutcome<T>;
}

/** Options of {@link checkLeaks}. */
export interface CheckLeaksOptions {
  /** Name used in reports. Default `checkLeaks`. */
  readonly name?: string;
}

/**
 * Run `fn` as if it were a test and report what it left behind — for custom runners,
 * scripts, or a block inside a test. Enables detection with default options when it is
 * off (it stays on).
 *
 * @example
 * ```ts
 * const run = await checkLeaks(() => startServer(), { name: 'boot' });
 * expect(run.leaks.map((leak) => leak.check)).toEqual(['servers']);
 * ```
 */
export async function checkLeaks<T>(
  fn: () => T | PromiseLike<T>,
  options: CheckLeaksOptions = {},
): Promise<CheckedRun<T>> {
  const detector = leakDetector() ?? enableLeakDetection();
  const name = options.name ?? 'checkLeaks';
  const info: TestInfo = { name, fullName: name, file: undefined, runner: 'manual' };
  const run = detector.startTest(info);
  let outcome: CheckedOutcome<T>;
  try {
    outcome = { status: 'fulfilled', value: await run.run(fn) };
  } catch (reason) {
    outcome = { status: 'rejected', reason };
  }
  const result = await run.finish();
  return { ...result, outcome };
}

/**
 * Like {@link checkLeaks}, but throws: `fn`'s own error first, else a `LeaksFoundError`
 * (`FRAY_LEAKS_FOUND`) listing the `error`-level leaks; returns `fn`'s value otherwise.
 *
 * @example
 * ```ts
 * await assertNoLeaks(async () => {
 *   const server = await listen(app);
 *   await close(server);
 * });
 * ```
 */
export async function assertNoLeaks<T>(
  fn: () => T | PromiseLike<T>,
  options: CheckLeaksOptions = {},
): Promise<T> {
  const run = await checkLeaks(fn, options);
  if (run.outcome.status === 'rejected') throw run.outcome.reason;
  if (run.errors.length > 0) throw leaksError(run) satisfies LeaksFoundError;
  return run.outcome.value;
}
