/**
 * `explore()`: run a scenario under many schedules chosen by a strategy, stop at the first
 * failure, shrink it to the fewest deviations from first-come order, and return a report and
 * a one-line replay string. Or, given `replay`, run exactly one recorded schedule.
 *
 * @module
 */
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
import { realRandom } from './natives.ts';
import { normalizeOptions, type ExploreOptions, type ExploreResult, type RaceControl } from './options.ts';
import { fnv1a } from './prng.ts';
import { Run } from './run.ts';
import type { Chooser, RunRecord, RunSpec } from './run-types.ts';
import type { ControlGap, TaskSet, UncontrolledWork } from './types.ts';
import { awaitsInstrumented, uninstrumentedModules } from './await-control.ts';
import { acquireGlobals, releaseGlobals } from './virtual-globals.ts';
import { wrap } from './wrap.ts';
import { failed, replayOnce, reportReplayOutcome, type Exploration } from './failure.ts';
import { isExhaustive, makeStrategy, passSummary, pctBounds, strategyName } from './verdict.ts';

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
 * The stack is read when a failure is found or a replay begins (`pin`), not at every call:
 * capturing one frame of a hot caller cost about 3 µs, more than a run of a small program. A
 * failure is found inside the call, where V8's async stack still names the functions awaiting
 * it — the test that awaits `explore()`, or a helper of its that awaits it. Formatted only
 * when asked.
 */
function callerFile(): { readonly pin: () => void; readonly file: () => string | undefined } {
  let holder: { stack?: string } | undefined;
  let file: string | undefined | null = null;
  const pin = (): void => {
    if (holder !== undefined) return;
    holder = {};
    Error.captureStackTrace(holder, pin);
  };
  return {
    pin,
    file: () => {
      pin();
      if (file === null) file = fileOf(holder?.stack ?? '');
      return file;
    },
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
  const caller = callerFile();
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
  const exploration: Exploration = { execute, opts, file: caller.file, absorb, notes, uncontrolled, gaps };

  acquireGlobals();
  acquireTracker();
  try {
    const explicit = opts.replay;
    const fromEnv = explicit === undefined ? process.env['FRAY_RACE_REPLAY'] : undefined;
    const replay = explicit ?? (fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : undefined);
    if (replay !== undefined) {
      caller.pin();
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
      if (record.failure !== undefined) {
        caller.pin();
        return await failed(record, { run: runs, by: next.by, runs, strategy }, exploration);
      }
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
