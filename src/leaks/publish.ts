/**
 * Where reported leaks go: the `onLeaks` callback or the terminal, and the JSON-lines report
 * file (`FRAY_LEAKS_REPORT`).
 *
 * @module
 */
import fs from 'node:fs';
import { reasonText } from './findings.ts';
import type { Leak } from './leak.ts';
import type { ResolvedLeaksOptions } from './options.ts';

// Captured at module load: a test's fs or console stubs must not break fray's reports.
const appendFileSync = fs.appendFileSync.bind(fs);
const consoleWarn = console.warn.bind(console);

/**
 * Hand `leaks` to `onLeaks` — or, without one, print `text` (the part meant for the terminal:
 * warnings, late leaks nobody will throw) — and append them to the report file, one JSON
 * object per line.
 */
export function publishLeaks(
  leaks: readonly Leak[],
  text: string | undefined,
  options: Pick<ResolvedLeaksOptions, 'onLeaks' | 'reportFile'>,
): void {
  if (leaks.length === 0) return;
  const { onLeaks, reportFile } = options;
  if (reportFile !== undefined) {
    const time = new Date().toISOString();
    const lines = leaks
      .map((leak) => JSON.stringify({ ...leak, location: leak.location ?? null, pid: process.pid, time }))
      .join('\n');
    try {
      appendFileSync(reportFile, `${lines}\n`);
    } catch (error) {
      consoleWarn(`fray/leaks: could not append to the report file ${reportFile}: ${reasonText(error)}`);
    }
  }
  if (onLeaks !== undefined) onLeaks(leaks);
  else if (text !== undefined) consoleWarn(text);
}
