/**
 * `test.race` (issue 15): an ordinary concurrent body, run under many schedules with its
 * `client` and `db` rebuilt per run. The buggy service's race is found with the report and the
 * replay line (through `runRace`, which `test.race` runs); the fixed one passes as a test.
 */
import { Hono } from 'hono';
import { describe, expect } from 'vitest';
import type { IsolatedView } from '../db/index.ts';
import { runRace } from '../race/index.ts';
import { createFrayTest } from './fray-test.ts';

const MIGRATE = async (pool: { query(text: string): Promise<unknown> }): Promise<void> => {
  await pool.query(
    "create table stock (sku text primary key, units int not null); insert into stock values ('LP-1', 1)",
  );
};

/** POST /orders/:sku takes one unit: read-then-write (`naive`) or one conditional update. */
function shop(db: IsolatedView, naive: boolean): Hono {
  const app = new Hono();
  app.post('/orders/:sku', async (c) => {
    const sku = c.req.param('sku');
    if (naive) {
      const { rows } = await db.query<{ units: number }>('select units from stock where sku = $1', [sku]);
      if ((rows[0]?.units ?? 0) < 1) return c.body(null, 409);
      await db.query('update stock set units = $1 where sku = $2', [(rows[0]?.units ?? 0) - 1, sku]);
      return c.body(null, 201);
    }
    const { rowCount } = await db.query('update stock set units = units - 1 where sku = $1 and units > 0', [
      sku,
    ]);
    return c.body(null, rowCount === 1 ? 201 : 409);
  });
  return app;
}

const body = async ({ client }: { client: { post(path: string): Promise<Response> } }): Promise<void> => {
  const [a, b] = await Promise.all([client.post('/orders/LP-1'), client.post('/orders/LP-1')]);
  expect([a.status, b.status].sort()).toEqual([201, 409]);
};

const fixed = createFrayTest({
  database: { migrate: MIGRATE },
  app: ({ db }) => shop(db as IsolatedView, false),
});
const naive = createFrayTest({
  database: { migrate: MIGRATE },
  app: ({ db }) => shop(db as IsolatedView, true),
});

describe('test.race', () => {
  fixed.race('two buyers, one record (conditional update): passes every schedule explored', body, {
    seed: 4,
    runs: 60,
  });

  naive(
    'two buyers, one record (read then write): the race is found, with the report and replay line',
    async ({ frayDatabase }) => {
      // Act — what test.race runs, with the fixtures test.race builds per run.
      const attempt = runRace('two buyers, one record (naive)', body, {
        seed: 4,
        runs: 60,
        quiet: true,
        fixtures: async () => {
          const db = await frayDatabase.isolated();
          const { inject } = await import('../http/index.ts');
          return { db, client: await inject(shop(db, true)) };
        },
        release: async ({ db, client }: { db: IsolatedView; client: { close(): Promise<void> } }) => {
          await client.close();
          await db.dispose();
        },
      });
      // Assert
      await expect(attempt).rejects.toMatchObject({
        code: 'FRAY_RACE_FOUND',
        message: expect.stringMatching(
          /expected \[ 201, 201 \] to deeply equal \[ 201, 409 \][\s\S]*Replay:\n {2}explore\(\{ …, replay: 'fr[12];/,
        ),
      });
    },
  );
});
