/**
 * Errors raised by the `fray` command line.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/** The command line was wrong: unknown command or flag, missing argument. Exit code 2. */
export class CliUsageError extends FrayError {
  constructor(message: string, fix = 'run `fray --help` to see the commands and flags.') {
    super('FRAY_CLI_USAGE', message, { fix });
  }
}

/** A file named on the command line does not exist or cannot be read. Exit code 2. */
export class CliFileError extends FrayError {
  /** The path as given. */
  readonly path: string;
  constructor(path: string, problem: string, fix: string) {
    super('FRAY_CLI_FILE', `${path}: ${problem}`, { fix });
    this.path = path;
  }
}

/**
 * A scenario file for `fray run` / `fray k6` loads but does not export what is needed, or
 * fails while loading or starting its app. Exit code 2.
 */
export class CliScenarioError extends FrayError {
  /** The scenario file as given. */
  readonly file: string;
  constructor(file: string, message: string, fix: string, cause?: unknown) {
    super('FRAY_CLI_SCENARIO', `${file}: ${message}`, cause === undefined ? { fix } : { fix, cause });
    this.file = file;
  }
}
