/**
 * fray's matchers for Jest's `expect`, with their TypeScript declarations for
 * `@jest/globals` (the `expect` package) and for `@types/jest`.
 *
 * @module
 */
import type {} from 'expect';
import { loadMatchers, type LoadMatchers } from '../load/index.ts';
import { mockMatchers, type AwaitedMatchers } from '../mock/index.ts';
import { raceMatchers, type RaceMatchers } from '../race/index.ts';

/**
 * Every fray matcher, for `expect.extend(frayMatchers)` (the fray environment does it).
 *
 * @example
 * ```js
 * import { expect } from '@jest/globals';
 * import { frayMatchers } from 'fray/jest';
 *
 * expect.extend(frayMatchers);
 * expect(repo.save).toHaveBeenAwaitedOnceWith(user);
 * ```
 */
export const frayMatchers = { ...mockMatchers, ...raceMatchers, ...loadMatchers };

/** The matcher declarations merged into Jest's `Matchers`. */
export interface FrayJestMatchers<R = unknown> extends AwaitedMatchers<R>, RaceMatchers<R>, LoadMatchers<R> {}

declare module 'expect' {
  // `expect` declares `Matchers<R, T>`; the parameter list must repeat it exactly.
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  interface Matchers<R extends void | Promise<void>, T = unknown> extends FrayJestMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
