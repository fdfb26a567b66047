/**
 * The shop suite's setup: every test checked by fray/leaks, and fray's matchers registered.
 *
 * @module
 */
import { expect } from 'vitest';
import 'fray/vitest/setup';
import { raceMatchers, type RaceMatchers } from 'fray/race';

expect.extend(raceMatchers);

declare module 'vitest' {
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  interface Matchers<
    R extends void | Promise<void> = void | Promise<void>,
    T = unknown,
  > extends RaceMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
