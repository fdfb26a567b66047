/**
 * The options of `explore()` and what it returns, with defaults, limits and validation.
 *
 * @module
 */
import { RaceOptionsError, unknownKey } from '../errors/index.ts';
import type { RunFailureKind } from './run-types.ts';
import type { PctBound } from './strategies/pct.ts';
import type { RaceTimeline } from './timeline.ts';
import type { Coverage } from './strategies/strategy.ts';
import type { ControlGap, Deviation, Outcomes, TaskOutcome, TaskSet, UncontrolledWork } from './types.ts';
import type { WrapOptions } from './wrap.ts';

/** What `setup` receives: the run's control over the world it builds. */
export interface RaceControl {
  /**
   * Make `target`'s async calls controlled operations labelled `label.method`: a `pg` pool,
   * a repository, a Redis client, an SDK, or a single async function.
   */
  wrap<T>(target: T, label: string, options?: WrapOptions): T;
  /** Virtual time of this run, in ms since it began (timers advance it; nothing else does). */
  now(): number;
  /** This run's number (1-based; 0 while shrinking or replaying). */
  readonly run: number;
}

/** A member of the portfolio: DFS, random walks, or PCT of depth 1, 2 or 3. */
export type PortfolioMember = 'dfs' | 'random' | 'pct1' | 'pct2' | 'pct3';

/** A strategy: a name, or a name with its parameter. */
export type StrategyOption =
  | 'portfolio'
  | 'random'
  | 'pct'
  | 'dfs'
  | {
      readonly kind: 'portfolio';
      /**
       * The turn order, one member per run, repeated: `['dfs', 'pct2']` gives DFS and PCT(d=2)
       * every other run. 1–1,000 entries. Default: thirteen runs a cycle — DFS three (the first
       * two runs among them), random four, PCT(d=2) three, PCT(d=3) two, PCT(d=1) one. While
       * DFS proves a small tree it also takes every other turn, if it is in the order.
       */
      readonly turns?: readonly PortfolioMember[];
    }
  | { readonly kind: 'random' }
  | { readonly kind: 'pct'; readonly depth?: 1 | 2 | 3 }
  | { readonly kind: 'dfs'; readonly bound?: number };

/** Options of `explore()`. `C` is what `setup` builds, `T` the task set. */
export interface ExploreOptions<C, T extends TaskSet> {
  /** A name for reports, and part of the scenario's fingerprint in replay strings. Default: none. */
  readonly name?: string;
  /**
   * Build a fresh world for one run: create mocks, wrap clients with `ctl.wrap`, reset the
   * database. Called before every run; nothing it does is controlled: its timers are real
   * (a library's connect timeout works as usual), `Date` already reads the run's virtual
   * clock. Default: `() => ({})`.
   */
  readonly setup?: (ctl: RaceControl) => C | Promise<C>;
  /** The logical tasks that race: a record of named async functions, or an array. */
  readonly tasks: (ctx: C) => T;
  /**
   * Throw when an invariant is broken (an `expect`, an assertion, `linearizable(model)`).
   * Receives every task's outcome. Default: every task must fulfil.
   */
  readonly check?: (ctx: C, outcomes: Outcomes<T>) => unknown;
  /** Release what `setup` acquired; runs after every run, even a failing one. Default: none. */
  readonly teardown?: (ctx: C) => unknown;
  /**
   * How schedules are chosen. Default `'portfolio'` (random walks, the first-come schedule
   * third, PCT of depths 3 and 2 and DFS in turns, DFS more often while it proves the tree;
   * `{ kind: 'portfolio', turns }` sets the order, PCT of depth 1 included). `'pct'` is depth 2;
   * `{ kind: 'pct', depth: 1 | 2 | 3 }`. `'dfs'` has no bound; `{ kind: 'dfs', bound }` stops
   * at `bound` deviations.
   */
  readonly strategy?: StrategyOption;
  /** Maximum exploration runs (1–1,000,000). Default 1,000. Stops earlier when DFS exhausts the tree. */
  readonly runs?: number;
  /**
   * Seed of every random choice (0 – 2³²−1). Default: `FRAY_RACE_SEED` from the environment,
   * else random — always reported in the result.
   */
  readonly seed?: number;
  /**
   * Replay this schedule (a string from a failure) instead of exploring: one run, exact, or
   * `FRAY_RACE_REPLAY_DIVERGED` saying where the run left it. Default: none (`FRAY_RACE_REPLAY`
   * from the environment is used when it belongs to this scenario).
   */
  readonly replay?: string;
  /** Real-time limit of one run in ms (1 – 600,000): real work that never finishes. Default 10,000. */
  readonly timeout?: number;
  /** Decisions allowed in one run before it counts as a livelock (10 – 10,000,000). Default 10,000. */
  readonly maxSteps?: number;
  /**
   * Real I/O of a wrapped call still running after this many ms, with nothing controlled
   * pending, is assumed blocked (on a lock another task holds) and fray moves on (0 – 60,000).
   * When no decision is left to take, it is waited for instead, up to `timeout`. Default 500.
   */
  readonly blockedAfter?: number;
  /**
   * What to do when a task creates async work fray does not control (a socket, a file read, a
   * real timer): `'fail'` throws `FRAY_RACE_UNCONTROLLED` (results could not be replayed);
   * `'report'` explores anyway and lists it. Default `'fail'`.
   */
  readonly uncontrolled?: 'fail' | 'report';
  /** Tasks may still be pending when nothing is left to run (otherwise: a deadlock). Default false. */
  readonly allowPending?: boolean;
  /** Shrink a failing schedule (`true`, `false`, or a budget of runs, 0 – 100,000). Default true (500 runs). */
  readonly shrink?: boolean | number;
  /** Do not print the one-line replay on stderr when a failure is found. Default false. */
  readonly quiet?: boolean;
}

