/**
 * A race test in a few lines: write the concurrent code once, as an ordinary test body, and
 * fray runs it under many schedules — the loom / Shuttle way. `raceTest()` turns a body into
 * `explore()` options (one task, the body; with automatic control every await in it and in
 * the code it calls is a decision, so the branches of its `Promise.all` interleave), builds
 * its fixtures fresh for every run, and `runRace()` fails with the report and the replay line
 * when a schedule breaks it. The runners' integrations build on these: `test.race` in
 * fray/vitest (with fray's fixtures), `raceTest` in fray/node-test and fray/jest.
 *
 * @module
 */
import { RaceFoundError } from '../errors/index.ts';
import { explore } from './explore.ts';
import type { ExploreOptions, ExploreResult, StrategyOption } from './options.ts';
import type { TaskSet } from './types.ts';

/** Options of a race test: how each run's fixtures are built, and the exploration's own. */
export interface RaceTestOptions<F> {
  /**
   * Build what one run's body receives — a client, a database view — fresh for every run (a
   * run must start from the same world). Default: `{}`.
   */
  readonly fixtures?: () => F | Promise<F>;
  /** Release one run's fixtures, after the run, failing or not. Default: nothing. */
  readonly release?: (fixtures: F) => unknown;
  /** Exploration runs (1–1,000,000). Default 200: a test, not a search campaign. */
  readonly runs?: number;
  /** Seed of every random choice. Default: `FRAY_RACE_SEED`, else random — printed on failure. */
  readonly seed?: number;
  /** How schedules are chosen (see `explore()`). Default `'portfolio'`. */
  readonly strategy?: StrategyOption;
  /** Real-time limit of one run in ms. Default 10,000. */
  readonly timeout?: number;
  /** See `explore()`: real I/O assumed blocked after this many ms. Default 500. */
  readonly blockedAfter?: number;
  /** Decisions allowed in one run. Default 10,000. */
  readonly maxSteps?: number;
  /** Do not print the one-line replay on stderr when a schedule fails. Default false. */
  readonly quiet?: boolean;
}

/**
 * The `explore()` options of a race test: the body is the one task, named after the test;
 * `fixtures` is the setup, `release` the teardown. A body that throws (a failed `expect`)
 * fails its schedule.
 *
 * @example
 * ```ts
 * const result = await explore(raceTest('two buyers', async ({ client }) => {
 *   const [a, b] = await Promise.all([client.post('/orders'), client.post('/orders')]);
 *   expect([a.status, b.status].sort()).toEqual([201, 409]);
 * }, { fixtures: async () => ({ client: await inject(app) }), release: ({ client }) => client.close() }));
 * ```
 */
export function raceTest<F>(
  name: string,
  body: (fixtures: F) => unknown,
  options: RaceTestOptions<F> = {},
): ExploreOptions<F, TaskSet> {
  const { fixtures, release, runs, ...explored } = options;
  return {
    ...explored,
    name,
    runs: runs ?? 200,
    setup: () => (fixtures === undefined ? ({} as F) : fixtures()),
    tasks: (world) => ({ [name]: () => body(world) }),
    // The body's own failure is the invariant: reported as it was thrown (an expect's diff).
    check: (_world, outcomes) => {
      const outcome = (outcomes as Record<string, { status: string; reason?: unknown }>)[name];
      if (outcome?.status === 'rejected') throw outcome.reason;
    },
    ...(release === undefined ? {} : { teardown: (world: F) => release(world) }),
  };
}

/**
 * Explore a race test and fail when a schedule breaks it: `FRAY_RACE_FOUND`, whose message is
 * the report (the broken expectation with its diff, the timeline, the replay line). Returns the
 * result of a pass (its summary says what the runs cover).
 *
 * @example
 * ```ts
 * test('two buyers, one record', () => runRace('two buyers, one record', body, { fixtures, release }));
 * ```
 */
export async function runRace<F>(
  name: string,
  body: (fixtures: F) => unknown,
  options: RaceTestOptions<F> = {},
): Promise<ExploreResult> {
  const result = await explore(raceTest(name, body, options));
  if (result.failure !== undefined) throw new RaceFoundError(result.failure.report, result.failure.error);
  return result;
}
