import { afterAll, describe, expect, test } from 'vitest';
import { shopDatabase } from '../../test-support/database.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { UserRepository } from './user-repository.ts';

afterAll(async () => (await shopDatabase()).end());

describe('UserRepository on a real Postgres (fray/db isolated view per test)', () => {
  test('create then get returns the stored user', async () => {
    // Arrange
    await using db = await (await shopDatabase()).isolated();
    const users = new UserRepository(db.pool);

    // Act
    const created = await users.create({ name: 'Ada', email: 'ada@example.com' });
    const fetched = await users.get(created.id);

    // Assert
    expect(fetched).toEqual({ id: created.id, name: 'Ada', email: 'ada@example.com' });
  });

  test('writes from the previous test are gone', async () => {
    await using db = await (await shopDatabase()).isolated();

    const listed = await new UserRepository(db.pool).list();

    expect(listed).toEqual([]);
  });

  test('a duplicate email is a conflict, and the test can go on querying after it', async () => {
    await using db = await (await shopDatabase()).isolated();
    const users = new UserRepository(db.pool);
    await users.create({ name: 'Ada', email: 'ada@example.com' });

    await expect(users.create({ name: 'Other', email: 'ada@example.com' })).rejects.toBeInstanceOf(
      ConflictError,
    );

    expect(await users.list()).toHaveLength(1);
  });

  test('update and remove report a missing user as not found', async () => {
    await using db = await (await shopDatabase()).isolated();
    const users = new UserRepository(db.pool);

    await expect(users.update(404, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(users.remove(404)).rejects.toBeInstanceOf(NotFoundError);
  });
});