/** A failure found by `explore()`. */
export interface RaceFailure {
  /** What went wrong: a failed `check`, a deadlock, a livelock, a timer callback that threw. */
  readonly kind: RunFailureKind;
  /** The error: what `check` threw, or a `FRAY_RACE_DEADLOCK`/`FRAY_RACE_STEP_LIMIT` error. */
  readonly error: unknown;
  /** The one-line replay string: `explore({ …, replay })` or `fray replay <file> '<string>'`. */
  readonly replay: string;
  /** The shrunk schedule: its deviations from first-come order. */
  readonly schedule: readonly Deviation[];
  /** The run (1-based) that first failed. */
  readonly run: number;
  /** The strategy that produced it (`dfs`, `pct(d=2)`, `random`, `replay`). */
  readonly foundBy: string;
  /** Deviations of the failing run before shrinking. */
  readonly originalDeviations: number;
  /** Runs spent shrinking. */
  readonly shrinkRuns: number;
  /** Decisions in the shrunk run. */
  readonly steps: number;
  /** Every task's outcome in the shrunk run. */
  readonly outcomes: readonly TaskOutcome[];
  /** Whether replaying `replay` once more failed again (it should). */
  readonly reproduced: boolean;
  /** The human report: the violated invariant with a diff, deviations, timeline per task, replay. */
  readonly report: string;
  /**
   * The same run as data, for reports that draw it: a lane per task with each operation's
   * start and delivery steps (arguments and results as short strings), the deviations in
   * words, and what broke at which step.
   */
  readonly timeline: RaceTimeline;
}

/** What `explore()` returns. */
export interface ExploreResult {
  /** No run failed. */
  readonly ok: boolean;
  readonly name: string | undefined;
  /** Exploration runs (shrinking and verification excluded). */
  readonly runs: number;
  /**
   * Every schedule was explored (DFS exhausted the tree) and fray controlled everything the
   * tasks did (`gaps` is empty): a pass is a proof for this scenario.
   */
  readonly exhaustive: boolean;
  /**
   * The strategy option used: `portfolio`, `random`, `pct(d=2)`, `dfs`, `dfs(bound=2)`,
   * `portfolio(turns=random,pct2)` (its own turns, repeats as `pct2×3`), `replay`.
   */
  readonly strategy: string;
  readonly seed: number;
  /** What each strategy covered. */
  readonly coverage: readonly Coverage[];
  /** PCT's probability bounds for the PCT runs (empty when none ran). */
  readonly pct: readonly PctBound[];
  /** One paragraph: runs, coverage, the PCT bound, or the failure and its replay line. */
  readonly summary: string;
  /** Remarks: timers dropped, I/O assumed blocked, wrapped methods that were not async. */
  readonly notes: readonly string[];
  /** Uncontrolled async work seen (with `uncontrolled: 'report'`). */
  readonly uncontrolled: readonly UncontrolledWork[];
  /**
   * What fray did not control — each with what to do about it. While this is not empty,
   * `exhaustive` is false and `pct` is empty: a pass covers only what fray controlled.
   */
  readonly gaps: readonly ControlGap[];
  /** The failure, when `ok` is false. */
  readonly failure?: RaceFailure;
}

