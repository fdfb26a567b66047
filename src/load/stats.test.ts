import { describe, expect, test } from 'vitest';
import { createRandom } from './random.ts';
import {
  binomialCdf,
  binomialQuantile,
  normalQuantile,
  quantileRankBound,
  regularizedBeta,
  signedRankInterval,
  studentTQuantile,
  wilsonInterval,
} from './stats.ts';

const logFactorial: number[] = [0];
for (let i = 1; i <= 10_000; i++) logFactorial.push((logFactorial[i - 1] as number) + Math.log(i));

/** P(Bin(n, p) <= k) by summing the probability mass in log space. */
function exactBinomialCdf(k: number, n: number, p: number): number {
  let sum = 0;
  for (let i = 0; i <= Math.min(k, n); i++) {
    const logPmf =
      (logFactorial[n] as number) -
      (logFactorial[i] as number) -
      (logFactorial[n - i] as number) +
      i * Math.log(p) +
      (n - i) * Math.log(1 - p);
    sum += Math.exp(logPmf);
  }
  return sum;
}

describe('distribution functions', () => {
  test('normal quantiles match tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  test('Student-t quantiles match tables', () => {
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 4);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.131847, 4);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.962339, 3);
  });

  test('the regularized beta function has its symmetries', () => {
    expect(regularizedBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(regularizedBeta(0.3, 2.5, 4) + regularizedBeta(0.7, 4, 2.5)).toBeCloseTo(1, 10);
  });

  test('the binomial CDF agrees with direct summation', () => {
    for (const [n, p] of [
      [20, 0.3],
      [200, 0.99],
      [1000, 0.5],
    ] as const) {
      for (const k of [0, Math.floor(n * p) - 3, Math.floor(n * p), n - 1]) {
        if (k < 0) continue;
        expect(binomialCdf(k, n, p)).toBeCloseTo(exactBinomialCdf(k, n, p), 9);
      }
    }
  });

  test('binomialQuantile is the smallest k reaching the probability', () => {
    const k = binomialQuantile(0.95, 1000, 0.99);
    expect(binomialCdf(k, 1000, 0.99)).toBeGreaterThanOrEqual(0.95);
    expect(binomialCdf(k - 1, 1000, 0.99)).toBeLessThan(0.95);
  });
});

describe('quantileRankBound', () => {
  test('an upper bound on p99 at 95% needs 299 samples', () => {
    expect(quantileRankBound(298, 0.99, 0.95, 'upper').rank).toBeUndefined();
    expect(quantileRankBound(299, 0.99, 0.95, 'upper')).toEqual({ rank: 299, samplesNeeded: 299 });
  });

  test('bounds cover the quantile at the stated confidence (exact computation)', () => {
    // P(X(u) >= ξ) = P(Bin(n, q) <= u - 1) must be at least the confidence, and minimal.
    for (const [n, q] of [
      [1000, 0.99],
      [5000, 0.5],
      [400, 0.9],
    ] as const) {
      const upper = quantileRankBound(n, q, 0.95, 'upper').rank as number;
      expect(exactBinomialCdf(upper - 1, n, q)).toBeGreaterThanOrEqual(0.95);
      expect(exactBinomialCdf(upper - 2, n, q)).toBeLessThan(0.95);
      const lower = quantileRankBound(n, q, 0.95, 'lower').rank as number;
      expect(1 - exactBinomialCdf(lower - 1, n, q)).toBeGreaterThanOrEqual(0.95);
      expect(1 - exactBinomialCdf(lower, n, q)).toBeLessThan(0.95);
    }
  });
});

test('Wilson interval: zero failures in 1000 bound the rate below 0.4%', () => {
  const interval = wilsonInterval(0, 1000, 0.9);
  expect(interval.lower).toBe(0);
  expect(interval.upper).toBeGreaterThan(0.002);
  expect(interval.upper).toBeLessThan(0.004);
});

describe('signedRankInterval', () => {
  test('for 10 pairs at 95% the interval runs from the 9th to the 47th of the 55 Walsh averages', () => {
    const d = [0.1, -0.3, 0.45, 0.2, 0.05, 0.6, -0.1, 0.3, 0.25, 0.15];
    const walsh: number[] = [];
    for (let i = 0; i < d.length; i++)
      for (let j = i; j < d.length; j++) walsh.push(((d[i] as number) + (d[j] as number)) / 2);
    walsh.sort((a, b) => a - b);
    const interval = signedRankInterval(d, 0.95);
    expect(interval?.lower).toBeCloseTo(walsh[8] as number, 12);
    expect(interval?.upper).toBeCloseTo(walsh[46] as number, 12);
    expect(interval?.estimate).toBeCloseTo(walsh[27] as number, 12);
  });

  test('too few pairs for the confidence asked give no interval', () => {
    expect(signedRankInterval([0.1, 0.2, 0.3, 0.4, 0.5], 0.95)).toBeUndefined();
    expect(signedRankInterval([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 0.95)).toBeDefined();
  });

  test('covers the true center at least 95% of the time, exact and approximate (seed 77)', () => {
    console.log('seed 77');
    const random = createRandom(77);
    for (const n of [10, 150]) {
      let covered = 0;
      for (let run = 0; run < 400; run++) {
        const d = Array.from({ length: n }, () => 0.3 + random.normal() * (random.next() < 0.1 ? 5 : 1));
        const interval = signedRankInterval(d, 0.95);
        if (interval !== undefined && interval.lower <= 0.3 && interval.upper >= 0.3) covered++;
      }
      expect(covered / 400).toBeGreaterThanOrEqual(0.93);
    }
  });
});
