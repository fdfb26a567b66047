/**
 * Real concurrent Vitest tests, each overriding its own token at the top of its body with
 * `using`: none sees another test's override, however the runner interleaves them. With
 * `fray/vitest/setup` each test body runs in an override context of its own; on Node 22
 * (no AsyncContextFrame) three of these four tests failed without it.
 *
 * @module
 */
import 'fray/vitest/setup';
import { describe, expect, test } from 'vitest';
import { override, token, use, type Token } from './index.ts';

const names = ['acme', 'globex', 'initech', 'umbrella'] as const;
const tokens = new Map<string, Token<string>>(
  names.map((name) => [name, token<string>(name, () => 'default')]),
);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const snapshot = (): Record<string, string> =>
  Object.fromEntries([...tokens].map(([name, each]) => [name, use(each)]));

describe.concurrent('concurrent tests overriding at the top of their bodies', () => {
  for (const name of names) {
    test(`${name} sees its own override and no other test's`, async () => {
      // Arrange: the override comes before the body's first await, as users write it.
      using _ = override(tokens.get(name) as Token<string>, 'overridden');
      const expected = Object.fromEntries(
        names.map((each) => [each, each === name ? 'overridden' : 'default']),
      );
      const seen: Record<string, string>[] = [];

      // Act: interleave with the other tests for a few turns.
      for (let i = 0; i < 5; i++) {
        seen.push(snapshot());
        await tick();
      }

      // Assert
      expect(seen).toEqual(Array(5).fill(expected));
    });
  }
});
