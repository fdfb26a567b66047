import { describe, expect, test } from 'vitest';
import { autoMock, isAsyncMock, isSyncMock, mockObject } from './index.ts';

interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  pipeline(): { exec(): Promise<unknown[]> };
}

describe('autoMock: a mock object without a spec (Python: MagicMock())', () => {
  test('members are created on first touch, async by default, and remember their configuration', async () => {
    const cache = autoMock<Cache>({ name: 'cache' });
    cache.get.resolves('v');

    const value = await cache.get('k');

    expect(value).toBe('v');
    expect(cache.get).toBe(cache.get);
    cache.get.assertAwaitedOnceWith('k');
    expect(cache.set.mockName).toBe('cache.set');
  });

  test('returns() makes a member sync; sync: [...] does so from the start', () => {
    const cache = autoMock<Cache>({ sync: ['pipeline'] });
    const exec = autoMock({ name: 'pipe' });

    cache.pipeline.returns({ exec: exec.exec });
    const pipe = cache.pipeline();

    expect(isSyncMock(cache.pipeline)).toBe(true);
    expect(pipe.exec).toBe(exec.exec);
  });

  test('a member called before it was given a kind is async by default; kind: "sync" changes that', () => {
    const asyncByDefault = autoMock();
    const syncByDefault = autoMock({ kind: 'sync' });

    const promise: unknown = asyncByDefault.anything();
    const value: unknown = syncByDefault.anything();

    expect(promise).toBeInstanceOf(Promise);
    expect(value).toBeUndefined();
    expect(isAsyncMock(asyncByDefault.anything)).toBe(true);
  });

  test('members are namespaces too: nested members are created on first touch', async () => {
    const prisma = autoMock({ name: 'prisma' });
    prisma.user.findUnique.resolves({ id: 1 });

    await expect(prisma.user.findUnique({ where: { id: 1 } })).resolves.toEqual({ id: 1 });

    prisma.user.findUnique.assertAwaitedOnceWith({ where: { id: 1 } });
    expect(prisma.user.findUnique.mockName).toBe('prisma.user.findUnique');
  });

  test('await using awaits [Symbol.asyncDispose] (Python: async with MagicMock())', async () => {
    const session = autoMock({ name: 'session' });

    {
      await using _scoped = session;
    }

    session[Symbol.asyncDispose].assertAwaitedOnce();
  });

  test('for await iterates nothing until told what to yield (Python: __aiter__.return_value)', async () => {
    const empty = autoMock();
    const cursor = autoMock();
    cursor[Symbol.asyncIterator].yields([1, 2, 3]);

    const none: unknown[] = [];
    for await (const item of empty) none.push(item);
    const rows: unknown[] = [];
    for await (const item of cursor) rows.push(item);

    expect(none).toEqual([]);
    expect(rows).toEqual([1, 2, 3]);
  });

  test('probed keys are not members: awaiting, printing and comparing the mock work', async () => {
    const client = autoMock({ values: { region: 'eu-west-1' } });

    const awaited: unknown = await Promise.resolve(client);

    expect(awaited).toBe(client);
    expect(client.region).toBe('eu-west-1');
    expect(client).toEqual(client);
    expect(Object.prototype.toString.call(client)).toBe('[object Object]');
  });

  test('mockObject([Symbol.asyncIterator]) gives a working iterator', async () => {
    const stream = mockObject<AsyncIterable<number>>([Symbol.asyncIterator]);
    stream[Symbol.asyncIterator].yields([4, 5]);

    const items: number[] = [];
    for await (const item of stream) items.push(item);

    expect(items).toEqual([4, 5]);
  });
});
