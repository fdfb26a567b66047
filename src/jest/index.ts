/**
 * fray/jest — fray in Jest: the awaited-aware matchers, and fray/leaks through a test
 * environment.
 *
 * ```js
 * // jest.config.js — the whole set-up
 * export default { testEnvironment: 'fray/jest/environment' };
 * ```
 *
 * The environment registers the matchers and checks every test; `withFrayLeaks()` adds the
 * same to an environment you already use. What differs from Vitest: leaks are added to the
 * test's errors at Jest's `test_done` (after every `afterEach`); late leaks fail the file as
 * an error outside the tests; `test.concurrent` tests are not wrapped (Jest runs them
 * outside the test life cycle events).
 *
 * @example
 * ```js
 * import { expect, test } from '@jest/globals';
 *
 * test('saves once', async () => {
 *   await service.rename('1', 'Ada');
 *   expect(repo.save).toHaveBeenAwaitedOnceWith({ id: '1', name: 'Ada' });
 * });
 * ```
 *
 * @module
 */
export { frayMatchers, type FrayJestMatchers } from './matchers.ts';
export { raceTest, type JestRaceTestOptions } from './race-test.ts';
export {
  withFrayLeaks,
  type JestEnvironmentArguments,
  type JestEnvironmentClass,
  type JestEnvironmentContext,
  type JestEnvironmentLike,
} from './with-fray-leaks.ts';
