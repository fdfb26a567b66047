/**
 * The report of a whole `fray run` — what `report.json` holds and `report.html` shows: the
 * load report, the route checks, each race check with what its exploration covered (or its
 * failing schedule, timeline and replay line), what fray/leaks found, the gate verdicts and
 * the comparison with a baseline. Versioned (`format: 'fray-run-report'`, `version: 1`) so CI
 * scripts can rely on its shape; `asLoadReport()` reads the load report inside it, so
 * `fray compare` and `--baseline` take it as they take a bare load report.
 *
 * @module
 */
import type { LeakSummary } from '../errors/index.ts';
import type {
  ControlGap,
  Coverage,
  Deviation,
  PctBound,
  RaceTimeline,
  RunFailureKind,
} from '../race/index.ts';
import type { Comparison } from './compare.ts';
import type { GateCheck } from './gates.ts';
import type { LoadReport } from './report.ts';
import type { RouteCheckSummary } from './route-check.ts';

/**
 * What a passing exploration may claim, strongest first: every schedule explored
 * (`exhaustive`), a PCT probability bound (`probability-bound`), runs that passed with
 * complete control but no bound (`sampled`), or runs that passed while fray did not control
 * everything (`not-a-proof`, see `gaps`). A failing one is `failure`.
 */
export type RaceClaim = 'exhaustive' | 'probability-bound' | 'sampled' | 'not-a-proof' | 'failure';

/** What one race check's exploration covered: the data behind its one-line summary. */
export interface RaceExploration {
  readonly claim: RaceClaim;
  /** Exploration runs (shrinking and verification excluded). */
  readonly runs: number;
  /** `portfolio`, `random`, `pct(d=2)`, `dfs`. */
  readonly strategy: string;
  readonly seed: number;
  /** Every schedule was explored and fray controlled everything: a pass is a proof. */
  readonly exhaustive: boolean;
  /** What each strategy covered. */
  readonly coverage: readonly Coverage[];
  /** PCT's probability bounds (only with complete control). */
  readonly pct: readonly PctBound[];
  /** What fray did not control — why a pass is not a proof — each with its fix. */
  readonly gaps: readonly ControlGap[];
  /** Remarks: I/O assumed blocked, timers dropped, wrapped methods that were not async. */
  readonly notes: readonly string[];
  /** fray/race's summary, its first line (the gaps are in `gaps`). */
  readonly summary: string;
}

/** A failing schedule: what broke, how it was found, the run drawn as a timeline, the replay. */
export interface RaceCheckFailure {
  /** A failed `check`, a deadlock, a livelock, a timer callback that threw. */
  readonly kind: RunFailureKind;
  /** The error, first lines: `Error: sold 2 copies of a record with 1 in stock`. */
  readonly message: string;
  /** The replay string (`fr1;…` or, with a hold, `fr2;…`). */
  readonly replay: string;
  /** The run (1-based) that first failed, and the strategy that produced it. */
  readonly run: number;
  readonly foundBy: string;
  /** The shrunk schedule: its deviations from first-come order (empty: first-come order fails). */
  readonly schedule: readonly Deviation[];
  /** Deviations of the failing run before shrinking, and the runs shrinking took. */
  readonly originalDeviations: number;
  readonly shrinkRuns: number;
  /** Decisions in the shrunk run. */
  readonly steps: number;
  /** Replaying the string failed again, as it should. */
  readonly reproduced: boolean;
  /** The shrunk run: a lane per task, each operation's steps, deviations, what broke. */
  readonly timeline: RaceTimeline;
  /** fray/race's text report of the failure, as the terminal shows it. */
  readonly report: string;
}

/** The outcome of one race check of a scenario. */
export interface RaceCheckSummary {
  readonly name: string;
  /** `found`: a race marked `expect: 'race'` was found, as it should be (a demonstrated bug). */
  readonly status: 'passed' | 'found' | 'failed' | 'skipped' | 'error';
  /** One line: runs explored, the failure, or why it was skipped. */
  readonly detail: string;
  /** The command that replays a failure (`npx fray replay <scenario> '<string>'`). */
  readonly replay?: string;
  /** What the exploration covered; absent when it did not run (`error`, `skipped`). */
  readonly exploration?: RaceExploration;
  /** The failing schedule, for `found` and `failed` checks that found one. */
  readonly failure?: RaceCheckFailure;
}

/** A leak as reports list it: fray/leaks' summary, identical findings counted once. */
export type ReportedLeak = Pick<LeakSummary, 'check' | 'description' | 'location'> & {
  /** How many identical findings (same check, line and description) this one stands for. Default 1. */
  readonly count?: number;
};

/**
 * The `format` of a run report.
 *
 * @example
 * ```ts
 * if (json.format === RUN_REPORT_FORMAT) console.log(json.verdict);
 * ```
 */
export const RUN_REPORT_FORMAT = 'fray-run-report';

/**
 * The version of the run report's shape this fray writes and reads.
 *
 * @example
 * ```ts
 * if (json.version !== RUN_REPORT_VERSION) throw new Error('report.json of another fray version');
 * ```
 */
export const RUN_REPORT_VERSION = 1;

/** Everything one `fray run` found: `report.json`. */
export interface RunReport {
  readonly format: typeof RUN_REPORT_FORMAT;
  /** Bumped on any change a script reading the previous shape could trip on. */
  readonly version: typeof RUN_REPORT_VERSION;
  /** The scenario's name (its `name`, else the file name). */
  readonly name: string;
  /** The scenario file, as given on the command line. */
  readonly scenario: string;
  /** The command that produced the report. */
  readonly command: string;
  /** `failed` (exit 1): a gate, race check, route check, leak, regression or shutdown failed; `inconclusive` (exit 3). */
  readonly verdict: 'passed' | 'failed' | 'inconclusive';
  readonly exitCode: 0 | 1 | 3;
  /** The load levels: the same object `load()` returns (histograms encoded losslessly). */
  readonly load: LoadReport;
  /** Route checks run before the load (empty when the scenario has none). */
  readonly routes: readonly RouteCheckSummary[];
  /** Race checks (empty when the scenario has none or `--no-races`). */
  readonly races: readonly RaceCheckSummary[];
  /** What fray/leaks found the run left behind; `null` when the scenario turned it off. */
  readonly leaks: readonly ReportedLeak[] | null;
  /** Gate verdicts; `null` without gates. */
  readonly gates: GateCheck | null;
  /** The comparison with the baseline (`baseline` names its file); `null` without one. */
  readonly comparison: (Comparison & { readonly baseline: string }) | null;
  /** Why the app's shutdown failed, if it did; `null` otherwise. */
  readonly shutdownError: string | null;
}
