/**
 * What `fray run` concludes from everything it found — the verdict and exit code — and the
 * versioned run report it writes as report.json (and embeds in report.html).
 *
 * @module
 */
import {
  RUN_REPORT_FORMAT,
  RUN_REPORT_VERSION,
  type Comparison,
  type GateCheck,
  type LoadReport,
  type RaceCheckSummary,
  type ReportedLeak,
  type RouteCheckSummary,
  type RunReport,
} from '../load/index.ts';

/** Everything one `fray run` found. */
export interface RunFindings {
  readonly name: string;
  readonly scenario: string;
  readonly command: string;
  readonly load: LoadReport;
  readonly routes: readonly RouteCheckSummary[];
  readonly races: readonly RaceCheckSummary[];
  /** `undefined` when the scenario turned leak checks off. */
  readonly leaks: readonly ReportedLeak[] | undefined;
  readonly gates: GateCheck | undefined;
  readonly comparison: Comparison | undefined;
  /** The baseline's file, when there is a comparison. */
  readonly baseline: string | undefined;
  /** What the app's shutdown threw, in one line. */
  readonly shutdownError: string | undefined;
}

/**
 * The verdict: `failed` (exit 1) when a gate, race check, route check, leak, regression or the
 * shutdown failed or the run was interrupted; `inconclusive` (exit 3) when nothing failed but
 * a gate or the comparison could not be decided; else `passed` (exit 0).
 *
 * @example
 * ```ts
 * const { verdict, exitCode } = runVerdict(findings);
 * ```
 */
export function runVerdict(found: RunFindings): Pick<RunReport, 'verdict' | 'exitCode'> {
  const failed =
    found.load.aborted ||
    found.shutdownError !== undefined ||
    (found.gates?.results.some((result) => result.status === 'fail') ?? false) ||
    found.races.some((race) => race.status === 'failed' || race.status === 'error') ||
    found.routes.some((route) => route.status === 'failed') ||
    (found.leaks !== undefined && found.leaks.length > 0) ||
    found.comparison?.verdict === 'regression';
  // Nothing failed, but something could not be decided: a gate without enough samples, a
  // level the busy machine made unjudgeable, a comparison one run per side cannot settle.
  const inconclusive =
    (found.gates?.results.some((result) => result.status === 'inconclusive') ?? false) ||
    found.comparison?.verdict === 'inconclusive';
  if (failed) return { verdict: 'failed', exitCode: 1 };
  return inconclusive ? { verdict: 'inconclusive', exitCode: 3 } : { verdict: 'passed', exitCode: 0 };
}

/**
 * The run report (report.json): absent parts are `null`, so every key is always there.
 *
 * @example
 * ```ts
 * await writeFile('report.json', JSON.stringify(runReportOf(findings), null, 2));
 * ```
 */
export function runReportOf(found: RunFindings): RunReport {
  return {
    format: RUN_REPORT_FORMAT,
    version: RUN_REPORT_VERSION,
    name: found.name,
    scenario: found.scenario,
    command: found.command,
    ...runVerdict(found),
    load: found.load,
    routes: found.routes,
    races: found.races,
    leaks: found.leaks ?? null,
    gates: found.gates ?? null,
    comparison:
      found.comparison === undefined
        ? null
        : { ...found.comparison, baseline: found.baseline ?? 'the baseline' },
    shutdownError: found.shutdownError ?? null,
  };
}
