import { createTestDatabase, type TestDatabase } from 'fray/db';
import { asyncMock } from 'fray/mock';
import pg from 'pg';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({
    migrate: async (pool) => {
      await pool.query('create table notes (id serial primary key, body text not null)');
    },
  });
}, 60_000); // a PGlite cold start and the migrations, once per schema (later runs load a snapshot)
afterAll(() => db.end());

test('an isolated() view on PGlite: the pool is a real pg.Pool, callback style included', async () => {
  await using view = await db.isolated();
  expect(view.pool).toBeInstanceOf(pg.Pool);
  await new Promise<void>((resolve, reject) =>
    view.pool.query('insert into notes (body) values ($1)', ['hello'], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  expect((await view.query('select body from notes')).rows).toEqual([{ body: 'hello' }]);
});

test('the view is rolled back: the next test starts empty', async () => {
  await using view = await db.isolated();
  expect((await view.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 0 }]);
});

test("fray's matchers are registered by fray/jest/environment", async () => {
  const save = asyncMock<(id: string) => Promise<void>>();
  await save('1');
  expect(save).toHaveBeenAwaitedOnceWith('1');
});
