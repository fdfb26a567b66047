/**
 * Load tests beside other test files: a load level measured while Vitest runs other files in
 * parallel measures the contention (fray/load then marks it inconclusive). fray/vitest
 * installs a process-wide hook that fray/load calls before each `load()`; in a Vitest run
 * with more than one worker it warns once per worker, with the fix.
 *
 * @module
 */

/** The hook fray/load calls before each run (a `Symbol.for` key: shared by every fray copy). */
const BEFORE_LOAD = Symbol.for('fray.load.beforeRun');

// Captured at module load so a test's stubs cannot swallow the warning.
const emitWarning = process.emitWarning.bind(process);

/**
 * Install the hook; `workers` is the Vitest run's worker count (`maxWorkers`).
 *
 * @example
 * ```ts
 * warnAboutParallelLoad(4); // the first load() in this worker warns: run load tests alone
 * ```
 */
export function warnAboutParallelLoad(workers: number): void {
  if (!(workers > 1)) return;
  let warned = false;
  (globalThis as Record<symbol, unknown>)[BEFORE_LOAD] = (): void => {
    if (warned) return;
    warned = true;
    emitWarning(
      `fray/load runs while Vitest has up to ${workers} workers running other test files: levels measured beside them are often inconclusive (the machine is busy). Run load tests alone: in their own project or invocation with one worker (vitest run --project load --maxWorkers 1), or fileParallelism: false for that project.`,
      { code: 'FRAY_LOAD_PARALLEL' },
    );
  };
}
