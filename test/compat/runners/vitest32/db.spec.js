import { expect } from 'vitest';
import { createFrayTest } from 'fray/vitest';
import { asyncMock } from 'fray/mock';
import pg from 'pg';

const test = createFrayTest({
  database: {
    migrate: async (pool) => {
      await pool.query('create table notes (id serial primary key, body text not null)');
    },
  },
});

test('the db fixture is an isolated() view whose pool is a real pg.Pool', async ({ db }) => {
  expect(db.pool).toBeInstanceOf(pg.Pool);
  await db.query("insert into notes (body) values ('hello')");
  expect((await db.query('select body from notes')).rows).toEqual([{ body: 'hello' }]);
});

test('the view is rolled back: the next test starts empty', async ({ db }) => {
  expect((await db.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 0 }]);
});

test("fray's matchers are registered by fray/vitest/setup", async () => {
  const save = asyncMock();
  await save('1');
  expect(save).toHaveBeenAwaitedOnceWith('1');
});
