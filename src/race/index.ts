/**
 * fray/race — find races in async TypeScript by controlling interleavings, and replay them
 * exactly.
 *
 * `explore()` builds a fresh world per run, starts the logical tasks, and holds every
 * controlled operation — fray mocks, `inject` requests, objects passed through `ctl.wrap`,
 * global `fetch`, virtual timers — at two points: when it starts and when its result is
 * delivered. A strategy (first-come, bounded DFS, PCT, random; by default a portfolio of
 * them) picks the order; `check` or `linearizable(model)` judges the result. A failure comes
 * back shrunk to the fewest deviations from first-come order, with a report and a one-line
 * replay string.
 *
 * @example
 * ```ts
 * import { explore, raceMatchers } from 'fray/race';
 *
 * expect.extend(raceMatchers);
 * const result = await explore({
 *   seed: 7,
 *   setup: (ctl) => ({ accounts: new Accounts(ctl.wrap(pool, 'db')) }),
 *   tasks: ({ accounts }) => ({ alice: () => accounts.withdraw(1, 30), bob: () => accounts.withdraw(1, 50) }),
 *   check: async ({ accounts }) => expect(await accounts.balance(1)).toBe(20),
 * });
 * expect(result).toBeRaceFree();
 * ```
 *
 * @module
 */
export { explore } from './explore.ts';
export { raceTest, runRace, type RaceTestOptions } from './race-test.ts';
export { validateExploreOptions } from './options.ts';
export type {
  ExploreOptions,
  ExploreResult,
  PortfolioMember,
  RaceControl,
  RaceFailure,
  StrategyOption,
} from './options.ts';
export type {
  ControlGap,
  Deviation,
  Outcome,
  Outcomes,
  TaskFn,
  TaskOutcome,
  TaskSet,
  UncontrolledWork,
} from './types.ts';
export type { WrapOptions } from './wrap.ts';
export { linearizable, type SequentialModel } from './linearizable.ts';
export { raceMatchers, type RaceMatchers } from './matchers.ts';
export { decodeReplay, encodeReplay, type ReplaySchedule } from './replay-string.ts';
export { pctBound, type PctBound } from './strategies/pct.ts';
export type { Coverage } from './strategies/strategy.ts';
export type { RunFailureKind } from './run-types.ts';
export type {
  RaceTimeline,
  RaceTimelineBreak,
  RaceTimelineDeviation,
  RaceTimelineLane,
  RaceTimelineOp,
} from './timeline.ts';
