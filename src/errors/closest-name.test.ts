/**
 * closestName / unknownKey: the option a typo meant, and nothing when no option is close.
 */
import { describe, expect, test } from 'vitest';
import { closestName, unknownKey } from './index.ts';

const NAMES = ['baseURL', 'headers', 'cookies', 'timeout', 'overrides', 'lifespan', 'kind'];

describe('closestName', () => {
  test.each([
    ['timout', 'timeout'], // a deletion
    ['timeoutt', 'timeout'], // an insertion
    ['tiemout', 'timeout'], // two letters swapped
    ['baseurl', 'baseURL'], // case only
    ['overides', 'overrides'],
    ['kidn', 'kind'],
  ])('%s → %s', (typo, meant) => {
    expect(closestName(typo, NAMES)).toBe(meant);
  });

  test.each(['colour', 'x', 'retries', 'kindness'])('%s is close to nothing', (name) => {
    expect(closestName(name, NAMES)).toBeUndefined();
  });
});

describe('unknownKey', () => {
  test('the first key that is not an option, with its closest name', () => {
    expect(unknownKey({ headers: {}, timout: 1, colour: 2 }, NAMES)).toEqual({
      key: 'timout',
      closest: 'timeout',
    });
  });

  test('undefined when every key is an option', () => {
    expect(unknownKey({ headers: {}, timeout: 1 }, NAMES)).toBeUndefined();
  });
});
