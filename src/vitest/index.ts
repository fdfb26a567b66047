/**
 * fray/vitest — fray's matchers for Vitest, with their TypeScript declarations.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * import { frayMatchers } from 'fray/vitest';
 *
 * expect.extend(frayMatchers);
 * expect(repo.save).toHaveBeenAwaitedOnceWith(user);
 * ```
 *
 * @module
 */
import type {} from 'vitest';
import { mockMatchers, type AwaitedMatchers } from '../mock/index.ts';

/** Every fray matcher, for `expect.extend(frayMatchers)`. */
export const frayMatchers = { ...mockMatchers };

/** The matcher declarations merged into Vitest's `Assertion`. */
export type FrayMatchers<R = unknown> = AwaitedMatchers<R>;

declare module 'vitest' {
  // Vitest 5 declares `Matchers<R, T>`; the parameter list must repeat it exactly, hence
  // the unused T. R is what each matcher returns (void, or a promise after `.resolves`).
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  interface Matchers<
    R extends void | Promise<void> = void | Promise<void>,
    T = unknown,
  > extends AwaitedMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
