/**
 * `explore()`: run a scenario under many schedules chosen by a strategy, stop at the first
 * failure, shrink it to the fewest deviations from first-come order, and return a report and
 * a one-line replay string. Or, given `replay`, run exactly one recorded schedule.
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  isFrayError,
  RaceReplayDivergedError,
  RaceTaskFailedError,
  RaceUsageError,
} from '../errors/index.ts';
import { acquireTracker, releaseTracker } from './async-tracker.ts';
import { frames, snapshot } from './frames.ts';
import { count, plural } from './format.ts';
import { realRandom } from './natives.ts';
import {
  normalizeOptions,
  type ExploreOptions,
  type ExploreResult,
  type NormalizedOptions,
  type RaceControl,
  type RaceFailure,
} from './options.ts';
import { fnv1a } from './prng.ts';
import { checkpointsOf, decodeReplay, encodeReplay } from './replay-string.ts';
import { failureReport, failureTitle, type FoundBy } from './report.ts';
import { plainRecord } from './run-record.ts';
import { Run } from './run.ts';
import { AbandonRun, type Chooser, type RunRecord, type RunSpec } from './run-types.ts';
import { shrink } from './shrink.ts';
import { timelineOf, type RaceTimeline } from './timeline.ts';
import { strictChooser } from './strategies/chooser.ts';
import { DfsStrategy } from './strategies/dfs.ts';
import { PctStrategy, type PctBound } from './strategies/pct.ts';
import { PortfolioStrategy } from './strategies/portfolio.ts';
import { RandomStrategy } from './strategies/random.ts';
import type { Strategy } from './strategies/strategy.ts';
import type { ControlGap, TaskSet, UncontrolledWork } from './types.ts';
import { awaitsInstrumented, uninstrumentedModules } from './await-control.ts';
import { acquireGlobals, releaseGlobals } from './virtual-globals.ts';
import { wrap } from './wrap.ts';

const stderrWrite = process.stderr.write.bind(process.stderr);

/** Codes that mean "this exploration cannot be trusted", not "this schedule found a bug". */
const FATAL = new Set([
  'FRAY_RACE_USAGE',
  'FRAY_RACE_OPTIONS',
  'FRAY_RACE_HOOK_FAILED',
  'FRAY_RACE_HOOK_TIMEOUT',
  'FRAY_RACE_REPLAY_INVALID',
  'FRAY_RACE_REPLAY_DIVERGED',
  'FRAY_RACE_NONDETERMINISTIC',
  'FRAY_RACE_UNCONTROLLED',
  'FRAY_RACE_TIMEOUT',
]);

function isFatal(error: unknown): boolean {
  return isFrayError(error) && FATAL.has(error.code);
}

/** fray's own code (`src/` or `dist/`): the folder above this capability. */
const FRAY_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The file that called `explore()`, relative to the working directory, for the replay line.
 * The stack is captured at the call and formatted only when asked: formatting it costs more
 * than a short run, and only a failure or a replay needs it.
 */
function callerFile(): () => string | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, explore);
  let file: string | undefined | null = null;
  return () => {
    if (file === null) file = fileOf(holder.stack ?? '');
    return file;
  };
}

function fileOf(stack: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+?):\d+:\d+\)?$/.exec(line.trim());
    const path = match?.[1];
    if (path === undefined || path.startsWith('node:') || path.includes('/node_modules/')) continue;
    const plain = path.startsWith('file://') ? fileURLToPath(path) : path;
    // fray's own files (the CLI calls explore too), but not its tests and fixtures.
    if (plain.startsWith(`${FRAY_ROOT}${sep}`) && !/\.test\.|[\\/]fixtures[\\/]/.test(plain)) continue;
    const cwd = process.cwd();
    return plain.startsWith(`${cwd}${sep}`) ? plain.slice(cwd.length + 1) : plain;
  }
  return undefined;
}

function defaultCheck(_ctx: unknown, outcomes: unknown): void {
  const list = (Array.isArray(outcomes) ? outcomes : Object.values(outcomes as object)) as {
    task: string;
    status: string;
    reason?: unknown;
  }[];
  const failed = list.filter((o) => o.status === 'rejected').map((o) => ({ task: o.task, reason: o.reason }));
  if (failed.length > 0) throw new RaceTaskFailedError(failed);
}

