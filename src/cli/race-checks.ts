/**
 * Run a scenario's race checks (`races: { name: exploreOptions }`) through fray/race's
 * `explore()` before the load, and summarize each for the terminal and the report.
 *
 * @module
 */
import type { RaceCheckSummary } from '../load/index.ts';
import type { ExploreOptions } from '../race/index.ts';

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
 * Explore every race check, one after the other.
 *
 * @example
 * ```ts
 * const { summaries } = await runRaceChecks({ doubleSpend: { setup, tasks, check } }, 'load/shop.scenario.ts');
 * ```
 */
export async function runRaceChecks(
  races: Readonly<Record<string, unknown>>,
  scenarioFile: string,
): Promise<RaceCheckRun> {
  // explore() names the file that called it in its replay line; here that is the scenario.
  const pointAtScenario = (text: string): string =>
    text.replace(/npx fray replay \S+ '/g, `npx fray replay ${scenarioFile} '`);
  const summaries: RaceCheckSummary[] = [];
  const reports: string[] = [];
  if (Object.keys(races).length === 0) return { summaries, reports };
  // Loaded only when a scenario has race checks.
  const { explore } = await import('../race/index.ts');
  for (const [name, options] of Object.entries(races)) {
    if (typeof options !== 'object' || options === null) {
      summaries.push({
        name,
        status: 'error',
        detail: 'expected explore() options ({ setup, tasks, check })',
      });
      continue;
    }
    try {
      const result = await explore({ name, quiet: true, ...(options as ExploreOptions<any, any>) });
      if (result.ok) summaries.push({ name, status: 'passed', detail: oneLine(result.summary) });
      else {
        summaries.push({
          name,
          status: 'failed',
          detail: pointAtScenario(oneLine(result.summary)),
          ...(result.failure === undefined
            ? {}
            : { replay: `npx fray replay ${scenarioFile} '${result.failure.replay}'` }),
        });
        if (result.failure !== undefined)
          reports.push(`race check '${name}':\n${pointAtScenario(result.failure.report)}`);
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const message =
        error instanceof Error
          ? `${typeof code === 'string' ? code : error.name}: ${oneLine(error.message)}`
          : String(error);
      summaries.push({ name, status: 'error', detail: message });
    }
  }
  return { summaries, reports };
}
