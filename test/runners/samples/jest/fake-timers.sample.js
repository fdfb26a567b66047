// fray mocks under Jest's modern fake timers (jest.useFakeTimers()): a backoff retry driven
// by the test's clock, and a held call timed out by it.
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import express from 'express';
import { inject } from 'fray/http';
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
    new Promise((_, reject) => globalThis.setTimeout(() => reject(new Error('timed out')), 5000)),
  ]);
  const call = await charge.nextCall();
  const failed = expect(outcome).rejects.toThrow('timed out');

  await jest.advanceTimersByTimeAsync(5000);
  await failed;
  call.resolve('late');

  expect(charge).toHaveBeenAwaitedOnceWith(10);
});

test('fake timers: inject answers an Express app under the default fake timers (nextTick faked too)', async () => {
  const audit = asyncMock();
  const app = express();
  app.get('/slow', (req, res) => {
    void audit(req.path).then(() => globalThis.setTimeout(() => res.json({ ok: true }), 2000));
  });
  await using client = await inject(app);

  const slow = client.get('/slow');
  await jest.advanceTimersByTimeAsync(2000);

  expect((await slow).status).toBe(200);
  expect(audit).toHaveBeenAwaitedOnceWith('/slow');
});
