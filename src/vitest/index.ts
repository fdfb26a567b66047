/**
 * fray/vitest — fray in Vitest: the matchers (with their TypeScript declarations),
 * `installFrayLeaks()` (what `fray/vitest/setup` runs: every test checked by fray/leaks),
 * and `createFrayTest()` (fixtures: an in-process `client`, an isolated `db` view, the
 * worker's `frayDatabase`).
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
import type { LeakCheck, LeakLevel } from '../leaks/index.ts';
import { loadMatchers, type LoadMatchers } from '../load/index.ts';
import { mockMatchers, type AwaitedMatchers } from '../mock/index.ts';
import { raceMatchers, type RaceMatchers } from '../race/index.ts';

export { installFrayLeaks } from './install-leaks.ts';
export { useVitestCallOrder } from './call-order.ts';
export {
  createFrayTest,
  type FrayAppContext,
  type FrayFixtures,
  type FrayOverrides,
  type FrayRaceFixtures,
  type FrayRaceOptions,
  type FrayRaceTest,
  type FrayTest,
  type FrayTestOptions,
} from './fray-test.ts';

/**
 * Every fray matcher, for `expect.extend(frayMatchers)` (`fray/vitest/setup` does it):
 * `toHaveBeenAwaited…` (fray/mock), `toBeRaceFree` (fray/race), `toMeet` (fray/load).
 */
export const frayMatchers = { ...mockMatchers, ...raceMatchers, ...loadMatchers };

/** The matcher declarations merged into Vitest's `Assertion`. */
export interface FrayMatchers<R = unknown> extends AwaitedMatchers<R>, RaceMatchers<R>, LoadMatchers<R> {}

/**
 * fray/leaks options that survive Vitest's config serialisation, for
 * `test.provide: { frayLeaks: … }` (allow rules as strings or objects of strings).
 */
export interface ProvidedLeaksOptions {
  readonly checks?: LeakLevel | Partial<Record<LeakCheck, LeakLevel>>;
  readonly allow?: readonly (
    | string
    | {
        readonly check?: LeakCheck | readonly LeakCheck[];
        readonly site?: string;
        readonly test?: string;
        readonly description?: string;
        readonly reason?: string;
      }
  )[];
  readonly includeUnref?: boolean;
  readonly stackFrames?: number;
  readonly reportFile?: string;
}

declare module 'vitest' {
  /** Read by `fray/vitest/setup` through `inject('frayLeaks')`. */
  interface ProvidedContext {
    frayLeaks?: ProvidedLeaksOptions;
  }

  // Vitest 5 declares `Matchers<R, T>`; the parameter list must repeat it exactly, hence
  // the unused T. R is what each matcher returns (void, or a promise after `.resolves`).
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  interface Matchers<
    R extends void | Promise<void> = void | Promise<void>,
    T = unknown,
  > extends FrayMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
