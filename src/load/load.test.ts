/**
 * load() with function and client targets: counts, the two models, error isolation,
 * timeouts, dropped arrivals, warm-up, abort, bounds, and the options' errors.
 */
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { load } from './load.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isFrayError(error) ? error.code : `not a fray error: ${String(error)}`;
  }
  return undefined;
}

describe('closed model', () => {
  test('runs exactly the requested count with exactly `concurrency` in flight', async () => {
    // Arrange
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const target = async (): Promise<void> => {
      calls++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      inFlight--;
    };
    // Act
    const report = await load(target, { concurrency: 8, requests: 500, warmup: 0 });
    // Assert
    const [level] = report.levels;
    expect(calls).toBe(500);
    expect(peak).toBe(8);
    expect(level).toMatchObject({
      concurrency: 8,
      label: 'c=8',
      requests: 500,
      successRate: 1,
      errorRate: 0,
      stoppedBy: 'requests',
    });
    expect(level?.latency.p50).toBeGreaterThan(0);
    expect(level?.latency.p999).toBeLessThanOrEqual(level?.latency.max ?? 0);
    expect(report).toMatchObject({
      format: 'fray-load-report',
      version: 1,
      model: 'closed',
      target: { kind: 'function' },
    });
  });

  test('runs the levels one after the other', async () => {
    const report = await load(() => tick(), { concurrency: [1, 4, 16], requests: 100 });
    expect(report.levels.map((level) => [level.label, level.requests])).toEqual([
      ['c=1', 100],
      ['c=4', 100],
      ['c=16', 100],
    ]);
  });

  test('a failing request never fails its neighbours: errors are counted by kind', async () => {
    // Arrange
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    const target = (i: number): unknown => {
      if (i % 5 === 0) throw new TypeError(`sync ${i}`);
      if (i % 5 === 1) return Promise.reject(new QuotaError(`quota ${i}`));
      if (i % 5 === 2) return Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      if (i % 5 === 3) return new Response('try later', { status: 503 });
      return new Response('fine');
    };
    // Act
    const report = await load(target, { concurrency: 4, requests: 1000 });
    // Assert
    const level = report.levels[0];
    expect(level?.requests).toBe(1000);
    expect(level?.errors).toEqual({ TypeError: 200, QuotaError: 200, ECONNRESET: 200, 'status 503': 200 });
    expect(level?.successRate).toBe(0.2);
    expect(level?.errorSamples['TypeError']).toMatch(/^sync \d+$/);
    expect(level?.errorSamples['status 503']).toBe('try later');
  });

  test('a request over its timeout counts as a timeout and the run goes on', async () => {
    // Arrange: request 0 never settles.
    const target = (i: number): Promise<void> => (i === 0 ? new Promise<void>(() => undefined) : tick());
    // Act
    const report = await load(target, { concurrency: 2, requests: 200, timeout: '60ms' });
    // Assert
    expect(report.levels[0]?.errors).toEqual({ timeout: 1 });
    expect(report.levels[0]?.requests).toBe(200);
    expect(report.levels[0]?.latency.max).toBeGreaterThanOrEqual(60);
  });

  test('the request context carries the index and an abort signal fired on timeout', async () => {
    const aborted: number[] = [];
    const target = (i: number, context: { signal: AbortSignal }): Promise<void> =>
      new Promise((resolve) => {
        if (i !== 3) return resolve();
        context.signal.addEventListener('abort', () => {
          aborted.push(i);
          resolve();
        });
      });
    await load(target, { concurrency: 1, requests: 10, timeout: 30, warmup: 0 });
    expect(aborted).toEqual([3]);
  });

  test('warm-up requests are sent but not measured', async () => {
    let calls = 0;
    const report = await load(
      () => {
        calls++;
      },
      { concurrency: 2, requests: 50, warmup: { requests: 30 } },
    );
    expect(calls).toBe(80);
    expect(report.levels[0]?.requests).toBe(50);
    expect(report.settings.warmup).toEqual({ requests: 30, each: true, byDefault: false });
    expect(report.levels[0]?.warmup).toMatchObject({ requests: 30 });
  });

  test('by default the first level is warmed up (1,000 requests or 1 s), later ones are not, and the report says what was discarded', async () => {
    let calls = 0;
    const report = await load(
      async () => {
        calls++;
        await tick();
      },
      { concurrency: [2, 2], requests: 50 },
    );
    expect(calls).toBe(1100);
    expect(report.levels[0]?.warmup).toMatchObject({ requests: 1000 });
    expect(report.levels[1]?.warmup).toBeUndefined();
    expect(report.settings.warmup).toEqual({
      requests: 1000,
      durationMs: 1000,
      each: false,
      byDefault: true,
    });
  });

  test('a run by count is still bounded in time', async () => {
    const report = await load(() => sleep(5), {
      concurrency: 2,
      requests: 100_000_000,
      maxDuration: '150ms',
    });
    expect(report.levels[0]?.stoppedBy).toBe('time-limit');
    expect(report.levels[0]?.requests).toBeLessThan(1000);
  });

  test('a target too cheap to measure in-process is flagged invalid', async () => {
    const report = await load(() => undefined, { concurrency: 16, requests: 20_000 });
    expect(report.valid).toBe(false);
    expect(report.levels[0]?.valid).toBe(false);
    expect(report.levels[0]?.invalidReasons.join('\n')).toMatch(/fray's own bookkeeping took about/);
  });

  test('aborting stops the current level and skips the rest', async () => {
    const controller = new AbortController();
    let calls = 0;
    const report = await load(
      async () => {
        if (++calls === 50) controller.abort();
        await tick();
      },
      { concurrency: [2, 4], requests: 1_000_000, signal: controller.signal, warmup: 0 },
    );
    expect(report.aborted).toBe(true);
    expect(report.valid).toBe(false);
    expect(report.levels).toHaveLength(1);
    expect(report.levels[0]?.stoppedBy).toBe('aborted');
  });
});

describe('open model', () => {
  test('sends the scheduled arrivals and reports corrected and uncorrected latency', async () => {
    const report = await load(() => tick(), { rate: 500, requests: 60 });
    const level = report.levels[0];
    expect(level).toMatchObject({ rate: 500, label: '500/s', requests: 60, arrivals: 60, dropped: 0 });
    expect(level?.uncorrectedLatency).toBeDefined();
    expect(level?.uncorrectedHistogram).toEqual(expect.any(String));
    // Measured from the intended start, a request can only look slower than from its send.
    expect(level?.latency.max).toBeGreaterThanOrEqual(level?.uncorrectedLatency?.max ?? Infinity);
    expect(report.settings).toMatchObject({ arrivals: 'uniform', maxInFlight: 1000 });
  });

  test('arrivals finding maxInFlight requests in flight are dropped and counted', async () => {
    // Arrange: every request holds for a second; 50 arrivals come within ~50 ms.
    const hold = (): Promise<void> => sleep(1000);
    // Act
    const report = await load(hold, { rate: 1000, requests: 50, maxInFlight: 5 });
    // Assert
    const level = report.levels[0];
    expect(level?.arrivals).toBe(50);
    expect(level?.requests).toBe(5);
    expect(level?.dropped).toBe(45);
  });

  test('Poisson arrivals: the seed is kept in the report', async () => {
    const report = await load(() => undefined, { rate: 2000, requests: 40, arrivals: 'poisson', seed: 7 });
    expect(report.seed).toBe(7);
    expect(report.settings.arrivals).toBe('poisson');
    expect(report.levels[0]?.arrivals).toBe(40);
  });
});

describe('client targets', () => {
  test('declarative requests become fetch(path, init) calls, round-robin', async () => {
    // Arrange
    const seen: { path: string; method: string; type: string | null; body: string }[] = [];
    const client = {
      async fetch(input: string | URL, init?: RequestInit): Promise<Response> {
        const headers = new Headers(init?.headers);
        seen.push({
          path: String(input),
          method: init?.method ?? 'GET',
          type: headers.get('content-type'),
          body: typeof init?.body === 'string' ? init.body : '',
        });
        await tick();
        return new Response(null, { status: String(input).startsWith('/missing') ? 404 : 200 });
      },
    };
    // Act
    const report = await load(client, {
      request: [
        { method: 'POST', path: '/users', json: { name: 'Ada' } },
        { path: '/users', query: { page: 2 } },
        { path: '/missing' },
      ],
      concurrency: 1,
      requests: 6,
      headers: { authorization: 'Bearer t' },
    });
    // Assert
    expect(seen.slice(0, 3)).toEqual([
      { path: '/users', method: 'POST', type: 'application/json', body: '{"name":"Ada"}' },
      { path: '/users?page=2', method: 'GET', type: null, body: '' },
      { path: '/missing', method: 'GET', type: null, body: '' },
    ]);
    expect(report.levels[0]?.errors).toEqual({ 'status 404': 2 });
    expect(report.target).toEqual({ kind: 'client' });
  });

  test('request functions receive the client and the index', async () => {
    const client = { fetch: (input: string | URL) => Promise.resolve(new Response(String(input))) };
    const indexes: number[] = [];
    await load(client, {
      request: (c, i) => {
        indexes.push(i);
        return c.fetch(`/items/${i}`);
      },
      concurrency: 1,
      requests: 3,
      warmup: 0,
    });
    expect(indexes).toEqual([0, 1, 2]);
  });

  test('expectStatus decides what succeeds', async () => {
    const client = { fetch: () => Promise.resolve(new Response(null, { status: 404 })) };
    const report = await load(client, {
      request: { path: '/x' },
      expectStatus: [200, 404],
      concurrency: 1,
      requests: 5,
    });
    expect(report.levels[0]?.successRate).toBe(1);
  });
});

describe('bad options are errors with the option and the fix', () => {
  test.each([
    [{ concurrency: 0 }, /concurrency: expected an integer from 1/],
    [{ concurrency: 2, rate: 10 }, /concurrency: cannot be combined with rate/],
    [{ duration: '10 parsecs' }, /duration: '10 parsecs' is not a duration/],
    [{ concurency: 3 }, /concurency: is not an option of load\(\)/],
    [{ rate: [] }, /rate: expected 1 to 100 levels/],
    [{ request: { path: '/' } }, /request: is not used with a function target/],
  ])('%j', async (options, message) => {
    const promise = load(() => undefined, options as never);
    await expect(promise).rejects.toThrow(message);
    expect(await codeOf(load(() => undefined, options as never))).toBe('FRAY_LOAD_OPTIONS');
  });

  test('a client target needs a request', async () => {
    expect(await codeOf(load({ fetch: () => Promise.resolve(new Response()) }, { requests: 1 }))).toBe(
      'FRAY_LOAD_OPTIONS',
    );
  });

  test('something that is not a target', async () => {
    expect(await codeOf(load(42 as never, { requests: 1 }))).toBe('FRAY_LOAD_TARGET');
  });
});
