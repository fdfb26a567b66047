/**
 * fray/db's own background work runs in the context the test database was created in, so
 * AsyncLocalStorage-based attribution (fray/leaks) never charges a test with it.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { expect, test } from 'vitest';
import { Background } from './background.ts';

test('work started from inside a test runs in the creation context, timers and promises included', async () => {
  // Arrange
  const scope = new AsyncLocalStorage<string>();
  const background = scope.run('worker', () => new Background());
  // Act
  const seen = await scope.run('test A', () =>
    background.run(
      () =>
        new Promise<(string | undefined)[]>((resolve) => {
          const first = scope.getStore();
          setImmediate(() => resolve([first, scope.getStore()]));
        }),
    ),
  );
  // Assert
  expect(seen).toEqual(['worker', 'worker']);
  expect(scope.run('test B', () => scope.getStore())).toBe('test B');
});
