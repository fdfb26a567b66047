/**
 * Which event-loop turns a run takes its decisions in: the first one in the turn of the
 * `explore()` call once its microtask queue ran dry (no macrotask per call), and never more than
 * 512 in one turn — counted over runs and calls — so a loop of short explorations still lets
 * timers, I/O and the test runner in.
 */
import { describe, expect, it } from 'vitest';
import { explore } from './index.ts';

const twoTasks = {
  tasks: () => ({ a: async () => {}, b: async () => {} }),
  runs: 1,
  strategy: 'random',
} as const;

describe('the turns a run decides in', () => {
  it('takes the first decision in the call’s turn, and a pass names no gap for it', async () => {
    // Arrange — an Immediate queued just before the call runs at the first macrotask.
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    let ranBeforeFirstTask: boolean | undefined;
    // Act
    const result = await explore({
      ...twoTasks,
      seed: 1,
      tasks: () => ({
        a: () => Promise.resolve(void (ranBeforeFirstTask ??= immediateRan)),
        b: () => Promise.resolve(void (ranBeforeFirstTask ??= immediateRan)),
      }),
    });
    // Assert
    expect(ranBeforeFirstTask).toBe(false);
    expect(result.ok).toBe(true);
    expect(result.gaps).toEqual([]);
    expect(result.exhaustive).toBe(false);
  });

  it('lets a macrotask in within 512 decisions over a loop of explorations', async () => {
    // Arrange — each call takes at least two decisions (the two begins), all without a
    // macrotask: 512 of them are taken within 256 calls.
    let calls = 0;
    let ranAfter: number | undefined;
    setImmediate(() => (ranAfter = calls));
    // Act
    for (let seed = 1; seed <= 600; seed++) {
      await explore({ ...twoTasks, seed });
      calls++;
    }
    // Assert
    expect(ranAfter).toBeDefined();
    expect(ranAfter).toBeLessThanOrEqual(256);
  });
});
