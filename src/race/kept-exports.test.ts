/**
 * `node:timers`, `node:timers/promises` and `node:crypto` exports are replaced once, at the
 * first exploration, and kept: outside a run they are Node's own, inside every later
 * exploration's runs they are virtual — through ESM named imports too — and an export someone
 * else replaced meanwhile is taken over again.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as NodeTimers from 'node:timers';
import { setTimeout as timersSetTimeout } from 'node:timers';
import { describe, expect, it } from 'vitest';
import { explore } from './index.ts';

const require = createRequire(import.meta.url);
const timers = require('node:timers') as typeof NodeTimers;

/** An hour of virtual sleep in a task: instant inside a run, never finished outside one. */
function hourLongTask() {
  return {
    runs: 1,
    tasks: () => ({
      sleeper: async () => {
        await sleep(3_600_000);
      },
    }),
  };
}

describe('builtin module exports kept between explorations', () => {
  it('are virtual inside the runs of every exploration, through ESM named imports', async () => {
    // Act
    const first = await explore(hourLongTask());
    const second = await explore(hourLongTask());
    // Assert: an hour passed at once both times, so the second exploration's imports were virtual.
    expect(first.ok).toBe(true);
    expect(second.ok).toBe(true);
  });

  it('call Node’s own timers outside a run', async () => {
    // Arrange
    await explore(hourLongTask());
    // Act: the ESM binding and the CommonJS export, outside any run.
    const viaImport = await new Promise<string>((resolve) => timersSetTimeout(() => resolve('import'), 1));
    const viaRequire = await new Promise<string>((resolve) => timers.setTimeout(() => resolve('require'), 1));
    const handle = timers.setTimeout(() => undefined, 1_000);
    // Assert: real timers, with Node's Timeout handles.
    expect([viaImport, viaRequire]).toEqual(['import', 'require']);
    expect(handle.constructor.name).toBe('Timeout');
    timers.clearTimeout(handle);
  });

  it('take over again an export someone replaced between explorations', async () => {
    // Arrange: a library (or a test) replaces the CommonJS export after fray kept its own.
    await explore(hourLongTask());
    const previous = timers.setTimeout;
    const calls: number[] = [];
    const theirs = ((callback: () => void, delay?: number) => {
      calls.push(delay ?? 0);
      return previous(callback, delay);
    }) as typeof timers.setTimeout;
    timers.setTimeout = theirs;
    try {
      // Act: inside a run the export is virtual again; outside, theirs is what runs.
      const result = await explore({
        runs: 1,
        tasks: () => ({
          waiter: () => new Promise<void>((resolve) => timers.setTimeout(resolve, 3_600_000)),
        }),
      });
      await new Promise<void>((resolve) => timers.setTimeout(resolve, 1));
      // Assert
      expect(result.ok).toBe(true);
      expect(calls).toEqual([1]);
    } finally {
      timers.setTimeout = previous;
    }
  });
});
