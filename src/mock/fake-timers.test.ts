/**
 * Virtual time outside `explore()`: fray's mocks and `inject` under the runner's own fake
 * timers (`vi.useFakeTimers()`; Jest's modern timers are the same @sinonjs/fake-timers,
 * run in test/runners/samples/jest/fake-timers.sample.js). fray's mocks use no timers, and
 * fray/http captured the real ones at load, so a faked clock moves only the code under test.
 */
import express from 'express';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { inject } from '../http/index.ts';
import { asyncMock } from './index.ts';

/** Code under test: retry with exponential backoff (100 ms, then 200 ms). */
async function withRetry<T>(attempt: () => Promise<T>, delays: readonly number[]): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = delays[i];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Code under test: give up after `ms`. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('fray mocks under vi.useFakeTimers()', () => {
  test('a backoff retry: each advance of the clock lets exactly one more attempt run', async () => {
    const fetchRates = asyncMock<() => Promise<number>>().sequence([
      new Error('ECONNRESET'),
      new Error('503'),
      1.08,
    ]);

    const result = withRetry(() => fetchRates(), [100, 200]);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchRates.callCount).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(fetchRates.callCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchRates.callCount).toBe(2);
    await vi.advanceTimersByTimeAsync(200);

    await expect(result).resolves.toBe(1.08);
    expect(fetchRates.awaitCount).toBe(3);
  });

  test('a timeout over a held call: the clock decides, the late answer is still tracked', async () => {
    const charge = asyncMock<(amount: number) => Promise<string>>().hold();

    const outcome = withTimeout(charge(10), 5_000);
    const call = await charge.nextCall();
    const failed = expect(outcome).rejects.toThrow('timed out after 5000 ms');
    await vi.advanceTimersByTimeAsync(5_000);
    await failed;
    call.resolve('ch_1');

    charge.assertAwaitedOnceWith(10); // Promise.race consumed it
    expect(charge.records[0]?.result).toEqual({ status: 'fulfilled', value: 'ch_1' });
    expect(vi.getTimerCount()).toBe(0); // withTimeout cleared its timer
  });

  test('an implementation that sleeps runs on the fake clock', async () => {
    const slow = asyncMock(async (id: string) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return id;
    });

    const pending = slow('a');
    await vi.advanceTimersByTimeAsync(999);
    expect(slow.records[0]?.result.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);

    await expect(pending).resolves.toBe('a');
  });

  test('hold()/nextCall() and the assertions need no clock at all', async () => {
    const save = asyncMock<(id: string) => Promise<void>>().hold();

    const saving = save('1');
    (await save.nextCall()).resolve();
    await saving;

    save.assertAwaitedOnceWith('1');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('inject under vi.useFakeTimers()', () => {
  test('Express: requests are answered without advancing the clock; the app’s own timers are fake', async () => {
    const audit = asyncMock<(path: string) => Promise<void>>();
    const app = express();
    app.get('/slow', (req, res) => {
      void audit(req.path).then(() => setTimeout(() => res.json({ ok: true }), 2_000));
    });
    app.get('/fast', (_req, res) => {
      res.json({ ok: true });
    });
    await using client = await inject(app);

    const fast = await client.get('/fast');
    const slow = client.get('/slow');
    await vi.advanceTimersByTimeAsync(2_000);

    expect(fast.status).toBe(200);
    expect((await slow).status).toBe(200);
    audit.assertAwaitedOnceWith('/slow');
  });

  test('Fastify: start-up and requests under the default fake timers; a handler’s sleep waits for the clock', async () => {
    const lookup = asyncMock<(id: string) => Promise<{ id: string }>>().implement(async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { id };
    });
    const app = Fastify();
    app.get<{ Params: { id: string } }>('/users/:id', (request) => lookup(request.params.id));
    await using client = await inject(app);

    const response = client.get('/users/7');
    await vi.advanceTimersByTimeAsync(300);

    expect(await (await response).json()).toEqual({ id: '7' });
    lookup.assertAwaitedOnceWith('7');
  });
});
