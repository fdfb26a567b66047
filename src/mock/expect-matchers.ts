/**
 * Awaited-aware matchers for `expect.extend` in Vitest and Jest. Runner-agnostic: they use
 * the runner's `equals` (so asymmetric matchers work) and `isNot` when present.
 *
 * @module
 */
import { MockUsageError } from '../errors/index.ts';
import { argsMatch, formatArgs } from './equality.ts';
import { mockView, type MockView } from './mock-view.ts';

/** The subset of the Vitest/Jest matcher context fray uses. */
export interface MatcherContext {
  isNot?: boolean;
  equals?: (a: unknown, b: unknown) => boolean;
}

/** What a matcher returns to the runner. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

function viewOf(received: unknown, matcher: string): MockView {
  const view = mockView(received);
  if (view?.kind === 'sync') {
    throw new MockUsageError(
      `${matcher}() needs a fray async mock, but ${view.name} is a sync mock: its calls return plain values, so there are no awaits to count.`,
      'assert its calls (toHaveBeenCalled…), or give it async behaviour (resolves()…) before the code under test calls it, or declare it with { async: [...] }.',
    );
  }
  if (view === undefined || view.kind !== 'async') {
    throw new MockUsageError(
      `${matcher}() needs a fray async mock, got ${typeof received === 'function' ? 'a plain function' : typeof received}.`,
      'create it with asyncMock(), mockObject() or spyOnAsync(); for vi.fn() use toHaveBeenCalled*.',
    );
  }
  return view;
}

function same(context: MatcherContext, expected: readonly unknown[], actual: readonly unknown[]): boolean {
  return context.equals ? context.equals(actual, expected) : argsMatch(expected, actual);
}

function awaitList(view: MockView): string {
  const awaits =
    view.events.length === 0
      ? 'no awaits'
      : view.events.map((args, i) => `  ${i + 1}. ${formatArgs(args)}`).join('\n');
  const floating = view.records.filter((record) => !record.consumed).length;
  return `${view.name} was called ${view.calls.length} time(s) and awaited ${view.events.length} time(s)${
    floating > 0 ? ` (${floating} call(s) never awaited)` : ''
  }:\n${awaits}`;
}

function result(
  context: MatcherContext,
  pass: boolean,
  claim: string,
  view: MockView,
  extra?: { actual: unknown; expected: unknown },
): MatcherResult {
  const not = context.isNot === true ? 'not ' : '';
  return { pass, message: () => `expected ${view.name} ${not}${claim}\n${awaitList(view)}`, ...extra };
}

/**
 * The matchers, ready for `expect.extend(mockMatchers)`.
 *
 * @example
 * ```ts
 * expect.extend(mockMatchers);
 * expect(repo.save).toHaveBeenAwaitedOnceWith(user);
 * ```
 */
export const mockMatchers = {
  /** Awaited at least once. */
  toHaveBeenAwaited(this: MatcherContext, received: unknown): MatcherResult {
    const view = viewOf(received, 'toHaveBeenAwaited');
    return result(this, view.events.length > 0, 'to have been awaited', view);
  },
  /** Awaited exactly `times` times. */
  toHaveBeenAwaitedTimes(this: MatcherContext, received: unknown, times: number): MatcherResult {
    const view = viewOf(received, 'toHaveBeenAwaitedTimes');
    return result(this, view.events.length === times, `to have been awaited ${times} time(s)`, view, {
      actual: view.events.length,
      expected: times,
    });
  },
  /** Some await was with these arguments. */
  toHaveBeenAwaitedWith(this: MatcherContext, received: unknown, ...expected: unknown[]): MatcherResult {
    const view = viewOf(received, 'toHaveBeenAwaitedWith');
    const pass = view.events.some((args) => same(this, expected, args));
    return result(this, pass, `to have been awaited with ${formatArgs(expected)}`, view, {
      actual: view.events,
      expected: [expected],
    });
  },
  /** Awaited exactly once, with these arguments. */
  toHaveBeenAwaitedOnceWith(this: MatcherContext, received: unknown, ...expected: unknown[]): MatcherResult {
    const view = viewOf(received, 'toHaveBeenAwaitedOnceWith');
    const only = view.events[0];
    const pass = view.events.length === 1 && only !== undefined && same(this, expected, only);
    return result(this, pass, `to have been awaited once with ${formatArgs(expected)}`, view, {
      actual: view.events,
      expected: [expected],
    });
  },
  /** The most recent await was with these arguments. */
  toHaveBeenLastAwaitedWith(this: MatcherContext, received: unknown, ...expected: unknown[]): MatcherResult {
    const view = viewOf(received, 'toHaveBeenLastAwaitedWith');
    const last = view.events.at(-1);
    const pass = last !== undefined && same(this, expected, last);
    return result(this, pass, `to have been last awaited with ${formatArgs(expected)}`, view, {
      actual: last,
      expected,
    });
  },
};

/** Type declarations of {@link mockMatchers}, for augmenting a runner's `expect`. */
export interface AwaitedMatchers<R = unknown> {
  /** The async mock was awaited at least once. */
  toHaveBeenAwaited(): R;
  /** The async mock was awaited exactly `times` times. */
  toHaveBeenAwaitedTimes(times: number): R;
  /** Some await of the async mock was with these arguments. */
  toHaveBeenAwaitedWith(...args: unknown[]): R;
  /** The async mock was awaited exactly once, with these arguments. */
  toHaveBeenAwaitedOnceWith(...args: unknown[]): R;
  /** The most recent await of the async mock was with these arguments. */
  toHaveBeenLastAwaitedWith(...args: unknown[]): R;
}
