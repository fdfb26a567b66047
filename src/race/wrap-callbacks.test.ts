/**
 * `ctl.wrap` on callback-style methods and chainable builders (issues 13.4 and 19.6): a
 * session store's `get(sid, cb)` is an operation whose callback runs at its delivery, and a
 * Redis `multi()` stays chainable, its `exec()` the operation.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from './index.ts';
import { reachable, runsWith } from './fixtures/services.ts';

/** express-session's store contract: callbacks, deferred with setImmediate like MemoryStore. */
class CallbackStore {
  readonly sessions = new Map<string, { views: number }>();
  get(sid: string, callback: (error: Error | null, session?: { views: number }) => void): void {
    const session = this.sessions.get(sid);
    setImmediate(() => callback(null, session === undefined ? undefined : { ...session }));
  }
  set(sid: string, session: { views: number }, callback: (error: Error | null) => void): void {
    this.sessions.set(sid, { ...session });
    setImmediate(() => callback(null));
  }
}

const view = (store: CallbackStore) => (): Promise<void> =>
  new Promise((resolve, reject) => {
    store.get('s1', (error, session) => {
      if (error !== null) return reject(error);
      store.set('s1', { views: (session?.views ?? 0) + 1 }, (failed) =>
        failed === null ? resolve() : reject(failed),
      );
    });
  });

describe('ctl.wrap on callback-style methods', () => {
  it('each call is an operation: the lost update between get and set is found, and replays (seed 3)', async () => {
    // Act
    const result = await explore({
      seed: 3,
      quiet: true,
      setup: (ctl) => {
        const store = new CallbackStore();
        store.sessions.set('s1', { views: 0 });
        return { raw: store, store: ctl.wrap(store, 'sessions') };
      },
      tasks: ({ store }) => ({ first: view(store), second: view(store) }),
      check: ({ raw }) => expect(raw.sessions.get('s1')?.views).toBe(2),
    });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.reproduced).toBe(true);
    expect(result.failure?.report).toMatch(/start {4}sessions\.get\('s1'\)/);
    expect(result.failure?.report).toMatch(/start {4}sessions\.set\('s1', \{ views: 1 \}\)/);
  });

  it('outside an exploration the wrapped store calls back as it always did', async () => {
    // Arrange
    const store = new CallbackStore();
    let wrapped!: CallbackStore;
    await explore({
      runs: 1,
      setup: (ctl) => void (wrapped = ctl.wrap(store, 'sessions')),
      tasks: () => ({ idle: () => undefined }),
    });
    // Act
    await view(wrapped)();
    // Assert
    expect(store.sessions.get('s1')).toEqual({ views: 1 });
  });
});

const runs = runsWith('Redis', await reachable(6379));
const KEY = `fray:race:multi:${process.pid}`;

describe.skipIf(!runs)('ctl.wrap on a Redis client: multi() stays chainable', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.del(KEY);
    redis?.disconnect();
  });

  it('exec() is the operation, and the transaction is one step of the schedule', async () => {
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: async (ctl) => {
        await redis.set(KEY, '0');
        return { client: ctl.wrap(redis, 'redis') };
      },
      tasks: ({ client }) => ({
        a: () => client.multi().incr(KEY).incr(KEY).exec(),
        b: () => client.multi().incr(KEY).exec(),
      }),
      check: async () => expect(await redis.get(KEY)).toBe('3'),
    });
    // Assert
    expect(result.ok, result.failure?.report).toBe(true);
    expect(result.exhaustive).toBe(true);
  });
});
