/**
 * compare() answers `inconclusive` when its data cannot decide: one run per side and a
 * change within run-to-run variation, reports of different scenarios, one side mostly
 * errors. Repeated runs per side carry the between-run variance and decide. Seeded
 * synthetic runs: each run of the same code lands at a random offset (sd 6%), as separate
 * processes do, which a within-run interval cannot see.
 */
import { describe, expect, test } from 'vitest';
import { lognormalSamples, syntheticLevel, syntheticReport } from '../../test/fixtures/load/synthetic.ts';
import { compare } from './compare.ts';
import { createRandom, type Random } from './random.ts';
import type { LoadReport } from './report.ts';

/** One run: 1000 samples around `median`, shifted by this run's own offset. */
function run(random: Random, median: number, name = 'checkout'): LoadReport {
  const offset = Math.exp(0.06 * random.normal());
  return {
    ...syntheticReport([syntheticLevel({ samplesMs: lognormalSamples(random, 1000, median * offset) })]),
    name,
  };
}

describe('one run per side', () => {
  test('A/A with run-to-run offsets: false verdicts ≤ 5% (they were ~50% with the within-run interval alone)', () => {
    const seed = 4101;
    console.log(`compare single runs with run offsets: seed ${seed}`);
    const random = createRandom(seed);
    let wrong = 0;
    let wrongWithoutMargin = 0;
    for (let i = 0; i < 200; i++) {
      const a = run(random, 10);
      const b = run(random, 10);
      if (
        compare(a, b, { resamples: 2000 }).verdict !== 'noise' &&
        compare(a, b, { resamples: 2000 }).verdict !== 'inconclusive'
      )
        wrong++;
      const bare = compare(a, b, { resamples: 2000, runToRun: 0 }).verdict;
      if (bare === 'regression' || bare === 'improvement') wrongWithoutMargin++;
    }
    console.log(
      `single runs A/A: ${wrong / 2}% false verdicts (${wrongWithoutMargin / 2}% without runToRun)`,
    );
    expect(wrong / 200).toBeLessThanOrEqual(0.05);
    expect(wrongWithoutMargin / 200).toBeGreaterThan(0.2);
  });

  test('a 10% change is inconclusive, with the reason and the fix; a 2× change is still called', () => {
    const random = createRandom(4102);
    const level = (median: number): LoadReport => ({
      ...syntheticReport([syntheticLevel({ samplesMs: lognormalSamples(random, 5000, median) })]),
      name: 'checkout',
    });
    const a = level(10);

    const small = compare(a, level(11), { seed: 1 });
    const large = compare(a, level(20), { seed: 1 });

    expect(small.verdict).toBe('inconclusive');
    expect(small.reasons.join('\n')).toMatch(/one run per side cannot tell a change this small/);
    expect(small.reasons.join('\n')).toMatch(/abTest\(\)/);
    expect(large.verdict).toBe('regression');
  });
});

describe('repeated runs per side', () => {
  test('A/A false verdicts ≤ 5% and a 40% slowdown found ≥ 90% from 4 runs a side', () => {
    const seed = 4103;
    console.log(`compare repeated runs: seed ${seed}`);
    const random = createRandom(seed);
    let wrong = 0;
    let found = 0;
    for (let i = 0; i < 200; i++) {
      const a = Array.from({ length: 4 }, () => run(random, 10));
      const same = Array.from({ length: 4 }, () => run(random, 10));
      const slower = Array.from({ length: 4 }, () => run(random, 14));
      const aa = compare(a, same, { resamples: 2000 });
      if (aa.verdict === 'regression' || aa.verdict === 'improvement') wrong++;
      if (compare(a, slower, { resamples: 2000 }).verdict === 'regression') found++;
      expect(aa.levels[0]?.method).toBe('rounds-welch');
    }
    console.log(`repeated runs: A/A ${wrong / 2}% false verdicts, +40% found ${found / 2}%`);
    expect(wrong / 200).toBeLessThanOrEqual(0.05);
    expect(found / 200).toBeGreaterThanOrEqual(0.9);
  });
});

describe('reports that do not measure the same thing', () => {
  test('different scenario names: inconclusive, naming both', () => {
    const random = createRandom(4104);

    const result = compare(run(random, 10, 'checkout'), run(random, 30, 'search'));

    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons.join('\n')).toContain("different scenarios ('checkout' and 'search')");
  });

  test('a baseline of error responses (all 404s): inconclusive, saying which side failed', () => {
    const random = createRandom(4105);
    const samples = lognormalSamples(random, 1000, 2);
    const errors = {
      ...syntheticReport([syntheticLevel({ samplesMs: samples, failures: 1000 })]),
      name: 'checkout',
    };

    const result = compare(errors, run(random, 10));

    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons.join('\n')).toMatch(/the baseline run mostly failed \(100% errors/);
  });
});
