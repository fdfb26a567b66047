import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { formatMs, parseDuration, parseProportion, parseRate, splitComparison } from './units.ts';

describe('parseDuration', () => {
  test.each([
    [250, 250],
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['2.5s', 2500],
    ['1h', 3_600_000],
    ['750us', 0.75],
    [' 3 s ', 3000],
  ])('%j is %d ms', (input, expected) => {
    expect(parseDuration(input, 'duration')).toBe(expected);
  });

  test.each(['10 parsecs', '', 's', '10', '-1s', '1d', '5s extra'])(
    'rejects %j with the option name and a fix',
    (input) => {
      // Act
      let caught: unknown;
      try {
        parseDuration(input, 'duration');
      } catch (error) {
        caught = error;
      }
      // Assert
      expect(isFrayError(caught) && caught.code).toBe('FRAY_LOAD_OPTIONS');
      expect((caught as Error).message).toMatch(/^duration: .*\n {2}Fix: /);
    },
  );

  test('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-5, 'timeout')).toThrow(/timeout: expected a non-negative number/);
    expect(() => parseDuration(Number.NaN, 'timeout')).toThrow(/timeout/);
  });
});

describe('parseRate and parseProportion', () => {
  test('rates in several units', () => {
    expect(parseRate(200, 'rate')).toBe(200);
    expect(parseRate('200/s', 'rate')).toBe(200);
    expect(parseRate('3000/min', 'rate')).toBe(50);
    expect(parseRate('7200/h', 'rate')).toBe(2);
    expect(() => parseRate('fast', 'rate')).toThrow(/rate: 'fast' is not an arrival rate/);
    expect(() => parseRate(0, 'rate')).toThrow(/rate/);
  });

  test('proportions as fractions or percentages', () => {
    expect(parseProportion(0.01, 'errorRate')).toBe(0.01);
    expect(parseProportion('1%', 'errorRate')).toBe(0.01);
    expect(parseProportion('0.5%', 'errorRate')).toBe(0.005);
    expect(() => parseProportion('150%', 'errorRate')).toThrow(/errorRate/);
  });
});

test('splitComparison separates the operator', () => {
  expect(splitComparison('< 50ms')).toEqual({ op: '<', operand: '50ms' });
  expect(splitComparison('>=500/s')).toEqual({ op: '>=', operand: '500/s' });
  expect(splitComparison('50ms')).toEqual({ op: undefined, operand: '50ms' });
});

test('formatMs picks a readable unit', () => {
  expect(formatMs(0.85)).toBe('850 µs');
  expect(formatMs(12.345)).toBe('12.3 ms');
  expect(formatMs(1250)).toBe('1.25 s');
});