function makeStrategy(options: NormalizedOptions): Strategy {
  const s = options.strategy;
  const kind = typeof s === 'string' ? s : s.kind;
  switch (kind) {
    case 'random':
      return new RandomStrategy(options.seed);
    case 'pct':
      return new PctStrategy(options.seed, typeof s === 'object' && s.kind === 'pct' ? (s.depth ?? 2) : 2);
    case 'dfs':
      return new DfsStrategy(typeof s === 'object' && s.kind === 'dfs' ? (s.bound ?? Infinity) : Infinity);
    default:
      return new PortfolioStrategy(
        options.seed,
        options.runs,
        Number.POSITIVE_INFINITY,
        typeof s === 'object' && s.kind === 'portfolio' ? s.turns : undefined,
      );
  }
}

function pctBounds(strategy: Strategy): PctBound[] {
  if (strategy instanceof PortfolioStrategy) return strategy.bounds();
  if (strategy instanceof PctStrategy) return strategy.bound().runs > 0 ? [strategy.bound()] : [];
  return [];
}

function isExhaustive(strategy: Strategy): boolean {
  if (strategy instanceof PortfolioStrategy) return strategy.dfs.exhaustive;
  if (strategy instanceof DfsStrategy) return strategy.exhaustive;
  return false;
}

function percent(p: number): string {
  if (p >= 0.1) return `${(p * 100).toFixed(1)}%`;
  if (p >= 0.0001) return `${(p * 100).toFixed(3)}%`;
  return `${p.toExponential(1)}`;
}

/** Distinct schedules DFS explored (other strategies' runs may repeat them). */
function schedulesExplored(strategy: Strategy): number {
  const dfs = strategy.coverage().find((c) => c.name === 'dfs');
  return dfs?.schedules ?? dfs?.runs ?? 0;
}

/** Why a pass is not a proof: one line per gap. */
function gapLines(gaps: readonly ControlGap[]): string {
  return gaps.map((gap) => `\n  - ${gap.what} — ${gap.fix}`).join('');
}

function passSummary(
  strategy: Strategy,
  runs: number,
  options: NormalizedOptions,
  exhaustive: boolean,
  gaps: readonly ControlGap[],
): string {
  if (gaps.length > 0)
    return `passed ${plural(runs, 'run')} (${strategyName(options)}, seed ${options.seed}), but this is not a proof: fray did not control everything the tasks did, so schedules it could not reach were never tried:${gapLines(gaps)}`;
  if (exhaustive) {
    const schedules = schedulesExplored(strategy);
    return `passed: all ${plural(schedules, 'schedule')} explored (exhaustive${schedules === runs ? '' : `; ${plural(runs, 'run')} in all`}).`;
  }
  const parts: string[] = [];
  for (const c of strategy.coverage()) {
    if (c.name === 'dfs') {
      if (
        c.bounded === true &&
        c.exhaustive !== true &&
        (c.completeUpTo ?? -1) >= 0 &&
        strategy instanceof DfsStrategy &&
        strategy.done
      )
        parts.push(
          `dfs explored all ${plural(c.schedules ?? c.runs, 'schedule')} with ≤ ${c.completeUpTo} deviations`,
        );
      else if ((c.completeUpTo ?? -1) >= 0)
        parts.push(
          `dfs covered every schedule with ≤ ${c.completeUpTo} deviation${c.completeUpTo === 1 ? '' : 's'} (${plural(c.runs, 'run')})`,
        );
      else parts.push(`dfs ${plural(c.runs, 'run')}`);
    } else if (c.depth === undefined) parts.push(`${c.name} ${plural(c.runs, 'run')}`);
  }
  for (const b of pctBounds(strategy))
    parts.push(
      `pct(d=${b.depth}) ${plural(b.runs, 'run')}: each hits a given depth-${b.depth} bug with p ≥ 1/(${b.n}${b.depth > 1 ? `·${b.k}${b.depth > 2 ? `^${b.depth - 1}` : ''}` : ''}) = ${percent(b.perRun)}, so one survives them all with p ≤ ${percent(b.missed)}`,
    );
  return `passed ${plural(runs, 'run')} (${strategyName(options)}, seed ${options.seed}): ${parts.join('; ')}.`;
}

