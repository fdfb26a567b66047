// fray mocks as spies to Jest's own matchers (toHaveBeenCalledTimes…), run by Jest itself.
import { expect, jest, test } from '@jest/globals';
import { asyncMock, autoMock, mockObject, syncMock } from 'fray/mock';

class Repo {
  async save(id) {
    return id;
  }
}

test('spies: jest.isMockFunction and the toHaveBeenCalled family on fray mocks', async () => {
  const save = asyncMock().resolves('ok');
  const parse = syncMock((raw) => Number(raw));
  const repo = mockObject(Repo);
  const redis = autoMock();

  await save('1');
  await save('2');
  parse('4');
  await repo.save('r');
  await redis.get('k');

  expect(jest.isMockFunction(save)).toBe(true);
  expect(save).toHaveBeenCalledTimes(2);
  expect(save).toHaveBeenLastCalledWith('2');
  expect(save).toHaveBeenAwaitedTimes(2);
  expect(parse).toHaveReturnedWith(4);
  expect(repo.save).toHaveBeenCalledWith('r');
  expect(redis.get).toHaveBeenCalledWith('k');
});

test('spies: fails on purpose, to show Jest naming the fray mock', async () => {
  const save = asyncMock(undefined, { name: 'repo.save' });
  await save('a');
  expect(save).toHaveBeenCalledWith('b');
});
