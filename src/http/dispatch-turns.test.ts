/**
 * Requests fired back to back run in microtasks, and every TURN_EVERY-th request waits for a
 * turn of the event loop: an Immediate the app deferred, a due timer or the loop's I/O waits
 * for at most TURN_EVERY - 1 requests, however many a test sends without awaiting anything real.
 */
import { describe, expect, test } from 'vitest';
import { TURN_EVERY } from './dispatcher.ts';
import { inject } from './index.ts';

const handler = (): Response => new Response('ok');

describe('back-to-back requests never starve the event loop', () => {
  test('an Immediate queued before sequential requests runs within TURN_EVERY of them', async () => {
    // Arrange
    const client = await inject(handler);
    let ranAfter = -1;
    let sent = 0;
    setImmediate(() => (ranAfter = sent));
    // Act: requests awaited one after another never leave the microtask queue on their own.
    while (ranAfter === -1 && sent < TURN_EVERY * 4) {
      await client.get('/');
      sent++;
    }
    await client.close();
    // Assert
    expect(ranAfter).toBeGreaterThan(0);
    expect(ranAfter).toBeLessThanOrEqual(TURN_EVERY);
  });

  test('a timer fires while requests are sent back to back', async () => {
    // Arrange
    const client = await inject(handler);
    let fired = false;
    let sent = 0;
    setTimeout(() => (fired = true), 1);
    // Act: without the turns this loop would end only at its cap, the timer never having run.
    while (!fired && sent < TURN_EVERY * 100) {
      await client.get('/');
      sent++;
    }
    await client.close();
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
    // Arrange
    const firedAfter: number[] = [];
    for (let run = 0; run < 3; run++) {
      const client = await inject(handler);
      let fired = -1;
      let sent = 0;
      setImmediate(() => (fired = sent));
      // Act
      while (fired === -1 && sent < TURN_EVERY * 4) {
        await client.get('/');
        sent++;
      }
      firedAfter.push(fired);
      await client.close();
    }
    // Assert
    expect(firedAfter[0]).toBeGreaterThan(0);
    expect(new Set(firedAfter).size).toBe(1);
  });
});
