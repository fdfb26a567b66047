/**
 * What fray cannot hold is named, never passed or proved (issue 12): a task resumed by a
 * message on a connection no task wrote to — a Redis subscription opened in setup — and a task
 * woken by a timer armed in setup. By default `explore()` refuses, saying what drove the task
 * and what to do; with `uncontrolled: 'report'` the pass says it is not a proof.
 */
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from './index.ts';
import { reachable, runsWith } from './fixtures/services.ts';

// Captured before any exploration: a timer a library armed with its own reference.
const escapedSetInterval = globalThis.setInterval;

describe('a task woken by a timer armed in setup', () => {
  it('is refused by default, naming the timer; reported as a gap, never a deadlock', async () => {
    // Arrange
    const options = {
      runs: 3,
      seed: 1,
      setup: () => {
        const ticks = new EventEmitter();
        const timer = escapedSetInterval(() => ticks.emit('tick'), 5);
        return { ticks, timer };
      },
      tasks: ({ ticks }: { ticks: EventEmitter }) => ({ waiter: () => once(ticks, 'tick') }),
      teardown: ({ timer }: { timer: ReturnType<typeof setInterval> }) => clearInterval(timer),
    };
    // Act + Assert
    await expect(explore(options)).rejects.toMatchObject({
      code: 'FRAY_RACE_UNCONTROLLED',
      message: expect.stringContaining('waiter was resumed by a real timer'),
    });
    const reported = await explore({ ...options, uncontrolled: 'report' });
    expect(reported.ok).toBe(true);
    expect(reported.exhaustive).toBe(false);
    expect(reported.pct).toEqual([]);
    expect(reported.gaps).toContainEqual(
      expect.objectContaining({ kind: 'resumed-outside', task: 'waiter' }),
    );
    expect(reported.summary).toContain('not a proof');
  });

  it('is named once when the task awaits what the timer settles, and its code after the await runs', async () => {
    // Arrange — the await is a decision of automatic control; fray's own reaction to the awaited
    // promise runs in the task's frame, so both it and the task's resumption would report.
    const after: number[] = [];
    const options = {
      runs: 3,
      seed: 1,
      uncontrolled: 'report' as const,
      setup: () => {
        const ticks = new EventEmitter();
        const timer = escapedSetInterval(() => ticks.emit('tick'), 5);
        return { ticks, timer };
      },
      tasks: ({ ticks }: { ticks: EventEmitter }) => ({
        waiter: async () => {
          await once(ticks, 'tick');
          after.push(1);
        },
      }),
      teardown: ({ timer }: { timer: ReturnType<typeof setInterval> }) => clearInterval(timer),
    };
    // Act
    const reported = await explore(options);
    // Assert
    expect(reported.ok).toBe(true);
    expect(after).toHaveLength(reported.runs);
    expect(reported.gaps.filter((gap) => gap.kind === 'resumed-outside')).toEqual([
      expect.objectContaining({
        task: 'waiter',
        what: expect.stringContaining('waiter was resumed by a real timer'),
      }),
    ]);
  });
});

const runs = runsWith('Redis', await reachable(6379));
const CHANNEL = `fray:race:outside:${process.pid}`;

describe.skipIf(!runs)('a task resumed by a Redis subscription opened in setup', () => {
  let publisher: Redis;
  let subscriber: Redis;
  beforeAll(async () => {
    publisher = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    subscriber = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(CHANNEL);
  });
  afterAll(() => {
    publisher?.disconnect();
    subscriber?.disconnect();
  });

  it('is refused, naming the connection the message came on', async () => {
    // Act — the task publishes on a connection it writes to (held), and waits for the message
    // on the subscriber's, which no task writes to: its order is the server's, not a decision.
    const attempt = explore({
      runs: 2,
      seed: 1,
      tasks: () => ({
        listener: async () => {
          const message = once(subscriber, 'message');
          await publisher.publish(CHANNEL, 'hello');
          return message;
        },
      }),
    });
    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_UNCONTROLLED',
      message: expect.stringMatching(/listener was resumed by a reply on a connection to 127\.0\.0\.1:6379/),
    });
  });
});
