import { describe, expect, test } from 'vitest';
import { asyncMock } from './index.ts';

describe('call assertions on async mocks (Python: assert_called* beside assert_awaited*)', () => {
  test('a call that was never awaited passes the call assertions and fails the await ones', () => {
    const save = asyncMock<(id: string) => Promise<void>>(undefined, { name: 'repo.save' });

    void save('1');

    save.assertCalled();
    save.assertCalledOnce();
    save.assertCalledOnceWith('1');
    expect(() => save.assertAwaited()).toThrow('Expected repo.save to have been awaited.');
  });

  test('awaiting one call twice is one call and one await', async () => {
    const get = asyncMock<() => Promise<number>>().resolves(1);

    const promise = get();
    await promise;
    await promise;

    get.assertCalledOnce();
    get.assertAwaitedOnce();
  });

  test('assertHasCalls counts calls in call order; assertHasAwaits counts awaits in await order', async () => {
    const send = asyncMock<(to: string) => Promise<void>>();

    const toB = send('b');
    const toA = send('a');
    await toA;
    await toB;

    send.assertHasCalls([['b'], ['a']]);
    send.assertHasAwaits([['a'], ['b']]);
    expect(() => send.assertHasCalls([['a'], ['b']])).toThrow('with this run, in order');
    send.assertHasCalls([['a'], ['b']], { anyOrder: true });
  });

  test('assertCalledWith checks the last call, assertAnyCall any call', () => {
    const log = asyncMock<(line: string) => Promise<void>>(undefined, { name: 'log' });

    void log('first');
    void log('second');

    log.assertCalledWith('second');
    log.assertAnyCall('first');
    expect(() => log.assertCalledWith('first')).toThrow(
      "Expected the last time log was called to be with ('first'), but it was with ('second').",
    );
    expect(() => log.assertAnyCall('third')).toThrow(
      "Expected log to have been called with ('third') at least once.",
    );
  });

  test('assertNotCalled fails on any call, listing it', () => {
    const refund = asyncMock<(id: string) => Promise<void>>(undefined, { name: 'payments.refund' });
    refund.assertNotCalled();

    void refund('ch_1');

    expect(() => refund.assertNotCalled()).toThrow(
      "Expected payments.refund not to have been called, but it was called once.\npayments.refund has calls:\n  1. ('ch_1')",
    );
  });

  test('sync-only methods on an async mock name the mismatch and the fix', () => {
    const get = asyncMock(undefined, { name: 'cache.get' });

    expect(() => (get as unknown as { returns(v: unknown): void }).returns(1)).toThrow(
      'cache.get.returns() is for sync mocks, but cache.get was mocked as an async function',
    );
  });
});
