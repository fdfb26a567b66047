/**
 * Python's `unittest.mock.AsyncMock`, walked through behaviour by behaviour as its
 * documentation presents it, in fray form. Each test names the Python feature it mirrors.
 */
import { describe, expect, test } from 'vitest';
import { asyncMock, mockAsyncIterable, mockObject, syncMock } from './index.ts';

describe('AsyncMock parity', () => {
  test('calling returns an awaitable (iscoroutinefunction / inspect.isawaitable)', async () => {
    const mock = asyncMock();

    const result = mock();

    expect(result).toBeInstanceOf(Promise);
    await result;
  });

  test('return_value is what await gives back', async () => {
    const mock = asyncMock<() => Promise<string>>().resolves('result');

    expect(await mock()).toBe('result');
  });

  test('side_effect = function: its result (sync or async) is returned', async () => {
    const syncSide = asyncMock((value: number) => value * 2);
    const asyncSide = asyncMock(async (value: number) => {
      await Promise.resolve();
      return value * 3;
    });

    expect(await syncSide(2)).toBe(4);
    expect(await asyncSide(2)).toBe(6);
  });

  test('side_effect = exception: it is raised on await', async () => {
    const mock = asyncMock().rejects(new Error('Something went wrong'));

    await expect(mock()).rejects.toThrow('Something went wrong');
  });

  test('side_effect = iterable: items returned in order, exceptions raised, exhaustion is StopAsyncIteration', async () => {
    const mock = asyncMock<() => Promise<string>>().sequence(['first', new ValueError('second'), 'third']);

    expect(await mock()).toBe('first');
    await expect(mock()).rejects.toThrow(ValueError);
    expect(await mock()).toBe('third');
    await expect(mock()).rejects.toMatchObject({ code: 'FRAY_MOCK_EXHAUSTED' });
  });

  test('a call that is never awaited counts in call_count but not await_count ("coroutine was never awaited")', () => {
    const mock = asyncMock();

    void mock();

    expect(mock.callCount).toBe(1);
    expect(mock.awaitCount).toBe(0);
    expect(() => mock.assertNoFloating()).toThrow(/returned a promise nobody awaited/);
  });

  test('await_count, await_args and await_args_list', async () => {
    const mock = asyncMock<(...args: unknown[]) => Promise<void>>();

    await mock('foo');
    await mock('bar', 1);

    expect(mock.awaitCount).toBe(2);
    expect(mock.lastAwait).toEqual(['bar', 1]);
    expect(mock.awaits).toEqual([['foo'], ['bar', 1]]);
  });

  test('assert_awaited and assert_awaited_once', async () => {
    const mock = asyncMock();
    expect(() => mock.assertAwaited()).toThrow();

    await mock();

    mock.assertAwaited();
    mock.assertAwaitedOnce();
    await mock();
    expect(() => mock.assertAwaitedOnce()).toThrow('awaited 2 times');
  });

  test('assert_awaited_with checks the last await', async () => {
    const mock = asyncMock<(...args: unknown[]) => Promise<void>>();

    await mock('foo', { bar: 'bar' });

    mock.assertAwaitedWith('foo', { bar: 'bar' });
    expect(() => mock.assertAwaitedWith('other')).toThrow();
  });

  test('assert_awaited_once_with', async () => {
    const mock = asyncMock<(...args: unknown[]) => Promise<void>>();

    await mock('foo', { bar: 'bar' });

    mock.assertAwaitedOnceWith('foo', { bar: 'bar' });
    await mock('foo', { bar: 'bar' });
    expect(() => mock.assertAwaitedOnceWith('foo', { bar: 'bar' })).toThrow('awaited 2 times');
  });

  test('assert_any_await', async () => {
    const mock = asyncMock<(...args: unknown[]) => Promise<void>>();

    await mock('foo', { bar: 'bar' });
    await mock('other');

    mock.assertAnyAwait('foo', { bar: 'bar' });
    expect(() => mock.assertAnyAwait('missing')).toThrow();
  });

  test('assert_has_awaits, in order and with any_order', async () => {
    const mock = asyncMock<(...args: unknown[]) => Promise<void>>();
    const calls = [['foo'], ['bar']];
    expect(() => mock.assertHasAwaits(calls)).toThrow();

    await mock('foo');
    await mock('bar');

    mock.assertHasAwaits(calls);
    mock.assertHasAwaits([['bar'], ['foo']], { anyOrder: true });
    expect(() => mock.assertHasAwaits([['bar'], ['foo']])).toThrow();
  });

  test('assert_not_awaited', async () => {
    const mock = asyncMock();
    mock.assertNotAwaited();

    await mock();

    expect(() => mock.assertNotAwaited()).toThrow();
  });

  test('reset_mock clears awaits; return_value/side_effect survive unless asked', async () => {
    const mock = asyncMock<() => Promise<number | undefined>>().resolves(1);
    await mock();

    mock.reset();
    expect(mock.awaitCount).toBe(0);
    expect(await mock()).toBe(1);

    mock.reset({ behaviour: true });
    expect(await mock()).toBeUndefined();
  });

  test('spec: an object specced from a class gets async mocks for async methods, sync for the rest', async () => {
    class ExampleClass {
      syncFoo(): string {
        return 'real';
      }
      async asyncFoo(): Promise<string> {
        await Promise.resolve();
        return 'real';
      }
    }

    const mock = mockObject(ExampleClass);

    expect(mock.syncFoo()).toBeUndefined();
    expect(mock.asyncFoo()).toBeInstanceOf(Promise);
    await mock.asyncFoo();
    mock.asyncFoo.assertAwaitedOnce();
    mock.syncFoo.assertCalledOnce();
    expect(() => (mock as unknown as Record<string, unknown>).nonexistent).toThrow(
      /not part of the mock's spec/,
    );
  });

  test('async context manager magic: __aenter__/__aexit__ are awaited', async () => {
    class AsyncContextManager {
      async [Symbol.asyncDispose](): Promise<void> {
        await Promise.resolve();
      }
    }
    const instance = mockObject(AsyncContextManager);

    {
      await using _resource = instance;
    }

    instance[Symbol.asyncDispose].assertAwaitedOnce();
  });

  test('async iterator magic: __aiter__.return_value = [1, 2, 3]', async () => {
    const iterable = { [Symbol.asyncIterator]: syncMock<() => AsyncIterator<number>>().yields([1, 2, 3]) };

    const items: number[] = [];
    for await (const item of iterable) items.push(item);

    expect(items).toEqual([1, 2, 3]);
    iterable[Symbol.asyncIterator].assertCalledOnce();
  });

  test('async iterator: each __anext__ is awaited and tracked', async () => {
    const rows = mockAsyncIterable([1, 2]);

    const items: number[] = [];
    for await (const item of rows) items.push(item);

    expect(items).toEqual([1, 2]);
    expect(rows.next.awaitCount).toBe(3);
  });
});

class ValueError extends Error {}
