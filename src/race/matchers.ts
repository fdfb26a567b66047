/**
 * `expect(result).toBeRaceFree()` for Vitest and Jest: passes when `explore()` found no
 * failure; otherwise prints the whole report and the replay line.
 *
 * @module
 */
import { RaceUsageError } from '../errors/index.ts';
import type { MatcherContext, MatcherResult } from '../mock/index.ts';
import type { ExploreResult } from './options.ts';

/** The matcher declarations, for merging into a runner's `Assertion` type. */
export interface RaceMatchers<R = unknown> {
  /** The exploration found no failing schedule. */
  toBeRaceFree(): R;
}

function isResult(value: unknown): value is ExploreResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean' &&
    typeof (value as { summary?: unknown }).summary === 'string'
  );
}

/**
 * The matchers, ready for `expect.extend(raceMatchers)`.
 *
 * @example
 * ```ts
 * expect.extend(raceMatchers);
 * expect(await explore({ setup, tasks, check })).toBeRaceFree();
 * ```
 */
export const raceMatchers = {
  /** `explore()` found no failing schedule. */
  toBeRaceFree(this: MatcherContext, received: unknown): MatcherResult {
    if (!isResult(received))
      throw new RaceUsageError(
        'toBeRaceFree() needs the result of explore().',
        'expect(await explore({ … })).toBeRaceFree()',
      );
    const pass = received.ok;
    return {
      pass,
      message: () =>
        pass
          ? `expected a failing schedule, but ${received.summary}`
          : (received.failure?.report ?? received.summary),
    };
  },
};
