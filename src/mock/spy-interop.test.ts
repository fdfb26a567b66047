/**
 * fray mocks are spies to Vitest's own matchers (here) and to Jest's (`expect`, the package
 * Jest's `expect` is; the Jest runner itself runs them in test/runners/samples/jest).
 */
import { expect as jestExpect } from 'expect';
import { ModuleMocker } from 'jest-mock';
import { describe, expect, test, vi } from 'vitest';
import { useVitestCallOrder } from '../vitest/index.ts';
import { asyncMock, autoMock, mockObject, syncMock } from './index.ts';

class Repo {
  async save(id: string): Promise<string> {
    return Promise.resolve(id);
  }
  key(id: string): string {
    return id;
  }
}

describe('Vitest’s spy matchers accept fray mocks', () => {
  test('vi.isMockFunction, toHaveBeenCalledOnce and friends on an async mock', async () => {
    const save = asyncMock<(id: string) => Promise<string>>(undefined, { name: 'repo.save' }).resolves('ok');

    await save('1');
    void save('2');

    expect(vi.isMockFunction(save)).toBe(true);
    expect(save).toHaveBeenCalled();
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenCalledWith('1');
    expect(save).toHaveBeenNthCalledWith(2, '2');
    expect(save).toHaveBeenLastCalledWith('2');
    expect(save).toHaveResolvedWith('ok');
    expect(save.awaitCount).toBe(1);
  });

  test('toHaveBeenCalledOnce fails in Vitest’s words, naming the mock', () => {
    const save = asyncMock(undefined, { name: 'repo.save' });

    void save('a');
    void save('b');

    expect(() => expect(save).toHaveBeenCalledOnce()).toThrow(
      'expected "repo.save" to be called once, but got 2 times',
    );
  });

  test('toHaveResolved sees a pending call as incomplete and a rejection as rejected', async () => {
    const load = asyncMock<() => Promise<number>>().hold();
    const fail = asyncMock().rejects(new Error('down'));

    void load();
    await expect(fail()).rejects.toThrow('down');

    expect(load).not.toHaveResolved();
    expect(load.mock.settledResults).toEqual([{ type: 'incomplete', value: undefined }]);
    expect(fail).not.toHaveResolved();
    expect(fail.mock.settledResults).toEqual([{ type: 'rejected', value: new Error('down') }]);
  });

  test('sync mocks, mockObject and autoMock members are spies too', async () => {
    const parse = syncMock((raw: string) => Number(raw));
    const repo = mockObject(Repo);
    const redis = autoMock({ name: 'redis' });

    parse('4');
    repo.key('k');
    await repo.save('1');
    await redis.get('session:1');

    expect(parse).toHaveReturnedWith(4);
    expect(repo.key).toHaveBeenCalledExactlyOnceWith('k');
    expect(repo.save).toHaveBeenCalledWith('1');
    expect(redis.get).toHaveBeenCalledWith('session:1');
  });

  test('toHaveBeenCalledBefore between fray mocks, and against vi.fn() on Vitest’s clock', async () => {
    using _clock = useVitestCallOrder();
    const begin = asyncMock();
    const audit = vi.fn();
    const commit = asyncMock();

    await begin();
    audit();
    await commit();

    // Vitest types the argument as its own MockInstance; a fray mock needs a cast there.
    expect(begin).toHaveBeenCalledBefore(commit as never);
    expect(begin).toHaveBeenCalledBefore(audit);
    expect(commit).toHaveBeenCalledAfter(audit);
    expect(commit).not.toHaveBeenCalledBefore(audit);
  });
});

describe('Jest’s spy matchers (the expect package) accept fray mocks', () => {
  test('jest.isMockFunction and the toHaveBeenCalled family on an async mock', async () => {
    const save = asyncMock<(id: string) => Promise<string>>(undefined, { name: 'repo.save' }).resolves('ok');

    await save('1');
    void save('2');

    expect(new ModuleMocker(globalThis).isMockFunction(save)).toBe(true);
    jestExpect(save).toHaveBeenCalled();
    jestExpect(save).toHaveBeenCalledTimes(2);
    jestExpect(save).toHaveBeenCalledWith('1');
    jestExpect(save).toHaveBeenNthCalledWith(2, '2');
    jestExpect(save).toHaveBeenLastCalledWith('2');
    jestExpect(save).toHaveReturnedTimes(2);
  });

  test('a failing Jest matcher names the mock and lists its calls', () => {
    const save = asyncMock(undefined, { name: 'repo.save' });

    void save('a');

    expect(() => jestExpect(save).toHaveBeenCalledWith('b')).toThrow(/repo\.save[\s\S]*"b"[\s\S]*"a"/);
  });

  test('sync mocks: toHaveReturnedWith and a thrown call', () => {
    const parse = syncMock((raw: string) => {
      if (raw === '') throw new Error('empty');
      return Number(raw);
    });

    parse('4');
    expect(() => parse('')).toThrow('empty');

    jestExpect(parse).toHaveReturnedWith(4);
    jestExpect(parse).toHaveReturnedTimes(1);
    jestExpect(parse).toHaveBeenCalledTimes(2);
  });
});
