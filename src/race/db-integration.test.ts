import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/index.ts';
import { explore } from './index.ts';

/** What the transactional withdrawal needs from a pool. */
interface PoolLike {
  connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: any[] }>; release(): void }>;
}

const SCHEMA = 'create table race_tx_accounts (id int primary key, balance int not null)';

/** Application code: a withdrawal in a transaction; `lock` reads with FOR UPDATE. */
async function withdraw(pool: PoolLike, amount: number, lock: boolean): Promise<'ok' | 'insufficient funds'> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query(
      `select balance from race_tx_accounts where id = 1${lock ? ' for update' : ''}`,
    );
    const balance = (rows[0] as { balance: number }).balance;
    if (balance < amount) {
      await client.query('rollback');
      return 'insufficient funds';
    }
    await client.query('update race_tx_accounts set balance = $1 where id = 1', [balance - amount]);
    await client.query('commit');
    return 'ok';
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

function withdrawals(pool: () => pg.Pool, lock: boolean) {
  return {
    setup: async (ctl: { wrap<T>(target: T, label: string): T }) => {
      await pool().query('delete from race_tx_accounts; insert into race_tx_accounts values (1, 100)');
      return { db: ctl.wrap(pool(), 'db') as unknown as PoolLike };
    },
    tasks: ({ db }: { db: PoolLike }) => ({
      'withdraw 30': () => withdraw(db, 30, lock),
      'withdraw 50': () => withdraw(db, 50, lock),
    }),
    check: async () => {
      const { rows } = await pool().query<{ balance: number }>(
        'select balance from race_tx_accounts where id = 1',
      );
      expect(rows[0]?.balance).toBe(20);
    },
  };
}

describe('fray/db on PGlite: transactions take turns on the one session', () => {
  let db: TestDatabase;
  let view: Awaited<ReturnType<TestDatabase['isolated']>>;

  beforeAll(async () => {
    db = await createTestDatabase({
      name: 'fray-race-tx',
      migrate: async (pool) => void (await pool.query(SCHEMA)),
    });
    view = await db.isolated();
  });
  afterAll(async () => {
    await view.dispose();
    await db.end();
  });

  it('explores schedules of two transactions without stalling on the one that waits (seed 3)', async () => {
    // Act — the second connect() waits, in fray/db, for the first client's release: idle
    // real work, blocked on the other task, not a reason to stall the run.
    const result = await explore({
      ...withdrawals(() => view.pool, false),
      seed: 3,
      runs: 120,
      timeout: 5000,
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.runs).toBe(120);
    expect(result.notes).toEqual([]);
  });
});

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const reachable = await (async () => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
})();
if (!reachable && process.env['CI'] !== 'true')
  process.stderr.write(
    `fray/race: skipping the PostgreSQL tests: no server at ${url} (they run under CI=true)\n`,
  );

describe.skipIf(!reachable && process.env['CI'] !== 'true')(
  'fray/db on PostgreSQL: row locks over real connections',
  () => {
    let db: TestDatabase;
    let fresh: Awaited<ReturnType<TestDatabase['fresh']>>;

    beforeAll(async () => {
      db = await createTestDatabase({
        engine: 'postgres',
        url,
        name: 'fray-race-tx',
        freshPoolSize: 0,
        migrate: async (pool) => void (await pool.query(SCHEMA)),
      });
      fresh = await db.fresh();
    }, 60_000);
    afterAll(async () => {
      await fresh?.dispose();
      await db?.end();
    });

    it('finds the lost update of two READ COMMITTED transactions (seed 7)', async () => {
      // Act — both UPDATEs take the row lock: a lock wait must not pass for a slow query,
      // even on a machine saturated by the rest of the suite (the replay must judge every
      // wait the same way), so the window is generous: 400 ms was crossed under full load.
      const result = await explore({
        ...withdrawals(() => fresh.pool, false),
        seed: 7,
        blockedAfter: 1_500,
        quiet: true,
      });
      // Assert
      expect(result.ok).toBe(false);
      expect(result.failure?.reproduced).toBe(true);
    });

    it('passes with SELECT … FOR UPDATE, waiting through the lock the other transaction holds (seed 7)', async () => {
      // Act — bounded: every blocked lock wait costs `blockedAfter` of real time.
      const result = await explore({
        ...withdrawals(() => fresh.pool, true),
        seed: 7,
        runs: 12,
        blockedAfter: 400,
      });
      // Assert
      expect(result.ok).toBe(true);
      expect(
        result.notes.some((note) => note.includes('assumed it was blocked (a lock held by another task?)')),
      ).toBe(true);
    });
  },
);
