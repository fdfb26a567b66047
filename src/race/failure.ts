/**
 * What `explore()` does once a run failed — shrink it, check strictly that its replay string
 * fails again, and build the result — and what it does with a replay string it is given.
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import { RaceReplayDivergedError } from '../errors/index.ts';
import { count, plural } from './format.ts';
import type { ExploreResult, NormalizedOptions, RaceFailure } from './options.ts';
import { checkpointsOf, decodeReplay, encodeReplay } from './replay-string.ts';
import { failureReport, failureTitle, type FoundBy } from './report.ts';
import { plainRecord } from './run-record.ts';
import { AbandonRun, type Chooser, type RunRecord } from './run-types.ts';
import { shrink } from './shrink.ts';
import { timelineOf, type RaceTimeline } from './timeline.ts';
import { strictChooser } from './strategies/chooser.ts';
import type { Strategy } from './strategies/strategy.ts';
import type { ControlGap, UncontrolledWork } from './types.ts';
import { gapLines, strategyName } from './verdict.ts';

const stderrWrite = process.stderr.write.bind(process.stderr);

/** What one `explore()` call's replay and failure handling share. */
export interface Exploration {
  /** Execute one run with a chooser (index 0: shrinking and verification). */
  readonly execute: (chooser: Chooser, index: number) => Promise<RunRecord>;
  readonly opts: NormalizedOptions;
  /** The file that called `explore()`, for the replay line (formatted when first asked). */
  readonly file: () => string | undefined;
  /** Collect a run's notes and uncontrolled work. */
  readonly absorb: (record: RunRecord) => void;
  readonly notes: Set<string>;
  readonly uncontrolled: Map<string, UncontrolledWork>;
  readonly gaps: Map<string, ControlGap>;
}

/**
 * Run one recorded schedule (`replay`). `undefined` when the string came from
 * `FRAY_RACE_REPLAY` and belongs to another scenario of the file: that exploration runs as usual.
 */
export async function replayOnce(
  replay: string,
  explicit: boolean,
  exploration: Exploration,
): Promise<ExploreResult | undefined> {
  const { execute, opts, file, absorb, notes, uncontrolled, gaps } = exploration;
  const schedule = decodeReplay(replay);
  const strict = strictChooser(
    schedule.deviations,
    (step, what, expected, actual) => new RaceReplayDivergedError(step, what, expected, actual),
    {
      steps: schedule.steps,
      hash: schedule.hash,
      ...(schedule.checkpoints === undefined ? {} : { checkpoints: schedule.checkpoints }),
    },
  );
  let checked = false;
  const chooser: Chooser = {
    choose(enabled, context) {
      if (!checked) {
        checked = true;
        if (context.fingerprint !== schedule.fingerprint) {
          if (!explicit) throw new AbandonRun('replay belongs to another scenario');
          throw new RaceReplayDivergedError(
            0,
            'the replay string belongs to another scenario (different name or task labels)',
            `scenario ${schedule.fingerprint}`,
            [`scenario ${context.fingerprint}: ${context.tasks.map((t) => t.label).join(', ')}`],
          );
        }
      }
      return strict.choose(enabled, context);
    },
    end: (record) => strict.end?.(record),
  };
  let record: RunRecord;
  try {
    record = await execute(chooser, 0);
  } catch (error) {
    if (error instanceof AbandonRun) return undefined;
    throw error;
  }
  absorb(record);
  if (record.failure === undefined)
    return {
      ok: true,
      name: opts.name,
      runs: 1,
      exhaustive: false,
      strategy: 'replay',
      seed: opts.seed,
      coverage: [{ name: 'replay', runs: 1 }],
      pct: [],
      summary: `passed: the replayed schedule (${plural(record.steps.length, 'step')}) ran exactly as recorded and every check held.${gaps.size > 0 ? ` Fray did not control everything the tasks did:${gapLines([...gaps.values()])}` : ''}`,
      notes: [...notes],
      uncontrolled: [...uncontrolled.values()],
      gaps: [...gaps.values()],
    };
  const found: FoundBy = {
    name: opts.name,
    run: 1,
    runs: 1,
    by: 'replay',
    strategy: 'replay',
    seed: undefined,
    originalDeviations: record.deviations.length,
    shrinkRuns: 0,
    replay,
    file,
    replayed: true,
  };
  return failureResult(record, found, true, 1, 'replay', opts, exploration, []);
}

