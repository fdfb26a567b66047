/**
 * Read a `report.json` written by `fray run`, for `fray compare` and `fray run --baseline`:
 * a missing file or bad JSON is a one-line `FRAY_CLI_FILE` error, a JSON that is not a
 * report is `asLoadReport`'s error.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliFileError } from '../errors/index.ts';
import { asLoadReport, type LoadReport } from '../load/index.ts';

/**
 * Load and check a report file; `fix` says what the user should pass instead.
 *
 * @example
 * ```ts
 * const baseline = await readReportFile('main.json', process.cwd(), 'pass the report.json of an earlier `fray run`.');
 * ```
 */
export async function readReportFile(path: string, cwd: string, fix: string): Promise<LoadReport> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch {
    throw new CliFileError(path, 'no such file (or it cannot be read).', fix);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliFileError(
      path,
      `is not JSON (${error instanceof Error ? error.message : String(error)}).`,
      fix,
    );
  }
  return asLoadReport(json, path);
}
