/**
 * Vitest, loaded only if it is installed. `vitest` is an optional peer dependency: fray's
 * Vitest entry points must still import cleanly where it is absent (a plain Node script
 * that imports every subpath, a project that only uses Jest), and fail with a coded error
 * only when something Vitest-specific is actually used.
 *
 * @module
 */
import type * as Vitest from 'vitest';
import { RunnerSetupError } from '../errors/index.ts';

const loaded: typeof Vitest | undefined = await import('vitest').then(
  (module) => module,
  () => undefined,
);

/**
 * Whether this code runs inside a Vitest worker. `VITEST` alone is not enough: child
 * processes a test spawns inherit it. Vitest's worker state (`__vitest_worker__`, set by
 * every Vitest version in each worker) is only there in a real worker.
 */
export function insideVitest(): boolean {
  return (
    loaded !== undefined &&
    process.env['VITEST'] !== undefined &&
    (globalThis as { __vitest_worker__?: unknown }).__vitest_worker__ !== undefined
  );
}

/** The `vitest` module, or a `FRAY_RUNNER_SETUP` error saying what to do. */
export function vitest(feature: string): typeof Vitest {
  if (loaded === undefined) {
    throw new RunnerSetupError(
      `${feature} needs Vitest, which is not installed.`,
      'install it (`npm install -D vitest`), or use fray/node-test or fray/jest with those runners.',
    );
  }
  if (!insideVitest()) {
    throw new RunnerSetupError(
      `${feature} only works inside a Vitest test run.`,
      'load it from a Vitest test file or a `setupFiles` entry (not a config file or `globalSetup`), and run it with `vitest`.',
    );
  }
  return loaded;
}
