// fray mocks under node:test's mock timers (t.mock.timers): tick() fires the backoff, and the
// mock's nextCall() is the event that says the next attempt was made.
import { test } from 'node:test';
import { asyncMock } from 'fray/mock';

async function withRetry(attempt, delays) {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (delays[i] === undefined) throw error;
      await new Promise((resolve) => globalThis.setTimeout(resolve, delays[i]));
    }
  }
}

test('fake timers: a backoff retry under t.mock.timers', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fetchRates = asyncMock().hold();

  const result = withRetry(() => fetchRates(), [100]);
  (await fetchRates.nextCall()).reject(new Error('ECONNRESET'));
  const second = fetchRates.nextCall();
  // setImmediate is not mocked: it runs once the retry's promise chain has drained and its
  // setTimeout is registered.
  await new Promise((resolve) => globalThis.setImmediate(resolve));
  t.mock.timers.tick(100);
  (await second).resolve(1.08);

  t.assert.equal(await result, 1.08);
  t.assert.awaitedTimes(fetchRates, 2);
});
