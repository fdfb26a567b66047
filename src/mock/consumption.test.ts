import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { asyncMock } from './index.ts';

describe('a mock promise records consumption', () => {
  test('a call that is never consumed counts as a call, not an await', () => {
    // Arrange
    const save = asyncMock<(id: string) => Promise<void>>();

    // Act
    const promise = save('1');

    // Assert
    expect(promise).toBeInstanceOf(Promise);
    expect(save.callCount).toBe(1);
    expect(save.awaitCount).toBe(0);
    expect(save.records[0]?.consumed).toBe(false);
  });

  test.each([
    [
      'await',
      async (p: Promise<unknown>) => {
        await p;
      },
    ],
    [
      '.then',
      async (p: Promise<unknown>) => {
        await p.then(() => undefined);
      },
    ],
    [
      '.catch',
      async (p: Promise<unknown>) => {
        await p.catch(() => undefined);
      },
    ],
    [
      '.finally',
      async (p: Promise<unknown>) => {
        await p.finally(() => undefined);
      },
    ],
    [
      'Promise.all',
      async (p: Promise<unknown>) => {
        await Promise.all([p]);
      },
    ],
    [
      'Promise.race',
      async (p: Promise<unknown>) => {
        await Promise.race([p]);
      },
    ],
    [
      'Promise.allSettled',
      async (p: Promise<unknown>) => {
        await Promise.allSettled([p]);
      },
    ],
    [
      'Promise.any',
      async (p: Promise<unknown>) => {
        await Promise.any([p]);
      },
    ],
    [
      'return from an async function',
      async (p: Promise<unknown>) => {
        await (async () => p)();
      },
    ],
  ])('%s consumes the promise', async (_label, consume) => {
    // Arrange
    const fetchUser = asyncMock((id: string) => Promise.resolve({ id }));

    // Act
    await consume(fetchUser('7'));

    // Assert
    expect(fetchUser.awaitCount).toBe(1);
    expect(fetchUser.awaits).toEqual([['7']]);
  });

  test('consuming one promise twice counts one await', async () => {
    const get = asyncMock().resolves(1);
    const promise = get();

    await promise;
    await promise;

    expect(get.awaitCount).toBe(1);
  });

  test('awaits are listed in the order they were consumed, not called', async () => {
    const get = asyncMock<(key: string) => Promise<string>>().implement((key) => Promise.resolve(key));
    const first = get('a');
    const second = get('b');

    await second;
    await first;

    expect(get.calls).toEqual([['a'], ['b']]);
    expect(get.awaits).toEqual([['b'], ['a']]);
    expect(get.lastAwait).toEqual(['a']);
  });

  test('reading the records does not consume the promise', () => {
    const get = asyncMock().resolves(1);
    void get();

    const record = get.records[0];
    void record?.promise;

    expect(get.awaitCount).toBe(0);
  });

  test('logging a promise does not consume it; reading .constructor does (documented)', () => {
    // Arrange
    const get = asyncMock().resolves(1);
    const promise = get();

    // Act
    const shown = inspect(promise);
    const afterInspect = get.awaitCount;
    const name = (promise as { constructor: { name: string } }).constructor.name;

    // Assert
    expect(shown).toContain('Promise');
    expect(afterInspect).toBe(0);
    expect(name).toBe('Promise');
    expect(get.awaitCount).toBe(1);
  });

  test("the prototype's constructor is the class, read without error or consumption", () => {
    // Arrange
    const get = asyncMock().resolves(1);
    const promise = get();

    // Act
    const prototypeConstructor = (Object.getPrototypeOf(promise) as { constructor: unknown }).constructor;

    // Assert
    expect(typeof prototypeConstructor).toBe('function');
    expect(promise).toBeInstanceOf(prototypeConstructor as new () => unknown);
    expect(get.awaitCount).toBe(0);
  });
});
