// fray mocks under Jest's modern fake timers (jest.useFakeTimers()): a backoff retry driven
// by the test's clock, and a held call timed out by it.
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { asyncMock } from 'fray/mock';

async function withRetry(attempt, delays) {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (delays[i] === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delays[i]));
    }
  }
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

test('fake timers: a backoff retry advances one attempt per delay', async () => {
  const fetchRates = asyncMock().sequence([new Error('ECONNRESET'), new Error('503'), 1.08]);

  const result = withRetry(() => fetchRates(), [100, 200]);
  await jest.advanceTimersByTimeAsync(0);
  expect(fetchRates).toHaveBeenCalledTimes(1);
  await jest.advanceTimersByTimeAsync(100);
  expect(fetchRates).toHaveBeenCalledTimes(2);
  await jest.advanceTimersByTimeAsync(200);

  await expect(result).resolves.toBe(1.08);
  expect(fetchRates).toHaveBeenAwaitedTimes(3);
});

test('fake timers: a held call loses the race against the clock', async () => {
  const charge = asyncMock().hold();
  const outcome = Promise.race([
    charge(10),
    new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 5000)),
  ]);
  const call = await charge.nextCall();
  const failed = expect(outcome).rejects.toThrow('timed out');

  await jest.advanceTimersByTimeAsync(5000);
  await failed;
  call.resolve('late');

  expect(charge).toHaveBeenAwaitedOnceWith(10);
});
