/**
 * fray's matchers for Jest's `expect`, with their TypeScript declarations for
 * `@jest/globals` (the `expect` package) and for `@types/jest`.
 *
 * @module
 */
import type {} from 'expect';
import { mockMatchers, type AwaitedMatchers } from '../mock/index.ts';

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
export const frayMatchers = { ...mockMatchers };

/** The matcher declarations merged into Jest's `Matchers`. */
export type FrayJestMatchers<R = unknown> = AwaitedMatchers<R>;

declare module 'expect' {
  // `expect` declares `Matchers<R, T>`; the parameter list must repeat it exactly.
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  interface Matchers<R extends void | Promise<void>, T = unknown> extends AwaitedMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
