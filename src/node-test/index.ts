/**
 * fray/node-test — fray in Node's built-in test runner: the awaited-aware assertions on
 * `t.assert`, and fray/leaks checking every test.
 *
 * The simplest set-up is the setup module, loaded before the test files:
 *
 * ```sh
 * node --import fray/node-test/setup --test
 * ```
 *
 * or call {@link installFrayLeaks} / {@link registerFrayAssertions} from your own `--import`
 * module (to pass options) or at the top of a test file.
 *
 * What differs from Vitest: node:test has no `expect`, so the matchers are assertions
 * (`t.assert.awaitedOnceWith(repo.save, user)`); a test's leaks fail it from its last
 * `t.after` hook; late leaks are printed and fail the file through the process's exit code.
 *
 * @example
 * ```ts
 * // test/setup.ts, run with: node --import ./test/setup.ts --test
 * import { installFrayLeaks, registerFrayAssertions } from 'fray/node-test';
 *
 * registerFrayAssertions();
 * installFrayLeaks({ checks: { lateActivity: 'warn' } });
 * ```
 *
 * @module
 */
import { resolve } from 'node:path';
import { after, assert, beforeEach } from 'node:test';
import {
  enableLeakDetection,
  fileLeaksError,
  lateLeaksError,
  leaksError,
  type Leak,
  type LeakDetector,
  type LeaksOptions,
  type TestRun,
} from '../leaks/index.ts';
import { attachToNodeTest, attachmentWorked, stateOf } from './attach.ts';
import { frayAssertions } from './assertions.ts';

export { raceTest, type NodeRaceTestOptions } from './race-test.ts';

export { frayAssertions, type FrayAssertionName } from './assertions.ts';

// Captured at module load so a test's console stub cannot swallow fray's one warning.
const consoleWarn = console.warn.bind(console);
const consoleError = console.error.bind(console);

let registered = false;

/**
 * Add fray's assertions to every test context: `t.assert.awaited(mock)`,
 * `awaitedTimes(mock, n)`, `awaitedWith(mock, …args)`, `awaitedOnceWith(mock, …args)`,
 * `lastAwaitedWith(mock, …args)`. Idempotent. Needs node:test's `assert.register`
 * (Node ≥ 22.14).
 *
 * @example
 * ```ts
 * registerFrayAssertions();
 * test('saves once', async (t) => {
 *   await service.rename('1', 'Ada');
 *   t.assert.awaitedOnceWith(repo.save, { id: '1', name: 'Ada' });
 * });
 * ```
 */
export function registerFrayAssertions(): void {
  if (registered) return;
  registered = true;
  for (const [name, fn] of Object.entries(frayAssertions)) {
    assert.register(name, fn as (...args: unknown[]) => void);
  }
}

let installed: LeakDetector | undefined;

/**
 * Turn fray/leaks on for node:test: every test runs in its own scope and fails when it
 * leaves something behind (from its last `t.after` hook, so your `afterEach` and `t.after`
 * cleanups run first). Options merge over `FRAY_LEAKS`. Call it before the tests are
 * declared (an `--import` module, or the top of the test file); idempotent.
 *
 * @example
 * ```ts
 * import { installFrayLeaks } from 'fray/node-test';
 *
 * installFrayLeaks({ allow: ['node_modules/pg-pool'] });
 * ```
 */
export function installFrayLeaks(options: LeaksOptions = {}): LeakDetector {
  const detector = enableLeakDetection(options);
  if (installed === detector) return detector;
  installed = detector;
  const files = new Set<string>();
  // node:test runs each file in its own process (`node --import … file`): watch what the
  // file's code outside its tests creates from before it loads.
  const entry = process.argv[1];
  if (entry !== undefined && /\.[cm]?[jt]sx?$/.test(entry)) {
    const file = resolve(entry);
    detector.openFile(file);
    files.add(file);
  }
  let warned = false;
  const check = async (run: TestRun): Promise<void> => {
    if (run.scope.info.file !== undefined) files.add(run.scope.info.file);
    const result = await run.finish();
    if (!attachmentWorked() && !warned) {
      warned = true;
      consoleWarn(
        `fray/leaks: could not attach to node:test's tests in Node ${process.version}; only what runs inside hooks is attributed. Please report this.`,
      );
    }
    if (result.errors.length > 0) throw leaksError(result);
  };
  attachToNodeTest(detector, (_context, run) => check(run));
  beforeEach((context) => {
    if (!('after' in context)) return; // a suite's context, not a test's
    const state = stateOf(context);
    if (state === undefined) return;
    // If the body never settles (timeout, cancellation), check from here — earlier than the
    // check the settled body registers, which then never exists.
    context.after(async () => {
      if (state.checkRegistered) return;
      state.checkRegistered = true;
      await check(state.run);
    });
    if (!attachmentWorked()) state.run.enter();
  });
  // Late leaks fail the file through the exit code: a throwing root `after` hook would skip
  // the file's own `after` hooks (its cleanup), and this one runs first.
  after(async () => {
    const late: Leak[] = [];
    const left: Leak[] = [];
    for (const file of files) {
      late.push(...(await detector.closeFile(file)));
      left.push(...((await detector.closeFileScope(file))?.errors ?? []));
    }
    for (const error of [
      late.length > 0 ? lateLeaksError(late) : undefined,
      left.length > 0 ? fileLeaksError(left) : undefined,
    ]) {
      if (error === undefined) continue;
      consoleError(`${error.name} [${error.code}]: ${error.message}`);
      process.exitCode = 1;
    }
  });
  return detector;
}

declare module 'node:test' {
  // node:test's types live in `namespace test` (`export = test`); only a namespace merges.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace test {
    /** fray's assertions, once {@link registerFrayAssertions} ran. */
    interface TestContextAssert {
      /** The async mock was awaited at least once. */
      awaited(mock: unknown): void;
      /** The async mock was awaited exactly `times` times. */
      awaitedTimes(mock: unknown, times: number): void;
      /** Some await of the async mock was with these arguments. */
      awaitedWith(mock: unknown, ...args: unknown[]): void;
      /** The async mock was awaited exactly once, with these arguments. */
      awaitedOnceWith(mock: unknown, ...args: unknown[]): void;
      /** The most recent await of the async mock was with these arguments. */
      lastAwaitedWith(mock: unknown, ...args: unknown[]): void;
    }
  }
}
