/**
 * A test as a runner integration drives it: enter its scope around the test, finish it,
 * turn the result into the error that fails the test (or the file, for late leaks).
 *
 * @module
 */
import { overrideBoundary } from '../di/index.ts';
import { FileLeaksError, LateLeaksError, LeaksFoundError, type LeakSummary } from '../errors/index.ts';
import { relative } from 'node:path';
import { formatLateReport, formatLeaks, formatTestReport, type Leak, type TestInfo } from './leak.ts';
import type { TestScope } from './scope.ts';
import { leaksSlot } from './slot.ts';

/** The outcome of one test. */
export interface TestLeakResult {
  /** The test. */
  readonly test: TestInfo;
  /** Every leak reported (errors and warnings), allow-listed ones removed. */
  readonly leaks: readonly Leak[];
  /** The leaks at level `error`: the runner integration fails the test with them. */
  readonly errors: readonly Leak[];
  /** The leaks at level `warn`: already printed. */
  readonly warnings: readonly Leak[];
  /** How many leaks the allow-list dropped. */
  readonly allowed: number;
}

/** What finishes a scope: the detector. */
export interface ScopeFinisher {
  finishScope(scope: TestScope): Promise<TestLeakResult>;
}

/**
 * A test whose scope the runner integration entered. `run` executes the test body inside
 * the scope; `finish` checks what it left behind.
 *
 * @example
 * ```ts
 * const run = detector.startTest({ name, fullName: name, file, runner: 'manual' });
 * await run.run(testBody);
 * const result = await run.finish();
 * if (result.errors.length > 0) throw leaksError(result);
 * ```
 */
export class TestRun {
  readonly #finisher: ScopeFinisher;
  /** The scope; exposed for integrations and diagnostics. */
  readonly scope: TestScope;

  constructor(finisher: ScopeFinisher, scope: TestScope) {
    this.#finisher = finisher;
    this.scope = scope;
  }

  /**
   * Run `fn` (and everything it starts) inside the test's scope, and in a fray/di override
   * context of its own: an `override()` at the top of one concurrent test never reaches the
   * next.
   */
  run<T>(fn: () => T): T {
    this.scope.entered = true;
    return leaksSlot().storage.run(this.scope, () => overrideBoundary(fn));
  }

  /**
   * Enter the scope for the rest of the current synchronous execution and what it starts
   * (`AsyncLocalStorage.enterWith`), for runners that give no way to wrap the test body.
   */
  enter(): void {
    this.scope.entered = true;
    leaksSlot().storage.enterWith(this.scope);
  }

  /** Wait for the event loop to settle, then check and report. Idempotent. */
  finish(): Promise<TestLeakResult> {
    return this.#finisher.finishScope(this.scope);
  }
}

function summary(leak: Leak): LeakSummary {
  return { check: leak.check, level: leak.level, description: leak.description, location: leak.location };
}

/**
 * The error a runner integration throws for a test's `error`-level leaks.
 *
 * @example
 * ```ts
 * if (result.errors.length > 0) throw leaksError(result);
 * ```
 */
export function leaksError(result: TestLeakResult): LeaksFoundError {
  return new LeaksFoundError(
    result.test.fullName,
    result.errors.map(summary),
    formatTestReport(result.test, result.errors),
  );
}

/**
 * The error a runner integration throws at the end of a file for late leaks.
 *
 * @example
 * ```ts
 * const late = await detector.closeFile(file);
 * if (late.length > 0) throw lateLeaksError(late);
 * ```
 */
export function lateLeaksError(leaks: readonly Leak[]): LateLeaksError {
  return new LateLeaksError(leaks.map(summary), formatLateReport(leaks));
}

/**
 * The error a runner integration throws at the end of a file for what the file's code
 * outside its tests left open.
 *
 * @example
 * ```ts
 * const left = await detector.closeFileScope(file);
 * if (left !== undefined && left.errors.length > 0) throw fileLeaksError(left.errors);
 * ```
 */
export function fileLeaksError(leaks: readonly Leak[], cwd: string = process.cwd()): FileLeaksError {
  const file = leaks[0]?.test.file;
  const shown = file === undefined ? 'a test file' : `test file ${relative(cwd, file) || file}`;
  const report = [
    `fray/leaks: ${shown} left ${leaks.length === 1 ? 'this' : 'these'} open when it ended (created outside its tests: at the top of a module or in a beforeAll/after hook):`,
    ...formatLeaks(leaks, cwd),
  ].join('\n');
  return new FileLeaksError(leaks.map(summary), report);
}
