import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';

describe("the caller's async context", () => {
  it('is what setup, every task, its mocks and check see, on every run', async () => {
    // Arrange — a request-scoped store set by the test, as a logger or a tracer would.
    const request = new AsyncLocalStorage<string>();
    const seen = new Set<string>();
    const note = (where: string): void => void seen.add(`${where}=${request.getStore() ?? 'none'}`);
    // Act
    const result = await request.run('req-42', () =>
      explore({
        runs: 6,
        seed: 3,
        quiet: true,
        setup: () => {
          note('setup');
          return { op: asyncMock(() => Promise.resolve(note('mock')), { name: 'op' }) };
        },
        tasks: ({ op }) => ({
          a: async () => {
            note('a');
            await op();
            note('a after');
          },
          b: async () => {
            await op();
            note('b after');
          },
        }),
        check: () => note('check'),
      }),
    );
    // Assert
    expect(result.ok).toBe(true);
    expect([...seen].sort()).toEqual([
      'a after=req-42',
      'a=req-42',
      'b after=req-42',
      'check=req-42',
      'mock=req-42',
      'setup=req-42',
    ]);
  });

  it("keeps what a task enters into a store to that task's run", async () => {
    // Arrange
    const store = new AsyncLocalStorage<string>();
    const firstSeen: (string | undefined)[] = [];
    // Act
    const result = await explore({
      runs: 4,
      seed: 1,
      quiet: true,
      tasks: () => ({
        a: async () => {
          firstSeen.push(store.getStore());
          store.enterWith('entered by a');
          await Promise.resolve();
        },
        b: () => {
          firstSeen.push(store.getStore());
          return Promise.resolve();
        },
      }),
    });
    // Assert — neither the other task, nor the next run, nor the test sees it.
    expect(result.ok).toBe(true);
    expect(firstSeen).toHaveLength(8);
    expect(firstSeen.every((value) => value === undefined)).toBe(true);
    expect(store.getStore()).toBeUndefined();
  });
});
