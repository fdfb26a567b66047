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