function strategyName(options: NormalizedOptions): string {
  const s = options.strategy;
  if (typeof s === 'string') return s === 'pct' ? 'pct(d=2)' : s;
  if (s.kind === 'pct') return `pct(d=${s.depth ?? 2})`;
  if (s.kind === 'dfs') return s.bound === undefined ? 'dfs' : `dfs(bound=${s.bound})`;
  return s.kind;
}

function fingerprintOf(name: string | undefined) {
  return (labels: readonly string[]): string => fnv1a([name ?? '', ...labels].join('\u0001'));
}

/**
 * Explore the interleavings of `tasks` and check each run.
 *
 * @example
 * ```ts
 * import { explore } from 'fray/race';
 * import { asyncMock } from 'fray/mock';
 *
 * const result = await explore({
 *   seed: 42,
 *   setup: () => {
 *     const store = { balance: 100 };
 *     const get = asyncMock(async () => store.balance);
 *     const set = asyncMock(async (v: number) => void (store.balance = v));
 *     return { store, get, set };
 *   },
 *   tasks: ({ get, set }) => ({
 *     alice: async () => set((await get()) - 30),
 *     bob: async () => set((await get()) - 50),
 *   }),
 *   check: ({ store }) => expect(store.balance).toBe(20),
 * });
 * expect(result).toBeRaceFree(); // fails: a lost update, with the report and replay line
 * ```
 */
export async function explore<C = Record<string, never>, T extends TaskSet = TaskSet>(
  options: ExploreOptions<C, T>,
): Promise<ExploreResult> {
  const file = callerFile();
  const restore = snapshot();
  const opts = normalizeOptions(options as ExploreOptions<unknown, TaskSet>, process.env, () =>
    Math.floor(realRandom() * 0x100000000),
  );
  if (frames.getStore() !== undefined)
    throw new RaceUsageError(
      'explore() was called inside a run of another exploration.',
      'call explore() from the test itself, not from a task, setup or check.',
    );
  const fingerprint = fingerprintOf(opts.name);
  let runIndex = 0;
  const spec: RunSpec = {
    setup: (options.setup ?? (() => ({}))) as RunSpec['setup'],
    tasks: options.tasks as RunSpec['tasks'],
    check: (options.check ?? defaultCheck) as RunSpec['check'],
    teardown: options.teardown as RunSpec['teardown'],
    makeControl: (run: { monotonic(): number }): RaceControl => ({
      wrap: (target, label, wrapOptions) => wrap(target, label, wrapOptions),
      now: () => run.monotonic(),
      run: runIndex,
    }),
    timeout: opts.timeout,
    maxSteps: opts.maxSteps,
    blockedAfter: opts.blockedAfter,
    uncontrolled: opts.uncontrolled,
    allowPending: opts.allowPending,
    awaitsControlled: awaitsInstrumented(),
    restore,
    fingerprint,
    fatal: isFatal,
  };
  const execute = (chooser: Chooser, index: number): Promise<RunRecord> => {
    runIndex = index;
    return new Run(index, spec, chooser).execute();
  };
  const notes = new Set<string>();
  const uncontrolled = new Map<string, UncontrolledWork>();
  const gaps = new Map<string, ControlGap>();
  if (!spec.awaitsControlled)
    gaps.set('awaits', {
      kind: 'awaits',
      task: undefined,
      what: "the tasks' awaits were not scheduling points (automatic control is off), so no interleaving between two awaits of one task was tried",
      fix: "add frayRace() from 'fray/race/vite' to the Vitest config's plugins, or run node with --import fray/race/register",
    });
  const skipped = uninstrumentedModules();
  if (spec.awaitsControlled && skipped.length > 0)
    gaps.set('awaits-skipped', {
      kind: 'awaits',
      task: undefined,
      what: `${skipped.length === 1 ? 'a module' : `${skipped.length} modules`} with awaits could not be parsed by automatic control (${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}): their awaits are not scheduling points`,
      fix: 'if they run in the tasks, load them as plain JavaScript (compiled), or exclude nothing that runs in a task',
    });
  const absorb = (record: RunRecord): void => {
    for (const note of record.notes) notes.add(note);
    for (const work of record.uncontrolled) uncontrolled.set(`${work.type} ${work.site}`, work);
    for (const gap of record.gaps) gaps.set(`${gap.kind}\u0000${gap.task ?? ''}\u0000${gap.what}`, gap);
  };
  const exploration: Exploration = { execute, opts, file, absorb, notes, uncontrolled, gaps };

  acquireGlobals();
  acquireTracker();
  try {
    const explicit = opts.replay;
    const fromEnv = explicit === undefined ? process.env['FRAY_RACE_REPLAY'] : undefined;
    const replay = explicit ?? (fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : undefined);
    if (replay !== undefined) {
      let outcome: ExploreResult | undefined;
      try {
        outcome = await replayOnce(replay, explicit !== undefined, exploration);
      } catch (error) {
        if (explicit === undefined && error instanceof RaceReplayDivergedError)
          reportReplayOutcome('diverged');
        throw error;
      }
      if (outcome !== undefined) {
        if (explicit === undefined) reportReplayOutcome(outcome.ok ? 'passed' : 'failed');
        return outcome;
      }
    }

    const strategy = makeStrategy(opts);
    let runs = 0;
    while (runs < opts.runs) {
      const next = strategy.next();
      if (next === undefined) break;
      runs++;
      const record = await execute(next.chooser, runs);
      strategy.observe(record);
      absorb(record);
      if (record.failure !== undefined)
        return await failed(record, { run: runs, by: next.by, runs, strategy }, exploration);
    }
    // A proof (exhaustive) or a probability bound holds only for what fray controlled.
    const complete = gaps.size === 0;
    const exhaustive = complete && isExhaustive(strategy);
    return {
      ok: true,
      name: opts.name,
      runs,
      exhaustive,
      strategy: strategyName(opts),
      seed: opts.seed,
      coverage: strategy.coverage(),
      pct: complete ? pctBounds(strategy) : [],
      summary: passSummary(strategy, runs, opts, exhaustive, [...gaps.values()]),
      notes: [...notes],
      uncontrolled: [...uncontrolled.values()],
      gaps: [...gaps.values()],
    };
  } finally {
    releaseTracker();
    releaseGlobals();
  }
}

