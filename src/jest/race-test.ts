/**
 * `raceTest()` for Jest: a concurrent test body run under many schedules, each run with
 * fixtures built fresh (see `raceTest`/`runRace` in fray/race). A failing schedule fails the
 * test with the report and the line that replays it. Uses the `test` Jest provides to the test
 * file (its globals, or `@jest/globals`' — the same function).
 *
 * @module
 */
import { RunnerSetupError } from '../errors/index.ts';
import { runRace, type RaceTestOptions } from '../race/index.ts';

/** Options of {@link raceTest}: fray/race's, and the test's own timeout. */
export interface JestRaceTestOptions<F> extends RaceTestOptions<F> {
  /** The test's timeout in ms (it spans every run). Default 120,000. */
  readonly testTimeout?: number;
}

type JestTest = (name: string, fn: () => Promise<unknown>, timeout?: number) => void;

/**
 * Register a race test with Jest.
 *
 * @example
 * ```ts
 * import { raceTest } from 'fray/jest';
 *
 * raceTest('two buyers, one record', async ({ client }) => {
 *   const [a, b] = await Promise.all([client.post('/orders'), client.post('/orders')]);
 *   expect([a.status, b.status].sort()).toEqual([201, 409]);
 * }, { fixtures: async () => ({ client: await inject(buildApp()) }), release: ({ client }) => client.close() });
 * ```
 */
export function raceTest<F>(
  name: string,
  body: (fixtures: F) => unknown,
  options: JestRaceTestOptions<F> = {},
): void {
  const jestTest = (globalThis as { test?: JestTest }).test;
  if (typeof jestTest !== 'function')
    throw new RunnerSetupError(
      "raceTest() from 'fray/jest' needs Jest's test function, and found none.",
      'call it at the top level of a Jest test file (or use fray/vitest or fray/node-test).',
    );
  const { testTimeout = 120_000, ...race } = options;
  jestTest(name, () => runRace(name, body, race), testTimeout);
}
