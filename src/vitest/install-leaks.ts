/**
 * fray/leaks in Vitest. An `aroundEach` hook (registered first, so it wraps every other
 * hook, fixture and the test) runs the whole test — `beforeEach`, the body, `afterEach`,
 * test-scoped fixture teardown, `onTestFinished` — inside the test's scope, then checks what
 * is left and fails the test with `FRAY_LEAKS_FOUND`. An `afterAll` hook fails the file with
 * `FRAY_LEAKS_LATE` for work its tests kept doing after they ended.
 *
 * @module
 */
import type { RunnerTestCase, TestContext } from 'vitest';
import { RunnerSetupError } from '../errors/index.ts';
import {
  enableLeakDetection,
  fileLeaksError,
  lateLeaksError,
  leaksError,
  type LeakDetector,
  type LeaksOptions,
  type TestInfo,
} from '../leaks/index.ts';
import { vitest } from './runtime.ts';

/** The test's names as Vitest knows them. */
function testInfo(task: RunnerTestCase): TestInfo {
  let fullName = task.fullTestName;
  if (typeof fullName !== 'string') {
    const names = [task.name];
    for (let suite = task.suite; suite !== undefined && suite !== task.file; suite = suite.suite) {
      names.unshift(suite.name);
    }
    fullName = names.join(' > ');
  }
  return { name: task.name, fullName, file: task.file.filepath, runner: 'vitest' };
}

/** Options given to Vitest through `test.provide: { frayLeaks: … }` (JSON-serialisable). */
function providedOptions(): LeaksOptions {
  try {
    return vitest('fray/vitest').inject('frayLeaks') ?? {};
  } catch {
    return {};
  }
}

/**
 * Turn fray/leaks on for the current Vitest test file: every test is checked when it ends.
 * `fray/vitest/setup` calls it; call it yourself from your own setup file to pass options
 * (merged over `FRAY_LEAKS` and `test.provide.frayLeaks`).
 *
 * @example
 * ```ts
 * // vitest.setup.ts, listed in `test.setupFiles`
 * import { installFrayLeaks } from 'fray/vitest';
 *
 * installFrayLeaks({ checks: { lateActivity: 'warn' }, allow: ['src/metrics.ts'] });
 * ```
 */
export function installFrayLeaks(options: LeaksOptions = {}): LeakDetector {
  const { aroundEach, afterAll } = vitest('installFrayLeaks()');
  if (typeof aroundEach !== 'function') {
    throw new RunnerSetupError(
      'fray/leaks needs Vitest 4.1 or later: it runs each test inside its scope through aroundEach().',
      "upgrade Vitest (`npm install -D vitest@latest`); fray's matchers work with older versions.",
    );
  }
  const detector = enableLeakDetection({ ...providedOptions(), ...options });
  // The file these hooks belong to (setup files run once per test file, before it loads):
  // from here on, what its code outside tests creates is watched.
  let file: string | undefined = (globalThis as { __vitest_worker__?: { filepath?: unknown } })
    .__vitest_worker__?.filepath as string | undefined;
  if (typeof file === 'string') detector.openFile(file);
  else file = undefined;
  // Vitest reads fixtures from this destructuring pattern: ask for `task` only.
  aroundEach(async (runTest, { task }: TestContext) => {
    const info = testInfo(task);
    file ??= info.file;
    const run = detector.startTest(info);
    // Vitest's runTest() collects the test's own errors; it resolves once the test, its
    // afterEach hooks and its fixtures' teardown are done — even when the test failed or
    // timed out.
    await run.run(runTest);
    const result = await run.finish();
    if (result.errors.length > 0) throw leaksError(result);
  });
  // Registered first, so it runs last (after hooks run in reverse): after the file's own
  // afterAll hooks closed what they close.
  afterAll(async () => {
    if (file === undefined) return;
    const leaks = await detector.closeFile(file);
    const left = await detector.closeFileScope(file);
    if (leaks.length > 0) throw lateLeaksError(leaks);
    if (left !== undefined && left.errors.length > 0) throw fileLeaksError(left.errors);
  });
  return detector;
}
