import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { lognormalSamples, syntheticLevel, syntheticReport } from '../../test/fixtures/load/synthetic.ts';
import { checkGates } from './gates.ts';
import { loadMatchers, type LoadMatchers } from './matchers.ts';
import { createRandom } from './random.ts';

declare module 'vitest' {
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
  interface Matchers<
    R extends void | Promise<void> = void | Promise<void>,
    T = unknown,
  > extends LoadMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}
expect.extend(loadMatchers);

const SEED = 4242;
const uniform = (count: number, lowMs: number, highMs: number): number[] =>
  Array.from({ length: count }, (_, i) => lowMs + ((highMs - lowMs) * i) / Math.max(1, count - 1));

describe('percentile gates are judged by a confidence bound', () => {
  test('passes when the upper bound is under the limit', () => {
    const report = syntheticReport([syntheticLevel({ samplesMs: uniform(10_000, 1, 40) })]);
    const check = checkGates(report, { p99: '< 50ms' });
    expect(check.pass).toBe(true);
    expect(check.results[0]).toMatchObject({
      gate: 'p99',
      status: 'pass',
      op: '<',
      limit: 50,
      samples: 10_000,
    });
    expect(check.results[0]?.bound).toBeGreaterThan(check.results[0]?.observed ?? Infinity);
    expect(check.results[0]?.message).toMatch(
      /c=10: p99 < 50 ms — observed 39\.\d ms, 95% upper bound 39\.\d ms \(n=10,000\)/,
    );
  });

  test('refuses to pass on too few samples, however good they look', () => {
    const report = syntheticReport([syntheticLevel({ samplesMs: uniform(200, 1, 2) })]);
    const check = checkGates(report, { p99: '< 50ms' });
    expect(check.pass).toBe(false);
    expect(check.results[0]?.status).toBe('inconclusive');
    expect(check.results[0]?.message).toMatch(/200 samples cannot bound p99 at 95%: it needs at least 299/);
    expect(
      checkGates(syntheticReport([syntheticLevel({ samplesMs: uniform(400, 1, 2) })]), { p99: '< 50ms' })
        .pass,
    ).toBe(true);
  });

  test('is inconclusive when the observed value passes but the bound crosses the limit', () => {
    // 1,000 samples: p99 observed at the 990th value; its 95% upper bound lies at about the 995th.
    const samples = [...uniform(989, 1, 10), ...uniform(11, 49.9, 60)];
    const check = checkGates(syntheticReport([syntheticLevel({ samplesMs: samples })]), { p99: 50 });
    expect(check.results[0]?.status).toBe('inconclusive');
    expect(check.results[0]?.observed).toBeLessThanOrEqual(50);
    expect(check.results[0]?.bound).toBeGreaterThan(50);
  });

  test('fails when the observed value breaks the limit', () => {
    const check = checkGates(syntheticReport([syntheticLevel({ samplesMs: uniform(1000, 10, 100) })]), {
      p50: '< 20ms',
    });
    expect(check.results[0]?.status).toBe('fail');
  });

  test(`over many seeded runs, a p99 gate at the true p99 passes at most 5% of the time (seed ${SEED})`, () => {
    // The true p99 of lognormal(median 10, shape 0.5) is 10·e^(0.5·2.3263) = 31.99 ms.
    console.log(`seed ${SEED}`);
    const random = createRandom(SEED);
    let passes = 0;
    for (let run = 0; run < 200; run++) {
      const report = syntheticReport([syntheticLevel({ samplesMs: lognormalSamples(random, 2000, 10) })]);
      if (checkGates(report, { p99: '< 31.99ms' }).pass) passes++;
    }
    console.log(`p99 gate at the true p99: passed ${(passes / 200) * 100}% of 200 runs`);
    expect(passes / 200).toBeLessThanOrEqual(0.05);
  });
});

