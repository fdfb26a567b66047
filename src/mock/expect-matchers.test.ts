import { describe, expect, test } from 'vitest';
import { asyncMock, mockMatchers, mockObject } from './index.ts';
import '../vitest/index.ts';

expect.extend(mockMatchers);

describe('Vitest matchers (expect.extend(mockMatchers))', () => {
  test('toHaveBeenAwaited and toHaveBeenAwaitedTimes count awaits, not calls', async () => {
    const save = asyncMock();
    void save('floating');
    expect(save).not.toHaveBeenAwaited();

    await save('awaited');

    expect(save).toHaveBeenAwaited();
    expect(save).toHaveBeenAwaitedTimes(1);
  });

  test('toHaveBeenAwaitedWith uses the runner’s equality, asymmetric matchers included', async () => {
    const save = asyncMock<(user: { id: string; at: Date }) => Promise<void>>();

    await save({ id: '1', at: new Date(0) });

    expect(save).toHaveBeenAwaitedWith({ id: '1', at: expect.any(Date) });
    expect(save).not.toHaveBeenAwaitedWith({ id: '2', at: expect.any(Date) });
  });

  test('toHaveBeenAwaitedOnceWith and toHaveBeenLastAwaitedWith', async () => {
    const get = asyncMock<(id: string) => Promise<void>>();
    await get('a');
    expect(get).toHaveBeenAwaitedOnceWith('a');

    await get('b');

    expect(get).not.toHaveBeenAwaitedOnceWith('a');
    expect(get).toHaveBeenLastAwaitedWith('b');
  });

  test('a failing matcher explains calls versus awaits', async () => {
    const save = asyncMock(undefined, { name: 'repo.save' });
    void save('x');
    await save('y');

    expect(() => expect(save).toHaveBeenAwaitedTimes(2)).toThrow(
      "expected repo.save to have been awaited 2 time(s)\nrepo.save was called 2 time(s) and awaited 1 time(s) (1 call(s) never awaited):\n  1. ('y')",
    );
  });

  test('a plain function is refused with a pointer to the right matcher', () => {
    expect(() => expect(() => undefined).toHaveBeenAwaited()).toThrow(
      /toHaveBeenAwaited\(\) needs a fray async mock, got a plain function/,
    );
  });
});

describe('matchers on members whose kind the test decides', () => {
  class Pool {
    query(sql: string): Promise<unknown> {
      return Promise.resolve(sql);
    }
  }

  test('never called: not awaited, whatever it becomes', () => {
    const pool = mockObject(Pool);

    expect(pool.query).not.toHaveBeenAwaited();
  });

  test('called as a sync function: the matcher says why it cannot count awaits', () => {
    const pool = mockObject(Pool, { name: 'pool' });

    void pool.query('select 1');

    expect(() => expect(pool.query).toHaveBeenAwaited()).toThrow(
      'toHaveBeenAwaited() needs a fray async mock, but pool.query is a sync mock',
    );
    expect(pool.query).toHaveBeenCalledWith('select 1');
  });
});
