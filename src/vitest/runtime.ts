/**
 * Vitest, as the running worker has it. `vitest` is an optional peer dependency: fray's
 * Vitest entry points must import cleanly where it is absent (a plain Node script that
 * imports every subpath, a project that only uses Jest) and be `require()`-able from
 * CommonJS (Node ≥ 22.12 loads ES modules synchronously, but only those without top-level
 * await, and Vitest itself refuses `require()`), and fail with a coded error only when
 * something Vitest-specific is actually used.
 *
 * So fray never imports Vitest: every Vitest worker (3.2 and later, every pool) publishes
 * the module it runs the tests with as `globalThis.__vitest_index__` before it loads the
 * setup files and test files, and fray uses that — the very instance the test file's own
 * `import … from 'vitest'` gets.
 *
 * @module
 */
import type * as Vitest from 'vitest';
import { RunnerSetupError } from '../errors/index.ts';

interface VitestGlobals {
  __vitest_worker__?: unknown;
  __vitest_index__?: typeof Vitest;
}

function running(): typeof Vitest | undefined {
  const globals = globalThis as VitestGlobals;
  const module = globals.__vitest_index__;
  return typeof module === 'object' && typeof module.expect === 'function' ? module : undefined;
}

/**
 * Whether this code runs inside a Vitest worker. `VITEST` alone is not enough: child
 * processes a test spawns inherit it. Vitest's worker state (`__vitest_worker__`) and its
 * module (`__vitest_index__`) are only there in a real worker.
 *
 * @example
 * ```ts
 * if (insideVitest()) vitest('my feature').expect.extend(matchers);
 * ```
 */
export function insideVitest(): boolean {
  return (
    process.env['VITEST'] !== undefined &&
    (globalThis as VitestGlobals).__vitest_worker__ !== undefined &&
    running() !== undefined
  );
}

/**
 * The `vitest` module of the running worker, or a `FRAY_RUNNER_SETUP` error saying what to do.
 *
 * @example
 * ```ts
 * const { aroundEach } = vitest('installFrayLeaks()');
 * ```
 */
export function vitest(feature: string): typeof Vitest {
  const module = running();
  if (module === undefined || !insideVitest()) {
    throw new RunnerSetupError(
      `${feature} only works inside a Vitest test run.`,
      'load it from a Vitest test file or a `setupFiles` entry (not a config file or `globalSetup`), and run it with `vitest` (install it with `npm install -D vitest` if it is missing); with other runners use fray/node-test or fray/jest.',
    );
  }
  return module;
}
