import { describe, expectTypeOf, test } from 'vitest';
import { asyncMock, mockObject, spyOnAsync, type AsyncMock, type SyncMock } from './index.ts';

interface User {
  id: string;
  name: string;
}
type GetUser = (id: string, options?: { fresh: boolean }) => Promise<User>;

describe('asyncMock types', () => {
  test('calls are typed by the mocked signature and return a promise of the resolved value', () => {
    const getUser = asyncMock<GetUser>();

    expectTypeOf<Parameters<typeof getUser>>().toEqualTypeOf<Parameters<GetUser>>();
    expectTypeOf(getUser('1')).toEqualTypeOf<Promise<User>>();
    // @ts-expect-error -- id must be a string
    void getUser(1);
  });

  test('behaviour methods take the resolved type', () => {
    const getUser = asyncMock<GetUser>();

    getUser.resolves({ id: '1', name: 'Ada' });
    getUser.sequence([{ id: '1', name: 'Ada' }, new Error('gone')]);
    getUser.implement((id) => Promise.resolve({ id, name: 'x' }));
    // @ts-expect-error -- not a User
    getUser.resolves({ id: 1 });
    // @ts-expect-error -- implementation must accept the mocked parameters
    getUser.implement((id: number) => ({ id: String(id), name: '' }));
  });

  test('the signature is inferred from an implementation', () => {
    const add = asyncMock(async (a: number, b: number) => {
      await Promise.resolve();
      return a + b;
    });

    expectTypeOf(add(1, 2)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(add.calls).toEqualTypeOf<readonly [a: number, b: number][]>();
  });

  test('an async mock is assignable where the real function is expected', () => {
    const getUser = asyncMock<GetUser>();

    expectTypeOf(getUser).toExtend<GetUser>();
  });

  test('await assertions check argument types, allowing matchers', () => {
    const getUser = asyncMock<GetUser>();

    getUser.assertAwaitedWith('1');
    getUser.assertAwaitedWith(expectTypeOf as never);
    // @ts-expect-error -- wrong argument type
    getUser.assertAwaitedOnceWith(42);
  });
});

describe('mockObject types', () => {
  class Repo {
    async getById(id: string): Promise<User | null> {
      await Promise.resolve();
      return id === '' ? null : null;
    }
    key(id: string): string {
      return id;
    }
  }

  test('async members are async mocks, sync members sync mocks, and the mock is a Repo', () => {
    const repo = mockObject(Repo);

    expectTypeOf(repo.getById).toExtend<AsyncMock<Repo['getById']>>();
    expectTypeOf(repo.key).toExtend<SyncMock<Repo['key']>>();
    expectTypeOf(repo).toExtend<Repo>();
    // @ts-expect-error -- not a member
    void repo.nope;
  });

  test('spyOnAsync only accepts method names', () => {
    const repo = new Repo();

    const spy = spyOnAsync(repo, 'getById');

    expectTypeOf(spy('1')).toEqualTypeOf<Promise<User | null>>();
    spy.resolves(null);
    // @ts-expect-error -- resolves the method's type
    spy.resolves('nope');
    // @ts-expect-error -- not a method
    spyOnAsync({ url: 'x' }, 'url');
  });
});