/** Options with defaults applied. */
export interface NormalizedOptions {
  readonly name: string | undefined;
  readonly runs: number;
  readonly seed: number;
  readonly strategy: StrategyOption;
  readonly replay: string | undefined;
  readonly timeout: number;
  readonly maxSteps: number;
  readonly blockedAfter: number;
  readonly uncontrolled: 'fail' | 'report';
  readonly allowPending: boolean;
  readonly shrinkBudget: number;
  readonly quiet: boolean;
}

function integer(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new RaceOptionsError(
      name,
      `explore({ ${name} }) must be an integer from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got ${JSON.stringify(value) ?? typeof value}.`,
      `pass a ${name} within the limits, or leave it out for the default (${fallback.toLocaleString('en-US')}).`,
    );
  return value;
}

const PORTFOLIO_MEMBERS: ReadonlySet<PortfolioMember> = new Set(['dfs', 'random', 'pct1', 'pct2', 'pct3']);

function strategyOf(value: unknown): StrategyOption {
  if (value === undefined) return 'portfolio';
  if (value === 'portfolio' || value === 'random' || value === 'pct' || value === 'dfs') return value;
  if (typeof value === 'object' && value !== null) {
    const kind = (value as { kind?: unknown }).kind;
    if (kind === 'pct') {
      const depth = (value as { depth?: unknown }).depth;
      if (depth !== undefined && depth !== 1 && depth !== 2 && depth !== 3)
        throw new RaceOptionsError(
          'strategy',
          `PCT depth must be 1, 2 or 3, got ${JSON.stringify(depth)}.`,
          "use { kind: 'pct', depth: 2 }.",
        );
      return value as StrategyOption;
    }
    if (kind === 'dfs') {
      const bound = (value as { bound?: unknown }).bound;
      if (bound !== undefined && (typeof bound !== 'number' || !(bound >= 0) || !Number.isInteger(bound)))
        throw new RaceOptionsError(
          'strategy',
          `the DFS bound must be a whole number of deviations, got ${JSON.stringify(bound)}.`,
          "use { kind: 'dfs', bound: 2 }, or 'dfs' for no bound.",
        );
      return value as StrategyOption;
    }
    if (kind === 'portfolio') {
      const turns = (value as { turns?: unknown }).turns;
      if (
        turns !== undefined &&
        (!Array.isArray(turns) ||
          turns.length === 0 ||
          turns.length > 1000 ||
          !turns.every((turn) => PORTFOLIO_MEMBERS.has(turn as PortfolioMember)))
      )
        throw new RaceOptionsError(
          'strategy',
          `the portfolio's turns must be 1 to 1,000 of 'dfs', 'random', 'pct1', 'pct2' and 'pct3', got ${JSON.stringify(turns) ?? typeof turns}.`,
          "use { kind: 'portfolio', turns: ['dfs', 'random', 'pct2'] }, or 'portfolio' for the default order.",
        );
      return value as StrategyOption;
    }
    if (kind === 'random') return value as StrategyOption;
  }
  throw new RaceOptionsError(
    'strategy',
    `unknown strategy ${JSON.stringify(value) ?? typeof value}.`,
    "use 'portfolio' (default), 'random', 'pct', 'dfs', { kind: 'pct', depth: 1 | 2 | 3 }, { kind: 'dfs', bound } or { kind: 'portfolio', turns }.",
  );
}

