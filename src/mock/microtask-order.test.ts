/**
 * A mock must not change *when* things happen: awaiting a mock's promise resumes on the
 * same microtask turn as awaiting a plain `async` function with the same body, so tests of
 * ordering-sensitive code see production's interleavings.
 */
import { describe, expect, test } from 'vitest';
import { asyncMock } from './index.ts';

type Make = (value: number) => Promise<number>;

/** Interleave awaits of `make` with a ticker that logs every microtask turn. */
async function trace(make: Make): Promise<string[]> {
  const log: string[] = [];
  const worker = (async () => {
    log.push(`got ${await make(1)}`);
    log.push(`got ${await make(2)}`);
    try {
      await make(-1);
    } catch {
      log.push('caught');
    }
  })();
  const ticker = (async () => {
    for (let turn = 0; turn < 12; turn++) {
      log.push(`tick ${turn}`);
      await Promise.resolve();
    }
  })();
  await Promise.all([worker, ticker]);
  return log;
}

const fail = (value: number): Error => new Error(`bad ${value}`);

describe('a mock adds no microtask turn to a value and exactly one to a promise', () => {
  test('body returning a value: identical to a plain async function', async () => {
    // Arrange
    /* eslint-disable @typescript-eslint/require-await -- the reference is a plain async function */
    const plain: Make = async (value) => {
      if (value < 0) throw fail(value);
      return value;
    };
    /* eslint-enable @typescript-eslint/require-await */
    const mock = asyncMock((value: number) => {
      if (value < 0) throw fail(value);
      return value;
    });

    // Act
    const expected = await trace(plain);
    const actual = await trace(mock);

    // Assert
    expect(actual).toEqual(expected);
    expect(mock.awaitCount).toBe(3);
  });

  test('body returning a promise: exactly one extra turn, like chaining one .then() on it', async () => {
    const inner = (value: number): Promise<number> =>
      value < 0 ? Promise.reject(fail(value)) : Promise.resolve(value);
    const oneThen: Make = (value) => inner(value).then((result) => result);
    const mock = asyncMock(inner);

    const expected = await trace(oneThen);
    const actual = await trace(mock);

    expect(actual).toEqual(expected);
  });

  test('async body that awaits inside: exactly one extra turn, like chaining one .then() on it', async () => {
    const body = async (value: number): Promise<number> => {
      await Promise.resolve();
      if (value < 0) throw fail(value);
      return value;
    };
    const oneThen: Make = (value) => body(value).then((result) => result);
    const mock = asyncMock(body);

    const expected = await trace(oneThen);
    const actual = await trace(mock);

    expect(actual).toEqual(expected);
  });

  test('with a pending promise it matches an async wrapper; with a settled one it is a turn ahead of it', async () => {
    const pending = async (value: number): Promise<number> => {
      await Promise.resolve();
      return value;
    };
    const settled = (value: number): Promise<number> => Promise.resolve(value);
    const wrap =
      (body: Make): Make =>
      async (value) =>
        body(value);

    const pendingViaWrapper = await trace(wrap(pending));
    const pendingViaMock = await trace(asyncMock(pending));
    const settledViaWrapper = await trace(wrap(settled));
    const settledViaMock = await trace(asyncMock(settled));

    expect(pendingViaMock).toEqual(pendingViaWrapper);
    expect(settledViaMock.indexOf('got 1')).toBe(settledViaWrapper.indexOf('got 1') - 1);
  });

  test('resolves/rejects behaviours match an async function returning the value', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- the reference is a plain async function
    const plain: Make = async (value) => {
      if (value < 0) throw fail(value);
      return value;
    };
    const mock = asyncMock<Make>().resolvesOnce(1).resolvesOnce(2).rejectsOnce(fail(-1));

    const expected = await trace(plain);
    const actual = await trace(mock);

    expect(actual).toEqual(expected);
  });
});
