import { expect, test } from 'vitest';
import { LatencyHistogram, rankOfPercentile } from './histogram.ts';
import { createRandom } from './random.ts';

const SEED = 20_240_601;

test('percentiles agree with the sorted samples within HdrHistogram precision (0.1%)', () => {
  // Arrange
  console.log(`seed ${SEED}`);
  const random = createRandom(SEED);
  const histogram = new LatencyHistogram();
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const ms = 5 * Math.exp(random.normal());
    samples.push(Math.max(1, Math.round(ms * 1000)) / 1000);
    histogram.recordMs(ms);
  }
  samples.sort((a, b) => a - b);
  // Act + Assert
  for (const p of [50, 90, 99, 99.9]) {
    const truth = samples[rankOfPercentile(p, samples.length) - 1] as number;
    expect(Math.abs(histogram.percentileMs(p) - truth) / truth).toBeLessThan(0.001);
  }
  expect(histogram.count).toBe(20_000);
});

test('encoding is lossless: every bucket and count survives', () => {
  // Arrange
  const random = createRandom(SEED + 1);
  const histogram = new LatencyHistogram();
  for (let i = 0; i < 5000; i++) histogram.recordMicros(random.exponential(3000));
  histogram.recordMicros(60_000_000); // one minute: auto-resize
  // Act
  const copy = LatencyHistogram.decode(histogram.encode());
  // Assert
  expect(Array.from(copy.distribution().values)).toEqual(Array.from(histogram.distribution().values));
  expect(Array.from(copy.distribution().cumulative)).toEqual(Array.from(histogram.distribution().cumulative));
  expect(copy.summary()).toEqual(histogram.summary());
});

test('rank queries follow the sorted order and clamp', () => {
  const histogram = new LatencyHistogram();
  for (const ms of [3, 1, 2]) histogram.recordMs(ms);
  expect(histogram.rankMs(1)).toBeCloseTo(1, 2);
  expect(histogram.rankMs(2)).toBeCloseTo(2, 2);
  expect(histogram.rankMs(99)).toBeCloseTo(3, 2);
  expect(histogram.summary().max).toBeCloseTo(3, 2);
});

test('a corrupt encoding is a report error', () => {
  expect(() => LatencyHistogram.decode('not-a-histogram')).toThrow(
    expect.objectContaining({ code: 'FRAY_LOAD_REPORT' }),
  );
});