/** A run failed: shrink it, verify its replay string strictly, and build the result. */
export async function failed(
  first: RunRecord,
  how: { run: number; by: string; runs: number; strategy: Strategy },
  exploration: Exploration,
): Promise<ExploreResult> {
  const { execute, opts, file, absorb, notes } = exploration;
  let best = first;
  let shrinkRuns = 0;
  if (opts.shrinkBudget > 0 && first.deviations.length > 0) {
    const shrunk = await shrink(first, (chooser) => execute(chooser, 0), opts.shrinkBudget);
    best = shrunk.record;
    shrinkRuns = shrunk.runs;
  }
  // The replay string must reproduce: verify it once, strictly, before handing it out.
  const checkpointsMemo = new Map<RunRecord, string>();
  const checkpoints = (record: RunRecord): string => {
    let digits = checkpointsMemo.get(record);
    if (digits === undefined) {
      digits = checkpointsOf(record.steps.map((step) => step.id));
      checkpointsMemo.set(record, digits);
    }
    return digits;
  };
  const encode = (record: RunRecord): string =>
    encodeReplay({
      fingerprint: record.fingerprint,
      steps: record.steps.length,
      hash: record.hash,
      deviations: record.deviations,
      checkpoints: checkpoints(record),
    });
  const verify = async (record: RunRecord): Promise<boolean> => {
    try {
      const again = await execute(
        strictChooser(
          record.deviations,
          (step, what, e, a) => new RaceReplayDivergedError(step, what, e, a),
          {
            steps: record.steps.length,
            hash: record.hash,
            checkpoints: checkpoints(record),
          },
        ),
        0,
      );
      absorb(again);
      return again.failure !== undefined;
    } catch (error) {
      if (error instanceof RaceReplayDivergedError) return false;
      throw error;
    }
  };
  let reproduced = await verify(best);
  if (!reproduced && best !== first) {
    best = first;
    reproduced = await verify(first);
  }
  if (!reproduced)
    notes.add(
      'replaying the failing schedule did not fail again: the failure depends on something fray does not control (see uncontrolled work and notes).',
    );
  const replay = encode(best);
  const found: FoundBy = {
    name: opts.name,
    run: how.run,
    runs: how.runs,
    by: how.by,
    strategy: strategyName(opts),
    seed: opts.seed,
    originalDeviations: first.deviations.length,
    shrinkRuns,
    replay,
    file,
    replayed: false,
  };
  return failureResult(best, found, reproduced, how.runs, strategyName(opts), opts, exploration, [
    ...how.strategy.coverage(),
  ]);
}

/** What a failure's report and timeline are drawn from, kept on it under a symbol. */
interface DrawnFrom {
  readonly record: RunRecord;
  readonly found: FoundBy;
  readonly notes: readonly string[];
}

const DRAWN_FROM = Symbol('fray.race.drawnFrom');

type Lazy = RaceFailure & { readonly [DRAWN_FROM]: DrawnFrom };

/**
 * The failure's `report` and `timeline`: enumerable accessors that replace themselves with
 * the value on first read (so JSON and `Object.keys` show them as plain fields). The getters
 * are shared, not written in an object literal: a literal's getters are new closures per
 * failure, and every one held its whole exploration through a young-generation collection
 * (a search over many seeds spent a quarter of its time collecting garbage).
 */
const LAZY_FIELDS: PropertyDescriptorMap = {
  report: {
    enumerable: true,
    configurable: true,
    get(this: Lazy): string {
      const { record, found, notes } = this[DRAWN_FROM];
      const report = failureReport({ ...plainRecord(record), notes }, found);
      Object.defineProperty(this, 'report', { value: report, enumerable: true });
      return report;
    },
  },
  timeline: {
    enumerable: true,
    configurable: true,
    get(this: Lazy): RaceTimeline {
      const timeline = timelineOf(this[DRAWN_FROM].record);
      Object.defineProperty(this, 'timeline', { value: timeline, enumerable: true });
      return timeline;
    },
  },
};

function failureResult(
  record: RunRecord,
  found: FoundBy,
  reproduced: boolean,
  runs: number,
  strategy: string,
  opts: NormalizedOptions,
  exploration: Pick<Exploration, 'notes' | 'uncontrolled' | 'gaps'>,
  coverage: ExploreResult['coverage'],
): ExploreResult {
  const { notes, uncontrolled, gaps } = exploration;
  const failure = record.failure;
  if (failure === undefined) throw new Error('fray/race: failureResult without a failure');
  const title = failureTitle(failure.kind, found.name);
  const noteList = [...notes];
  if (!opts.quiet) {
    const file = found.file();
    stderrWrite(
      `${title} — ${found.replayed ? 'replayed' : `found on run ${count(found.run)} (seed ${opts.seed})`}. Replay: '${found.replay}'${file === undefined ? '' : ` (npx fray replay ${file} '${found.replay}')`}\n`,
    );
  }
  // Drawn when first read: a report and a timeline cost more than a short run, and a caller
  // that only asks `ok` (a search over many seeds) never reads them.
  const raceFailure = Object.defineProperties(
    {
      kind: failure.kind,
      error: failure.error,
      replay: found.replay,
      schedule: record.deviations,
      run: found.run,
      foundBy: found.by,
      originalDeviations: found.originalDeviations,
      shrinkRuns: found.shrinkRuns,
      steps: record.steps.length,
      outcomes: record.outcomes,
      reproduced,
    },
    {
      [DRAWN_FROM]: { value: { record, found, notes: noteList } satisfies DrawnFrom },
      ...LAZY_FIELDS,
    },
  ) as RaceFailure;
  return {
    ok: false,
    name: opts.name,
    runs,
    exhaustive: false,
    strategy,
    seed: opts.seed,
    coverage,
    pct: [],
    summary: `${title} after ${plural(runs, 'run')} (seed ${opts.seed}). Replay: '${found.replay}'`,
    notes: [...notes],
    uncontrolled: [...uncontrolled.values()],
    gaps: [...gaps.values()],
    failure: raceFailure,
  };
}

/**
 * `fray replay <test file>` asks, through `FRAY_RACE_REPLAY_OUTCOME` (a file path), what
 * became of the replay string it set in `FRAY_RACE_REPLAY`: each exploration that took the
 * string appends one line, so the CLI can tell a replay that passed, failed or left its
 * schedule from one that no exploration in the file belonged to.
 */
export function reportReplayOutcome(outcome: 'passed' | 'failed' | 'diverged'): void {
  const path = process.env['FRAY_RACE_REPLAY_OUTCOME'];
  if (path === undefined || path === '') return;
  try {
    appendFileSync(path, `${outcome}\n`);
  } catch {
    // The CLI then reports that no exploration took the string: a clear failure, not a lost one.
  }
}
