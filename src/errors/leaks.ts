/**
 * Errors raised by `fray/leaks` and the runner integrations (`fray/vitest`,
 * `fray/node-test`, `fray/jest`).
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/** What a leak error carries about each leak; structurally the `Leak` of `fray/leaks`. */
export interface LeakSummary {
  /** The check that found it, e.g. `timers`. */
  readonly check: string;
  /** `error` fails the test; `warn` is printed. */
  readonly level: 'error' | 'warn';
  /** What was found, in one line. */
  readonly description: string;
  /** `file:line:column` where it was created, when known. */
  readonly location: string | undefined;
}

/**
 * A test left something behind that a check set to `error` catches: a mock promise nobody
 * awaited, an unhandled rejection it caused, a timer, socket, server, child process or file
 * handle still open when it ended, or work still in flight. The message lists each leak
 * with the line that created it.
 */
export class LeaksFoundError extends FrayError {
  /** The test, as the runner names it. */
  readonly test: string;
  /** Every leak at level `error`, in the order found. */
  readonly leaks: readonly LeakSummary[];
  constructor(test: string, leaks: readonly LeakSummary[], report: string) {
    super('FRAY_LEAKS_FOUND', report, {
      fix: 'fix each leak at the line shown (the hint under it says how); if a handle is meant to outlive the test, add it to the allow-list (`allow` option or allowLeaks()) or lower the check to "warn".',
    });
    this.test = test;
    this.leaks = leaks;
  }
}

/**
 * Code started by tests kept running after those tests ended (a rejection, a mock call, a
 * new handle, an operation in flight). Raised when the file ends, because the tests that
 * caused it have already been reported.
 */
export class LateLeaksError extends FrayError {
  /** Every late leak at level `error`. */
  readonly leaks: readonly LeakSummary[];
  constructor(leaks: readonly LeakSummary[], report: string) {
    super('FRAY_LEAKS_LATE', report, {
      fix: 'await the work inside the test that started it (or cancel it with an AbortSignal in a teardown) so it finishes before the test ends.',
    });
    this.leaks = leaks;
  }
}

/**
 * A test file left something open when it ended — created at its top level or in a
 * `beforeAll`/`after` hook, outside every test: a server, a socket, an interval that keeps
 * the worker (or node:test's child process, or Jest) from exiting.
 */
export class FileLeaksError extends FrayError {
  /** What the file left behind, at level `error`. */
  readonly leaks: readonly LeakSummary[];
  constructor(leaks: readonly LeakSummary[], report: string) {
    super('FRAY_LEAKS_FILE', report, {
      fix: 'close it in an afterAll / after hook of the file (or create it inside the tests that use it); something a whole worker shares on purpose goes in untracked(() => …) or allowLeaks().',
    });
    this.leaks = leaks;
  }
}

/** fray/leaks was configured with something it does not understand. */
export class LeaksUsageError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_LEAKS_USAGE', message, { fix });
  }
}

/**
 * A runner integration cannot do what was asked: the setup file loaded outside its runner,
 * `createFrayTest` used without the option a fixture needs, a fixture that failed to start.
 */
export class RunnerSetupError extends FrayError {
  constructor(message: string, fix: string, cause?: unknown) {
    super('FRAY_RUNNER_SETUP', message, cause === undefined ? { fix } : { fix, cause });
  }
}
