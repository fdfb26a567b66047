/**
 * Gate quality of compare() with seeded synthetic samples: A/A comparisons from one
 * distribution are rarely called regressions, a real 20% slowdown almost always is — for
 * the histogram bootstrap (single runs) and for paired rounds (A/B tests).
 */
import { describe, expect, test } from 'vitest';
import { lognormalSamples, syntheticLevel, syntheticReport } from '../../test/fixtures/load/synthetic.ts';
import { compare } from './compare.ts';
import { createRandom, type Random } from './random.ts';
import type { LoadReport, RoundSummary } from './report.ts';

const RUNS = 200;

function single(random: Random, samples: number, median: number): LoadReport {
  return syntheticReport([syntheticLevel({ samplesMs: lognormalSamples(random, samples, median) })]);
}

function rates(
  seed: number,
  metric: 'p50' | 'p99' | 'mean',
  samples: number,
): { falsePositive: number; detected: number } {
  console.log(
    `compare ${metric}: seed ${seed}, ${RUNS} A/A and ${RUNS} A/B(+20%) comparisons of ${samples} samples each`,
  );
  const random = createRandom(seed);
  let falsePositive = 0;
  let detected = 0;
  for (let run = 0; run < RUNS; run++) {
    const a = single(random, samples, 10);
    // runToRun 0: these synthetic runs have no between-run variation, only sampling noise.
    const options = { metric, resamples: 2000, runToRun: 0 };
    if (compare(a, single(random, samples, 10), options).verdict === 'regression') falsePositive++;
    if (compare(a, single(random, samples, 12), options).verdict === 'regression') detected++;
  }
  const result = { falsePositive: falsePositive / RUNS, detected: detected / RUNS };
  console.log(
    `compare ${metric}: A/A called regression ${result.falsePositive * 100}%, +20% detected ${result.detected * 100}%`,
  );
  return result;
}

describe('histogram bootstrap (one run per side)', () => {
  test('p50: A/A regressions ≤ 5%, a 20% slowdown found ≥ 95%', () => {
    const { falsePositive, detected } = rates(1001, 'p50', 1000);
    expect(falsePositive).toBeLessThanOrEqual(0.05);
    expect(detected).toBeGreaterThanOrEqual(0.95);
  });

  test('p99 with enough samples: A/A ≤ 5%, 20% slowdown ≥ 95%', () => {
    const { falsePositive, detected } = rates(1002, 'p99', 10_000);
    expect(falsePositive).toBeLessThanOrEqual(0.05);
    expect(detected).toBeGreaterThanOrEqual(0.95);
  });

  test('with no noise threshold the interval alone keeps A/A regressions ≤ 5% (mean)', () => {
    const seed = 1003;
    console.log(`compare mean, noise 0: seed ${seed}`);
    const random = createRandom(seed);
    let falsePositive = 0;
    for (let run = 0; run < RUNS; run++) {
      const verdict = compare(single(random, 1000, 10), single(random, 1000, 10), {
        metric: 'mean',
        noise: 0,
        resamples: 2000,
      }).verdict;
      if (verdict === 'regression') falsePositive++;
    }
    console.log(`compare mean, noise 0: A/A called regression ${(falsePositive / RUNS) * 100}%`);
    expect(falsePositive / RUNS).toBeLessThanOrEqual(0.05);
  });

  test('the result names the ratio, its interval and the method', () => {
    const random = createRandom(5);
    const result = compare(single(random, 2000, 10), single(random, 2000, 15), { seed: 9 });
    expect(result.verdict).toBe('regression');
    expect(result.ratio).toBeCloseTo(1.5, 1);
    expect(result.ci.lower).toBeLessThan(result.ratio);
    expect(result.ci.upper).toBeGreaterThan(result.ratio);
    expect(result).toMatchObject({ metric: 'p50', confidence: 0.95, noise: 0.05, seed: 9 });
    expect(result.levels[0]?.method).toBe('histogram-bootstrap');
    expect(result.summary).toMatch(
      /^c=10: p50 1\.\d{3}× \(95% CI 1\.\d{3}–1\.\d{3}, histogram-bootstrap\) → regression$/,
    );
    expect(compare(single(random, 2000, 15), single(random, 2000, 10)).verdict).toBe('improvement');
  });

  test('the same inputs give the same verdict and interval (seed derived from the reports)', () => {
    const random = createRandom(6);
    const a = single(random, 1000, 10);
    const b = single(random, 1000, 10.5);
    expect(compare(a, b)).toEqual(compare(a, b));
  });

  test('throughput compares timeline intervals; lower is worse', () => {
    const base = syntheticReport([
      syntheticLevel({ samplesMs: [1], intervals: [100, 102, 98, 101, 99, 100, 100, 100] }),
    ]);
    const slower = syntheticReport([
      syntheticLevel({ samplesMs: [1], intervals: [80, 81, 79, 80, 80, 82, 78, 80] }),
    ]);
    expect(compare(base, slower, { metric: 'throughput' }).verdict).toBe('regression');
  });

  test('reports without a common level are a FRAY_LOAD_COMPARE error', () => {
    const random = createRandom(8);
    const a = syntheticReport([
      syntheticLevel({ label: 'c=10', samplesMs: [1, 2] }),
      syntheticLevel({ label: 'c=20', samplesMs: [1, 2] }),
    ]);
    const b = syntheticReport([
      syntheticLevel({ label: 'c=30', samplesMs: lognormalSamples(random, 10, 1) }),
    ]);
    expect(() => compare(a, b)).toThrow(expect.objectContaining({ code: 'FRAY_LOAD_COMPARE' }));
  });
});

describe('paired rounds (A/B tests)', () => {
  function roundsReport(side: 'a' | 'b', values: readonly number[]): LoadReport {
    const level = syntheticLevel({ samplesMs: [1, 2, 3] });
    const rounds: RoundSummary[] = values.map((p50, round) => ({
      round,
      first: side === 'a',
      requests: 100,
      durationMs: 1000,
      throughput: 100,
      latency: { ...level.latency, p50 },
      histogram: level.histogram,
    }));
    return { ...syntheticReport([{ ...level, rounds }]), pairing: { id: 'ab-1', side, seed: 1 } };
  }

  test('A/A ≤ 5% and 20% slowdowns ≥ 95% with round-to-round drift shared by both sides', () => {
    const seed = 2001;
    console.log(`paired rounds: seed ${seed}, ${RUNS} A/A and ${RUNS} A/B(+20%) tests of 10 rounds`);
    const random = createRandom(seed);
    let falsePositive = 0;
    let detected = 0;
    for (let run = 0; run < RUNS; run++) {
      // Each round the machine is faster or slower for both sides (drift ±30%), plus 5% noise per side.
      const drift = Array.from({ length: 10 }, () => 10 * Math.exp(0.3 * random.normal()));
      const noisy = (factor: number): number[] =>
        drift.map((d) => d * factor * Math.exp(0.05 * random.normal()));
      const a = roundsReport('a', noisy(1));
      if (compare(a, roundsReport('b', noisy(1))).verdict === 'regression') falsePositive++;
      const result = compare(a, roundsReport('b', noisy(1.2)));
      if (result.verdict === 'regression') detected++;
      expect(result.levels[0]?.method).toBe('paired-rounds');
    }
    console.log(
      `paired rounds: A/A called regression ${(falsePositive / RUNS) * 100}%, +20% detected ${(detected / RUNS) * 100}%`,
    );
    expect(falsePositive / RUNS).toBeLessThanOrEqual(0.05);
    expect(detected / RUNS).toBeGreaterThanOrEqual(0.95);
  });
});
