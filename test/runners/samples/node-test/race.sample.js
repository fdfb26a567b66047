// fray/race under node:test, as a user runs it. With `--import fray/race/register` every await
// below is a scheduling point and the race is found; without it, a pass must say it is not a proof.
import assert from 'node:assert/strict';
import process from 'node:process';
import { test } from 'node:test';
import { explore } from 'fray/race';

const instrumented = process.env.FRAY_SAMPLE_EXPECT === 'found';

const scenario = {
  seed: 1,
  quiet: true,
  setup: () => ({ cache: new Map([['k', 'v']]) }),
  tasks: ({ cache }) => ({
    reader: async () => {
      if (cache.has('k')) {
        await null;
        return cache.get('k');
      }
      return 'loaded';
    },
    clearer: () => {
      cache.clear();
    },
  }),
  check: (_, outcomes) => assert.notEqual(outcomes.reader.value, undefined),
};

test('a clear between has() and get() of a synchronous cache (ESM)', async () => {
  const result = await explore({ ...scenario, strategy: 'dfs' });
  if (instrumented) {
    assert.equal(result.ok, false);
    assert.match(
      result.failure.report,
      /resume {3}at test\/runners\/samples\/node-test\/race\.sample\.js:17/,
    );
  } else {
    assert.equal(result.ok, true);
    assert.equal(result.exhaustive, false);
    assert.deepEqual(result.pct, []);
    assert.deepEqual(
      result.gaps.map((gap) => gap.kind),
      ['awaits'],
    );
    assert.match(result.summary, /not a proof/);
  }
});
