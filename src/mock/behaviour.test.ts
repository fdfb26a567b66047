import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { asyncMock, match } from './index.ts';

interface User {
  id: string;
  name: string;
}
type GetUser = (id: string) => Promise<User>;

describe('default behaviour', () => {
  test('an unconfigured mock resolves to undefined', async () => {
    const mock = asyncMock();

    await expect(mock()).resolves.toBeUndefined();
  });

  test('resolves() sets the value of every call', async () => {
    const getUser = asyncMock<GetUser>().resolves({ id: '1', name: 'Ada' });

    const [first, second] = await Promise.all([getUser('1'), getUser('2')]);

    expect(first).toEqual({ id: '1', name: 'Ada' });
    expect(second).toEqual({ id: '1', name: 'Ada' });
  });

  test('rejects() rejects every call with the given reason', async () => {
    const boom = new Error('database down');
    const getUser = asyncMock<GetUser>().rejects(boom);

    await expect(getUser('1')).rejects.toBe(boom);
    await expect(getUser('2')).rejects.toBe(boom);
  });

  test('implement() runs the function with the call arguments and this', async () => {
    const repo = {
      prefix: 'user-',
      find: asyncMock(function (this: { prefix: string }, id: string) {
        return Promise.resolve(`${this.prefix}${id}`);
      }),
    };

    await expect(repo.find('7')).resolves.toBe('user-7');
  });

  test('a synchronous throw in the implementation becomes a rejection, like an async function', async () => {
    const mock = asyncMock((): number => {
      throw new TypeError('bad input');
    });

    const promise = mock();

    await expect(promise).rejects.toThrow(TypeError);
  });

  test('the last behaviour set wins', async () => {
    const mock = asyncMock<() => Promise<number>>().resolves(1).rejects(new Error('x')).resolves(2);

    await expect(mock()).resolves.toBe(2);
  });
});

describe('one-shot behaviours', () => {
  test('resolvesOnce/rejectsOnce/implementOnce queue in order, then fall back to the default', async () => {
    const mock = asyncMock<(n: number) => Promise<number>>()
      .resolves(0)
      .resolvesOnce(1)
      .rejectsOnce(new Error('second'))
      .implementOnce((n) => Promise.resolve(n * 10));

    const results = await Promise.allSettled([mock(5), mock(5), mock(5), mock(5)]);

    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('second') },
      { status: 'fulfilled', value: 50 },
      { status: 'fulfilled', value: 0 },
    ]);
  });
});

describe('sequence()', () => {
  test('values resolve in order and Error items reject', async () => {
    const fetchPage = asyncMock<() => Promise<string>>().sequence(['a', new Error('503'), 'c']);

    const results = await Promise.allSettled([fetchPage(), fetchPage(), fetchPage()]);

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a',
      '503',
      'c',
    ]);
  });

  test('an exhausted sequence rejects with FRAY_MOCK_EXHAUSTED naming the mock and the call', async () => {
    const fetchPage = asyncMock<() => Promise<string>>(undefined, { name: 'api.fetchPage' }).sequence(['a']);
    await fetchPage();

    const error: unknown = await fetchPage().catch((e: unknown) => e);

    expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_EXHAUSTED');
    expect((error as Error).message).toContain(
      'api.fetchPage: call #2 found its sequence exhausted (it had 1 item)',
    );
  });

  test('once-behaviours take precedence over the sequence', async () => {
    const mock = asyncMock<() => Promise<string>>().sequence(['a', 'b']).resolvesOnce('first');

    const values = [await mock(), await mock(), await mock()];

    expect(values).toEqual(['first', 'a', 'b']);
  });
});

describe('when()', () => {
  test('matches arguments by deep equality; unmatched calls fall through', async () => {
    const getUser = asyncMock<(query: { id: string }) => Promise<string>>()
      .resolves('default')
      .when({ id: 'admin' })
      .resolves('root');

    await expect(getUser({ id: 'admin' })).resolves.toBe('root');
    await expect(getUser({ id: 'bob' })).resolves.toBe('default');
  });

  test('accepts predicates and the runner’s asymmetric matchers', async () => {
    const charge = asyncMock<(amount: number, currency: string) => Promise<string>>()
      .resolves('ok')
      .when(
        match((amount: number) => amount > 1000),
        expect.any(String),
      )
      .rejects(new Error('limit exceeded'));

    await expect(charge(50, 'EUR')).resolves.toBe('ok');
    await expect(charge(5000, 'EUR')).rejects.toThrow('limit exceeded');
  });

  test('the most recent matching rule wins, and once-rules are used up', async () => {
    const get = asyncMock<(key: string) => Promise<number>>()
      .resolves(0)
      .when(expect.any(String))
      .resolves(1)
      .when('a')
      .resolvesOnce(2);

    const values = [await get('a'), await get('a'), await get('b')];

    expect(values).toEqual([2, 1, 1]);
  });

  test('rules are matched before the one-shot queue', async () => {
    const get = asyncMock<(key: string) => Promise<string>>()
      .resolvesOnce('queued')
      .when('x')
      .resolves('rule');

    expect(await get('x')).toBe('rule');
    expect(await get('y')).toBe('queued');
  });
});

describe('reset()', () => {
  test('forgets calls and awaits but keeps behaviour by default', async () => {
    const mock = asyncMock<() => Promise<number>>().resolves(3);
    await mock();

    mock.reset();

    expect(mock.callCount).toBe(0);
    expect(mock.awaitCount).toBe(0);
    await expect(mock()).resolves.toBe(3);
  });

  test('with { behaviour: true } also forgets behaviour', async () => {
    const mock = asyncMock<() => Promise<number | undefined>>().resolves(3);

    mock.reset({ behaviour: true });

    await expect(mock()).resolves.toBeUndefined();
  });

  test('a promise from before the reset consumed after it does not count', async () => {
    const mock = asyncMock().resolves(1);
    const early = mock();

    mock.reset();
    await early;

    expect(mock.awaitCount).toBe(0);
  });
});

describe('records', () => {
  test('expose each call’s settled result as a discriminated union', async () => {
    const mock = asyncMock<(ok: boolean) => Promise<string>>().implement((ok) =>
      ok ? Promise.resolve('yes') : Promise.reject(new Error('no')),
    );

    await Promise.allSettled([mock(true), mock(false)]);

    expect(mock.records.map((record) => record.result)).toEqual([
      { status: 'fulfilled', value: 'yes' },
      { status: 'rejected', reason: new Error('no') },
    ]);
  });

  test('capture the call site of each call', () => {
    const mock = asyncMock();

    void mock();

    expect(mock.records[0]?.callSite?.location).toMatch(/behaviour\.test\.ts:\d+:\d+$/);
  });

  test('stop capturing after callSiteLimit calls, and say so where a site is missing', () => {
    const mock = asyncMock(undefined, { callSiteLimit: 2, name: 'hot' });

    for (let i = 0; i < 3; i++) void mock(i);

    expect(mock.records.map((record) => record.callSite !== undefined)).toEqual([true, true, false]);
    expect(() => mock.assertNoFloating()).toThrow(
      /call #3 \(2\) \(call site not captured: .*raise the limit to see where\)/,
    );
  });

  test('skip call sites when turned off', () => {
    const mock = asyncMock(undefined, { callSites: false });

    void mock();

    expect(mock.records[0]?.callSite).toBeUndefined();
  });
});
