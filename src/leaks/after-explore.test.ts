/**
 * After an exploration, `node:timers` exports are fray/race's kept stand-ins (they call Node's
 * own outside a run). A timer created through them is still the caller's: reported as the
 * user's leak, at the caller's line — not hidden as fray's own.
 */
import { clearInterval as clearIntervalExport, setInterval as setIntervalExport } from 'node:timers';
import { afterAll, describe, expect, test } from 'vitest';
import { explore } from '../race/index.ts';
import { siteOf } from './fixtures/lines.ts';
import { checkLeaks, enableLeakDetection } from './index.ts';

const here = new URL(import.meta.url);
const cleanups: (() => unknown)[] = [];
enableLeakDetection({ onLeaks: () => {} });

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

describe('leaks after an exploration', () => {
  test('an interval from node:timers is the caller’s leak, at the caller’s line', async () => {
    // Arrange: an exploration replaces the node:timers exports, and keeps them.
    const explored = await explore({ runs: 1, tasks: () => ({ idle: () => Promise.resolve() }) });
    expect(explored.ok).toBe(true);
    // Act
    const run = await checkLeaks(() => {
      const timer = setIntervalExport(() => {}, 60_000); // mark: kept-interval
      cleanups.push(() => clearIntervalExport(timer));
    });
    // Assert
    expect(run.leaks).toHaveLength(1);
    expect(run.leaks[0]).toMatchObject({ check: 'timers', kind: 'interval' });
    expect(run.leaks[0]?.location).toMatch(siteOf(here, 'kept-interval'));
  });

  test('an exploration inside the test leaves nothing behind of its own', async () => {
    // Arrange — a loop of explorations in one turn, as a search over seeds does.
    // Act
    const run = await checkLeaks(async () => {
      for (let seed = 1; seed <= 5; seed++) {
        const explored = await explore({ runs: 2, seed, tasks: () => ({ a: () => Promise.resolve() }) });
        expect(explored.ok).toBe(true);
      }
    });
    // Assert — fray's hooks and their Immediate are its own, gone by the next macrotask.
    expect(run.leaks).toEqual([]);
  });
});
