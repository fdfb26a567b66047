import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTracker, drainMicrotasks, releaseTracker } from './async-tracker.ts';

describe('drainMicrotasks', () => {
  beforeEach(() => acquireTracker());
  afterEach(() => releaseTracker());

  it('sees the microtask queue run dry without a macrotask (each promise reaction counted once)', async () => {
    // Arrange — a chain of reactions already queued.
    let ran = 0;
    void Promise.resolve()
      .then(() => ran++)
      .then(() => ran++)
      .then(() => ran++);
    // Act
    const drained = await drainMicrotasks();
    // Assert
    expect(drained).toBe(true);
    expect(ran).toBe(3);
  });

  it('says no while a process.nextTick is pending (it runs after the microtasks)', async () => {
    // Arrange
    let ticked = false;
    process.nextTick(() => (ticked = true));
    // Act
    const drained = await drainMicrotasks();
    // Assert
    expect(drained).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ticked).toBe(true);
  });
});
