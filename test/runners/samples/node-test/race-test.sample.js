// raceTest from fray/node-test: the same cache race written as a test body. With
// `--import fray/race/register` the race is found and the test fails with the report.
import assert from 'node:assert/strict';
import { raceTest } from 'fray/node-test';

raceTest(
  'raceTest: a clear between has() and get() of a synchronous cache',
  async ({ cache }) => {
    const [value] = await Promise.all([
      (async () => {
        if (cache.has('k')) {
          await null;
          return cache.get('k');
        }
        return 'loaded';
      })(),
      (async () => {
        cache.clear();
      })(),
    ]);
    assert.notEqual(value, undefined);
  },
  { fixtures: () => ({ cache: new Map([['k', 'v']]) }), seed: 1, strategy: 'dfs', quiet: true },
);
