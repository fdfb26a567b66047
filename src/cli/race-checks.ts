/**
 * Run a scenario's race checks (`races: { name: exploreOptions }`) through fray/race's
 * `explore()` before the load, and summarize each for the terminal and the report.
 *
 * @module
 */
import type { RaceCheckSummary } from '../load/index.ts';
import { optionalCapability } from './optional-capability.ts';

/** The part of fray/race's `explore()` result the CLI reads. */
interface ExploreResultLike {
  readonly ok: boolean;
  readonly runs: number;
  readonly summary: string;
  readonly failure?: { readonly replay: string; readonly report: string };
}

interface RaceModule {
  explore(options: Record<string, unknown>): Promise<ExploreResultLike>;
}

/** Summaries plus the long failure reports to print. */
export interface RaceCheckRun {
  readonly summaries: readonly RaceCheckSummary[];
  /** Full reports of failed checks (the invariant, the interleaving, the replay line). */
  readonly reports: readonly string[];
}

function oneLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim();
}

/**
 * Explore every race check. Skipped (not failed) when fray/race is not in this build.
 *
 * @example
 * ```ts
 * const { summaries } = await runRaceChecks({ doubleSpend: { setup, tasks, check } });
 * ```
 */
export async function runRaceChecks(races: Readonly<Record<string, unknown>>): Promise<RaceCheckRun> {
  const names = Object.keys(races);
  if (names.length === 0) return { summaries: [], reports: [] };
  const race = await optionalCapability<RaceModule>('race');
  if (race === undefined || typeof race.explore !== 'function') {
    return {
      summaries: names.map((name) => ({
        name,
        status: 'skipped',
        detail: 'fray/race is not part of this build; the check did not run',
      })),
      reports: [],
    };
  }
  const summaries: RaceCheckSummary[] = [];
  const reports: string[] = [];
  for (const name of names) {
    const options = races[name];
    if (typeof options !== 'object' || options === null) {
      summaries.push({
        name,
        status: 'error',
        detail: 'expected explore() options ({ setup, tasks, check })',
      });
      continue;
    }
    try {
      const result = await race.explore({ name, quiet: true, ...(options as Record<string, unknown>) });
      if (result.ok) summaries.push({ name, status: 'passed', detail: oneLine(result.summary) });
      else {
        summaries.push({
          name,
          status: 'failed',
          detail: oneLine(result.summary),
          ...(result.failure === undefined ? {} : { replay: result.failure.replay }),
        });
        if (result.failure !== undefined) reports.push(`race check '${name}':\n${result.failure.report}`);
      }
    } catch (error) {
      const message =
        error instanceof Error
          ? `${(error as { code?: string }).code ?? error.name}: ${oneLine(error.message)}`
          : String(error);
      summaries.push({ name, status: 'error', detail: message });
    }
  }
  return { summaries, reports };
}
