/**
 * Run the `fray` command line from the sources (Node's type stripping) as a child process,
 * the way end-to-end tests of the CLI need it: CI mode (no live progress), no colors.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'src/cli/bin.ts');

/** How a `fray` run ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `fray <args>` with extra environment variables; resolves with its exit code and output. */
export function fray(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
