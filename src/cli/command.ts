/**
 * The shape of a `fray` sub-command. Each command lives in its own file under
 * `src/cli/commands/` and is listed in `registry.ts`.
 *
 * @module
 */

/** Where a command writes; injected so tests can capture output. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Working directory for relative paths. */
  readonly cwd: string;
  /** Environment (CI, NO_COLOR, DATABASE_URL…). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A sub-command: `fray <name> …`. */
export interface Command {
  /** The word after `fray`. */
  readonly name: string;
  /** One line for `fray --help`. */
  readonly summary: string;
  /** Full usage text for `fray <name> --help`. */
  readonly usage: string;
  /** Run with the arguments after the command name; resolves to the exit code. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
