/**
 * fray's awaited-aware matchers as node:test assertions: registered with
 * `assert.register()`, they are available on every test context as `t.assert.awaited(mock)`
 * and friends, and usable directly as functions.
 *
 * @module
 */
import { MockAssertionError } from '../errors/index.ts';
import { mockMatchers, type MatcherResult } from '../mock/index.ts';

function check(result: MatcherResult): void {
  if (result.pass) return;
  const details: { actual?: unknown; expected?: unknown } = {};
  if ('actual' in result) details.actual = result.actual;
  if ('expected' in result) details.expected = result.expected;
  throw new MockAssertionError(result.message(), details);
}

const context = {};

/**
 * The assertions, by the name they get on `t.assert`. Each throws a `MockAssertionError`
 * (`FRAY_MOCK_ASSERTION`, with `actual`/`expected` for node:test's diff) when it fails.
 *
 * @example
 * ```ts
 * import { frayAssertions } from 'fray/node-test';
 *
 * frayAssertions.awaitedOnceWith(repo.save, user);
 * ```
 */
export const frayAssertions = {
  /** The async mock was awaited at least once. */
  awaited(mock: unknown): void {
    check(mockMatchers.toHaveBeenAwaited.call(context, mock));
  },
  /** The async mock was awaited exactly `times` times. */
  awaitedTimes(mock: unknown, times: number): void {
    check(mockMatchers.toHaveBeenAwaitedTimes.call(context, mock, times));
  },
  /** Some await of the async mock was with these arguments. */
  awaitedWith(mock: unknown, ...args: unknown[]): void {
    check(mockMatchers.toHaveBeenAwaitedWith.call(context, mock, ...args));
  },
  /** The async mock was awaited exactly once, with these arguments. */
  awaitedOnceWith(mock: unknown, ...args: unknown[]): void {
    check(mockMatchers.toHaveBeenAwaitedOnceWith.call(context, mock, ...args));
  },
  /** The most recent await of the async mock was with these arguments. */
  lastAwaitedWith(mock: unknown, ...args: unknown[]): void {
    check(mockMatchers.toHaveBeenLastAwaitedWith.call(context, mock, ...args));
  },
};

/** The assertion names fray adds to `t.assert`. */
export type FrayAssertionName = keyof typeof frayAssertions;