/** What one `explore()` call's replay and failure handling share. */
interface Exploration {
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

async function replayOnce(
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
    get file() {
      return file();
    },
    replayed: true,
  };
  return failureResult(record, found, true, 1, 'replay', opts, exploration, []);
}

async function failed(
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
  const encode = (record: RunRecord): string =>
    encodeReplay({
      fingerprint: record.fingerprint,
      steps: record.steps.length,
      hash: record.hash,
      deviations: record.deviations,
      checkpoints: checkpointsOf(record.steps.map((step) => step.id)),
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
            checkpoints: checkpointsOf(record.steps.map((step) => step.id)),
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
    get file() {
      return file();
    },
    replayed: false,
  };
  return failureResult(best, found, reproduced, how.runs, strategyName(opts), opts, exploration, [
    ...how.strategy.coverage(),
  ]);
}

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
  if (!opts.quiet)
    stderrWrite(
      `${title} — ${found.replayed ? 'replayed' : `found on run ${count(found.run)} (seed ${opts.seed})`}. Replay: '${found.replay}'${found.file === undefined ? '' : ` (npx fray replay ${found.file} '${found.replay}')`}\n`,
    );
  const raceFailure: RaceFailure = {
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
    // Drawn when first read: a report and a timeline cost more than a short run, and a caller
    // that only asks `ok` (a search over many seeds) never reads them.
    get report(): string {
      const report = failureReport({ ...plainRecord(record), notes: noteList }, found);
      Object.defineProperty(this, 'report', { value: report, enumerable: true });
      return report;
    },
    get timeline(): RaceTimeline {
      const timeline = timelineOf(record);
      Object.defineProperty(this, 'timeline', { value: timeline, enumerable: true });
      return timeline;
    },
  };
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
function reportReplayOutcome(outcome: 'passed' | 'failed' | 'diverged'): void {
  const path = process.env['FRAY_RACE_REPLAY_OUTCOME'];
  if (path === undefined || path === '') return;
  try {
    appendFileSync(path, `${outcome}\n`);
  } catch {
    // The CLI then reports that no exploration took the string: a clear failure, not a lost one.
  }
}
