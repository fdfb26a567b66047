/* global URL */
// Service code against fray mocks, with a timer and a file read per test.
import { readFile } from 'node:fs/promises';
import { setTimeout } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { asyncMock, mockObject } from '../../../src/mock/index.ts';

class Users {
  async getById() {}
  async save() {}
}

async function rename(repo, id, name) {
  const user = await repo.getById(id);
  await setTimeout(0);
  await repo.save({ ...user, name });
  return readFile(new URL(import.meta.url), 'utf8');
}

for (let i = 0; i < 150; i++) {
  test(`rename #${i}`, async () => {
    const repo = mockObject(Users);
    repo.getById.resolves({ id: i, name: 'Ada' });
    const notify = asyncMock().resolves(undefined);
    const source = await rename(repo, i, 'Ada L.');
    await notify(i);
    expect(source).toContain('rename');
    expect(repo.save).toHaveBeenAwaitedOnceWith({ id: i, name: 'Ada L.' });
  });
}
