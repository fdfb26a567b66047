import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTracker, drainMicrotasks, releaseTracker, trackerHooksOn } from './async-tracker.ts';

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

describe('the hooks', () => {
  it('stay on through explorations one after another in a turn, and go off at the next macrotask', async () => {
    // Arrange — two explorations' worth of acquire and release, in one turn.
    acquireTracker();
    releaseTracker();
    acquireTracker();
    const during = trackerHooksOn();
    releaseTracker();
    const between = trackerHooksOn();
    // Act — a macrotask begins with no exploration running.
    await new Promise((resolve) => setImmediate(resolve));
    // Assert
    expect([during, between, trackerHooksOn()]).toEqual([true, true, false]);
  });

  it('stay on while an exploration runs across a macrotask', async () => {
    // Arrange
    acquireTracker();
    acquireTracker();
    releaseTracker();
    // Act
    await new Promise((resolve) => setImmediate(resolve));
    const running = trackerHooksOn();
    releaseTracker();
    await new Promise((resolve) => setImmediate(resolve));
    // Assert
    expect([running, trackerHooksOn()]).toEqual([true, false]);
  });
});
