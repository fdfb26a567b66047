// The same race from CommonJS: require('fray/race'), the module's awaits instrumented by
// fray/race/register through Node's module hooks (require goes through them too).
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { explore } = require('fray/race');

test('a clear between has() and get() of a synchronous cache (CommonJS)', async () => {
  const result = await explore({
    seed: 1,
    quiet: true,
    strategy: 'dfs',
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
  });
  assert.equal(result.ok, process.env.FRAY_SAMPLE_EXPECT !== 'found');
});
