/**
 * Run a scenario's race checks (`races: { name: exploreOptions }`) through fray/race's
 * `explore()` before the load, and summarize each for the terminal and the report.
 *
 * @module
 */
import type { RaceCheckFailure, RaceCheckSummary, RaceClaim, RaceExploration } from '../load/index.ts';
import type { ExploreOptions, ExploreResult } from '../race/index.ts';

/** Summaries plus the long failure reports to print. */
export interface RaceCheckRun {
  readonly summaries: readonly RaceCheckSummary[];
  /** Full reports of failed checks (the invariant, the interleaving, the replay line). */
  readonly reports: readonly string[];
}

function failureMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim();
}

/**
 * A pass summary: its first line, and the lines after it (what fray did not control)
 * indented — a line that repeats an earlier one (the same gap seen by two tasks) once.
 */
function summaryLines(text: string): string {
  const lines = text.trim().split('\n');
  return lines
    .filter((line, i) => lines.indexOf(line) === i)
    .map((line, i) => (i === 0 ? line : `      ${line.trim()}`))
    .join('\n');
}

/** What a result may claim: the strongest statement its summary makes. */
function claimOf(result: ExploreResult): RaceClaim {
  if (!result.ok) return 'failure';
  if (result.gaps.length > 0) return 'not-a-proof';
  if (result.exhaustive) return 'exhaustive';
  return result.pct.some((bound) => bound.perRun > 0) ? 'probability-bound' : 'sampled';
}

/** The data behind a check's summary line, for report.json and report.html. */
function explorationOf(result: ExploreResult, scenarioFile: string): RaceExploration {
  return {
    claim: claimOf(result),
    runs: result.runs,
    strategy: result.strategy,
    seed: result.seed,
    exhaustive: result.exhaustive,
    coverage: result.coverage,
    pct: result.pct,
    gaps: result.gaps,
    notes: result.notes,
    // The headline; what fray did not control is in `gaps`, one entry each.
    summary: (result.summary.split('\n')[0] ?? '')
      .replace(/npx fray replay \S+ '/g, `npx fray replay ${scenarioFile} '`)
      .replace(/:$/, '.'),
  };
}

function failureOf(result: ExploreResult, report: string): RaceCheckFailure | undefined {
  const failure = result.failure;
  if (failure === undefined) return undefined;
  return {
    kind: failure.kind,
    message: failure.timeline.broke.message,
    replay: failure.replay,
    run: failure.run,
    foundBy: failure.foundBy,
    schedule: failure.schedule,
    originalDeviations: failure.originalDeviations,
    shrinkRuns: failure.shrinkRuns,
    steps: failure.steps,
    reproduced: failure.reproduced,
    timeline: failure.timeline,
    report,
  };
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
  onProgress?: (name: string) => void,
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
    // `expect: 'race'` marks a known race kept to demonstrate it: finding it is the pass.
    const { expect: expectation, ...exploreOptions } = options as ExploreOptions<any, any> & {
      expect?: string;
    };
    const expectRace = expectation === 'race';
    onProgress?.(name);
    try {
      const result = await explore({ name, quiet: true, ...exploreOptions });
      const exploration = explorationOf(result, scenarioFile);
      const failure = failureOf(result, pointAtScenario(result.failure?.report ?? ''));
      const found = failure === undefined ? {} : { failure };
      if (result.ok && expectRace) {
        summaries.push({
          name,
          status: 'failed',
          detail: `expected a race, but none was found: ${summaryLines(result.summary)}`,
          exploration,
        });
      } else if (result.ok)
        summaries.push({ name, status: 'passed', detail: summaryLines(result.summary), exploration });
      else if (expectRace && result.failure !== undefined && result.failure.kind === 'check') {
        summaries.push({
          name,
          status: 'found',
          detail: `${oneLine(failureMessage(result.failure.error))} — found on run ${result.failure.run} by ${result.failure.foundBy}, ${result.failure.schedule.length} deviation(s) from first-come order after shrinking${result.failure.reproduced ? ', replay reproduces it' : ', replay did NOT reproduce it'}`,
          replay: `npx fray replay ${scenarioFile} '${result.failure.replay}'`,
          exploration,
          ...found,
        });
      } else {
        summaries.push({
          name,
          status: 'failed',
          detail: pointAtScenario(oneLine(result.summary)),
          ...(result.failure === undefined
            ? {}
            : { replay: `npx fray replay ${scenarioFile} '${result.failure.replay}'` }),
          exploration,
          ...found,
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