/** Every option `explore()` takes. */
const OPTION_NAMES = [
  'name',
  'setup',
  'tasks',
  'check',
  'teardown',
  'strategy',
  'runs',
  'seed',
  'replay',
  'timeout',
  'maxSteps',
  'blockedAfter',
  'uncontrolled',
  'allowPending',
  'shrink',
  'quiet',
];

/** Validate `options` and apply the defaults. */
export function normalizeOptions(
  options: ExploreOptions<unknown, TaskSet>,
  env: Readonly<Record<string, string | undefined>>,
  randomSeed: () => number,
): NormalizedOptions {
  if (typeof options !== 'object' || options === null || typeof options.tasks !== 'function')
    throw new RaceOptionsError(
      'tasks',
      'explore() needs a `tasks` function returning the async functions that race.',
      'explore({ setup: (ctl) => world, tasks: (world) => ({ alice: () => …, bob: () => … }), check: (world, outcomes) => … })',
    );
  for (const key of ['setup', 'check', 'teardown'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'function')
      throw new RaceOptionsError(
        key,
        `explore({ ${key} }) must be a function.`,
        `pass a function, or leave ${key} out.`,
      );
  const unknown = unknownKey(options, OPTION_NAMES);
  if (unknown !== undefined) {
    const { key, closest } = unknown;
    throw new RaceOptionsError(
      key,
      `'${key}' is not an option of explore()${closest === undefined ? '' : ` — did you mean '${closest}'?`} An unknown option is refused rather than ignored: a misspelt check would silently drop the invariant.`,
      `${closest === undefined ? 'remove it' : `rename it to '${closest}'`}; the options are ${OPTION_NAMES.join(', ')}.`,
    );
  }
  const envSeed = env['FRAY_RACE_SEED'];
  const seed =
    options.seed !== undefined
      ? integer('seed', options.seed, 0, 0xffffffff, 0)
      : envSeed !== undefined && /^\d+$/.test(envSeed) && Number(envSeed) <= 0xffffffff
        ? Number(envSeed)
        : randomSeed();
  if (
    options.uncontrolled !== undefined &&
    options.uncontrolled !== 'fail' &&
    options.uncontrolled !== 'report'
  )
    throw new RaceOptionsError(
      'uncontrolled',
      `explore({ uncontrolled }) must be 'fail' or 'report', got ${JSON.stringify(options.uncontrolled)}.`,
      "leave it out ('fail') unless you accept results that may not replay.",
    );
  if (options.replay !== undefined && typeof options.replay !== 'string')
    throw new RaceOptionsError(
      'replay',
      'explore({ replay }) must be the replay string of a failure.',
      "copy it from the failure's replay line.",
    );
  const shrink = options.shrink;
  const shrinkBudget =
    shrink === undefined || shrink === true
      ? 500
      : shrink === false
        ? 0
        : integer('shrink', shrink, 0, 100_000, 500);
  return {
    name: options.name,
    runs: integer('runs', options.runs, 1, 1_000_000, 1000),
    seed,
    strategy: strategyOf(options.strategy),
    replay: options.replay,
    timeout: integer('timeout', options.timeout, 1, 600_000, 10_000),
    maxSteps: integer('maxSteps', options.maxSteps, 10, 10_000_000, 10_000),
    blockedAfter: integer('blockedAfter', options.blockedAfter, 0, 60_000, 500),
    uncontrolled: options.uncontrolled ?? 'fail',
    allowPending: options.allowPending === true,
    shrinkBudget,
    quiet: options.quiet === true,
  };
}

/**
 * Check `explore()` options without running anything: unknown options (a misspelt `check`),
 * values out of range, a missing `tasks`. Throws the `FRAY_RACE_OPTIONS` error `explore()`
 * would. For tools that collect explorations to run later (`fray run`'s `races`).
 *
 * @example
 * ```ts
 * validateExploreOptions({ tasks, chek }); // throws: 'chek' is not an option — did you mean 'check'?
 * ```
 */
export function validateExploreOptions(options: unknown): void {
  normalizeOptions(options as ExploreOptions<unknown, TaskSet>, {}, () => 0);
}
