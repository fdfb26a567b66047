import { expect, test } from 'vitest';
import { createRandom } from './random.ts';

test('a seed gives the same sequence; another seed another one', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const c = createRandom(43);
  const first = Array.from({ length: 5 }, () => a.next());
  expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
  expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
});

test('the distributions have their textbook moments (seed 7)', () => {
  const random = createRandom(7);
  const n = 40_000;
  const mean = (draw: () => number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += draw();
    return sum / n;
  };
  expect(mean(() => random.next())).toBeCloseTo(0.5, 2);
  expect(mean(() => random.normal())).toBeCloseTo(0, 1);
  expect(mean(() => random.exponential(5))).toBeCloseTo(5, 0);
  expect(mean(() => random.gamma(3))).toBeCloseTo(3, 1);
  expect(mean(() => random.gamma(0.5))).toBeCloseTo(0.5, 1);
  expect(mean(() => random.beta(2, 6))).toBeCloseTo(0.25, 2);
  expect(mean(() => random.int(10))).toBeCloseTo(4.5, 1);
});
