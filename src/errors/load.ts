/**
 * Errors raised by `fray/load`: bad options, refused targets, unreadable reports, and a
 * load generator (worker thread) that failed.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/**
 * An option of `load()`, `abTest()`, `compare()` or a scenario is invalid: an unknown key, a
 * duration like `10 parsecs`, a negative concurrency, a missing request. The message names
 * the option and the value it got.
 */
export class LoadOptionsError extends FrayError {
  /** The option at fault, e.g. `duration` or `levels[2]`. */
  readonly option: string;
  constructor(option: string, message: string, fix: string) {
    super('FRAY_LOAD_OPTIONS', `${option}: ${message}`, { fix });
    this.option = option;
  }
}

/**
 * The target URL is not on this machine's loopback interface. Load against a remote host
 * must be asked for explicitly, so a typo never floods someone else's server.
 */
export class LoadRemoteRefusedError extends FrayError {
  /** The URL that was refused. */
  readonly url: string;
  constructor(url: string, resolved: readonly string[]) {
    super(
      'FRAY_LOAD_REMOTE_REFUSED',
      `refusing to load ${url}: it is not a loopback address${resolved.length > 0 ? ` (resolves to ${resolved.join(', ')})` : ''}.`,
      {
        fix: 'target 127.0.0.1, ::1 or localhost; to load a remote host on purpose pass `allowRemote: true` or set FRAY_LOAD_REMOTE=1.',
      },
    );
    this.url = url;
  }
}

/** The target is none of the accepted kinds (an `inject` client, a loopback URL, a function). */
export class LoadTargetError extends FrayError {
  constructor(message: string, fix: string, cause?: unknown) {
    super('FRAY_LOAD_TARGET', message, cause === undefined ? { fix } : { fix, cause });
  }
}

/** The worker thread that generates load for a URL target failed or exited early. */
export class LoadWorkerError extends FrayError {
  constructor(message: string, cause?: unknown) {
    super('FRAY_LOAD_WORKER', message, {
      fix: 'check that the request module loads on its own (`node <module>`) and that the target URL accepts connections; the cause below has the details.',
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** A saved report (for `compare()` or `fray compare`) is not a fray load report. */
export class LoadReportError extends FrayError {
  constructor(
    message: string,
    fix = 'pass the report.json written by `fray run` or `JSON.stringify(await load(…))`.',
  ) {
    super('FRAY_LOAD_REPORT', message, { fix });
  }
}

/** A gate of `toMeet()` / a scenario's `gates` cannot be read, e.g. `p99: 'fast'`. */
export class LoadGateError extends FrayError {
  /** The gate at fault, e.g. `p99`. */
  readonly gate: string;
  constructor(gate: string, message: string, fix: string) {
    super('FRAY_LOAD_GATE', `gate '${gate}': ${message}`, { fix });
    this.gate = gate;
  }
}

/** Two reports cannot be compared: no level in common, or too few rounds or samples. */
export class LoadCompareError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_LOAD_COMPARE', message, { fix });
  }
}

/**
 * A callback passed to `load()` (`onProgress`) threw. The run stops at once — a broken
 * callback must not kill the process or go unnoticed — and the levels measured before it are
 * kept on `report`.
 */
export class LoadCallbackError extends FrayError {
  /** The callback that threw, e.g. `onProgress`. */
  readonly callback: string;
  /** What was measured before the callback threw (marked aborted). */
  readonly report: unknown;
  constructor(callback: string, cause: unknown, report: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('FRAY_LOAD_CALLBACK', `${callback} threw ${reason.split('\n')[0] ?? ''}; the run was stopped.`, {
      fix: `make ${callback} not throw (catch inside it); the levels measured so far are on error.report.`,
      cause,
    });
    this.callback = callback;
    this.report = report;
  }
}
