/**
 * Requests fired back to back run in microtasks, and every TURN_EVERY-th request waits for a
 * turn of the event loop: an Immediate the app deferred, a due timer or the loop's I/O waits
 * for at most TURN_EVERY - 1 requests, however many a test sends without awaiting anything real.
 */
import { describe, expect, test } from 'vitest';
import { TURN_EVERY } from './dispatcher.ts';
import { inject } from './index.ts';

const handler = (): Response => new Response('ok');

/**
 * Send requests one after another (awaited: they never leave the microtask queue on their own)
 * until `done()`, at most `cap` of them, counting them in `progress.sent`.
 */
async function sendUntil(done: () => boolean, cap: number, progress = { sent: 0 }): Promise<void> {
  const client = await inject(handler);
  while (!done() && progress.sent < cap) {
    await client.get('/');
    progress.sent++;
  }
  await client.close();
}

/** How many sequential requests went by before an Immediate queued first ran (-1: never). */
async function requestsBeforeImmediate(): Promise<number> {
  const progress = { sent: 0 };
  let ranAfter = -1;
  setImmediate(() => (ranAfter = progress.sent));
  await sendUntil(() => ranAfter !== -1, TURN_EVERY * 4, progress);
  return ranAfter;
}

describe('back-to-back requests never starve the event loop', () => {
  test('an Immediate queued before sequential requests runs within TURN_EVERY of them', async () => {
    // Act
    const ranAfter = await requestsBeforeImmediate();
    // Assert
    expect(ranAfter).toBeGreaterThan(0);
    expect(ranAfter).toBeLessThanOrEqual(TURN_EVERY);
  });

  test('a timer fires while requests are sent back to back', async () => {
    // Arrange
    let fired = false;
    setTimeout(() => (fired = true), 1);
    // Act: without the turns this would end only at its cap, the timer never having run.
    await sendUntil(() => fired, TURN_EVERY * 100);
    // Assert
    expect(fired).toBe(true);
  });

  test('work the app defers with setImmediate runs before TURN_EVERY more requests start', async () => {
    // Arrange: each request defers a step and records how many requests had started by then.
    const lag: number[] = [];
    let started = 0;
    const client = await inject(() => {
      const index = started++;
      setImmediate(() => lag.push(started - index));
      return new Response('ok');
    });
    // Act
    for (let i = 0; i < TURN_EVERY * 3; i++) await client.get('/');
    await new Promise<void>((resolve) => setImmediate(resolve));
    await client.close();
    // Assert
    expect(lag).toHaveLength(TURN_EVERY * 3);
    expect(Math.max(...lag)).toBeLessThanOrEqual(TURN_EVERY);
  });

  test('the schedule is counted, not timed: the same on every run', async () => {
    // Act
    const firedAfter = [
      await requestsBeforeImmediate(),
      await requestsBeforeImmediate(),
      await requestsBeforeImmediate(),
    ];
    // Assert
    expect(firedAfter[0]).toBeGreaterThan(0);
    expect(new Set(firedAfter).size).toBe(1);
  });
});
