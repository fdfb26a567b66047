import { describe, expect, test } from 'vitest';
import { asyncMock } from './index.ts';

type Refresh = (token: string) => Promise<string>;

describe('nextCall(): the test settles calls in the order it chooses, without sleeping', () => {
  test('held calls are handed out oldest first and settle as the test says', async () => {
    // Arrange
    const refresh = asyncMock<Refresh>().hold();
    const first = refresh('r1');
    const second = refresh('r2');

    // Act
    const callA = await refresh.nextCall();
    const callB = await refresh.nextCall();
    callB.resolve('access-2');
    callA.reject(new Error('rotated'));

    // Assert
    expect(callA.args).toEqual(['r1']);
    expect(callB.args).toEqual(['r2']);
    await expect(second).resolves.toBe('access-2');
    await expect(first).rejects.toThrow('rotated');
  });

  test('nextCall() waits for a call that has not happened yet', async () => {
    const refresh = asyncMock<Refresh>();
    const pending = refresh.nextCall();

    const result = refresh('r1');
    const call = await pending;
    call.resolve('access');

    expect(call.args).toEqual(['r1']);
    await expect(result).resolves.toBe('access');
  });

  test('settlement order decides which continuation runs first', async () => {
    const load = asyncMock<(key: string) => Promise<string>>().hold();
    const order: string[] = [];
    const a = load('a').then((v) => order.push(v));
    const b = load('b').then((v) => order.push(v));

    const callA = await load.nextCall();
    const callB = await load.nextCall();
    callB.resolve('b');
    await b;
    callA.resolve('a');
    await a;

    expect(order).toEqual(['b', 'a']);
  });

  test('proceed() releases a held call to the configured behaviour', async () => {
    const get = asyncMock<() => Promise<number>>().resolves(42).hold();
    const result = get();

    (await get.nextCall()).proceed();

    await expect(result).resolves.toBe(42);
  });

  test('settling a held call twice has no effect', async () => {
    const get = asyncMock<() => Promise<number>>().hold();
    const result = get();
    const call = await get.nextCall();

    call.resolve(1);
    call.resolve(2);
    call.reject(new Error('late'));

    await expect(result).resolves.toBe(1);
  });

  test('held calls count as calls immediately and as awaits when consumed', async () => {
    const get = asyncMock<() => Promise<number>>().hold();
    const result = get();
    expect(get.callCount).toBe(1);

    (await get.nextCall()).resolve(1);
    await result;

    expect(get.awaitCount).toBe(1);
    expect(get.records[0]?.result).toEqual({ status: 'fulfilled', value: 1 });
  });
});