describe('rate, throughput, count and validity gates', () => {
  test('errorRate: 0 means no failure at all', () => {
    const clean = syntheticReport([syntheticLevel({ samplesMs: uniform(50, 1, 2) })]);
    const dirty = syntheticReport([syntheticLevel({ samplesMs: uniform(50_000, 1, 2), failures: 1 })]);
    expect(checkGates(clean, { errorRate: 0 }).pass).toBe(true);
    expect(checkGates(dirty, { errorRate: 0 }).results[0]?.status).toBe('fail');
  });

  test("errorRate '< 1%' is judged by the Wilson upper bound", () => {
    const few = syntheticReport([syntheticLevel({ samplesMs: uniform(100, 1, 2) })]);
    const many = syntheticReport([syntheticLevel({ samplesMs: uniform(5000, 1, 2), failures: 10 })]);
    expect(checkGates(few, { errorRate: '< 1%' }).results[0]?.status).toBe('inconclusive');
    expect(checkGates(many, { errorRate: '< 1%' }).results[0]?.status).toBe('pass');
    expect(checkGates(many, { successRate: '>= 99%' }).results[0]?.status).toBe('pass');
  });

  test('throughput needs at least five whole intervals and is judged by its lower bound', () => {
    const steady = syntheticReport([
      syntheticLevel({ samplesMs: uniform(600, 1, 2), intervals: [100, 100, 101, 99, 100, 100] }),
    ]);
    const short = syntheticReport([
      syntheticLevel({ samplesMs: uniform(300, 1, 2), intervals: [100, 100, 100] }),
    ]);
    expect(checkGates(steady, { throughput: '>= 900/s' }).results[0]?.status).toBe('pass');
    expect(checkGates(steady, { throughput: '>= 1001/s' }).results[0]?.status).toBe('fail');
    expect(checkGates(short, { throughput: '>= 500/s' }).results[0]?.message).toMatch(/needs at least 5/);
  });

  test('an invalid level fails its gates unless allowInvalid', () => {
    const report = syntheticReport([syntheticLevel({ samplesMs: uniform(1000, 1, 2), valid: false })]);
    const check = checkGates(report, { p50: '< 1s' });
    expect(check.pass).toBe(false);
    expect(check.results[0]?.message).toMatch(/the level is invalid — the generator thread used 99%/);
    expect(checkGates(report, { p50: '< 1s' }, { allowInvalid: true }).pass).toBe(true);
  });

  test('every level is judged', () => {
    const report = syntheticReport([
      syntheticLevel({ label: 'c=10', samplesMs: uniform(1000, 1, 5) }),
      syntheticLevel({ label: 'c=50', samplesMs: uniform(1000, 1, 80) }),
    ]);
    const check = checkGates(report, { p90: '< 50ms' });
    expect(check.results.map((r) => [r.level, r.status])).toEqual([
      ['c=10', 'pass'],
      ['c=50', 'fail'],
    ]);
    expect(checkGates(report, { p90: '< 50ms' }, { level: 0 }).pass).toBe(true);
  });

  test.each([
    [{ p99: 'fast' }, /gate 'p99': cannot read 'fast'/],
    [{ latency: 5 }, /gate 'latency': is not a gate/],
    [{}, /no gate given/],
  ])('bad gates are FRAY_LOAD_GATE errors: %j', (gates, message) => {
    const report = syntheticReport([syntheticLevel({ samplesMs: uniform(10, 1, 2) })]);
    let caught: unknown;
    try {
      checkGates(report, gates);
    } catch (error) {
      caught = error;
    }
    expect(isFrayError(caught) && caught.code).toBe('FRAY_LOAD_GATE');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('toMeet', () => {
  test('passes, and fails with every verdict listed', () => {
    const report = syntheticReport([syntheticLevel({ samplesMs: uniform(5000, 1, 20) })]);
    expect(report).toMeet({ p99: '< 50ms', errorRate: 0 });
    expect(report.levels[0]).toMeet({ p50: '<= 15ms' });
    expect(() => expect(report).toMeet({ p99: '< 5ms', errorRate: 0 })).toThrow(
      /✗ c=10: p99 < 5 ms — observed 19\.\d+ ms\n {2}✓ c=10: errorRate/,
    );
    expect(report).not.toMeet({ p99: '< 5ms' });
  });
});
