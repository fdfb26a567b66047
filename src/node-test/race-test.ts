/**
 * `raceTest()` for node:test: a concurrent test body run under many schedules, each run with
 * fixtures built fresh (see `raceTest`/`runRace` in fray/race). A failing schedule fails the
 * test with the report and the line that replays it.
 *
 * @module
 */
import { test } from 'node:test';
import { runRace, type RaceTestOptions } from '../race/index.ts';

/** Options of {@link raceTest}: fray/race's, and the test's own timeout. */
export interface NodeRaceTestOptions<F> extends RaceTestOptions<F> {
  /** The test's timeout in ms (it spans every run). Default 120,000. */
  readonly testTimeout?: number;
}

/**
 * Register a race test with node:test.
 *
 * @example
 * ```ts
 * import { raceTest } from 'fray/node-test';
 *
 * raceTest('two buyers, one record', async ({ client }) => {
 *   const [a, b] = await Promise.all([client.post('/orders'), client.post('/orders')]);
 *   assert.deepEqual([a.status, b.status].sort(), [201, 409]);
 * }, { fixtures: async () => ({ client: await inject(buildApp()) }), release: ({ client }) => client.close() });
 * ```
 */
export function raceTest<F>(
  name: string,
  body: (fixtures: F) => unknown,
  options: NodeRaceTestOptions<F> = {},
): void {
  const { testTimeout = 120_000, ...race } = options;
  void test(name, { timeout: testTimeout }, async () => {
    await runRace(name, body, race);
  });
}
