/**
 * MySQL/MariaDB through mysql2's promise API, unwrapped, on a connection opened before
 * `explore()`. fray knows nothing of MySQL's framing: an answer is complete once a whole turn
 * passes without a byte.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { atomicAdd, lostUpdate, type CounterStore } from './fixtures/clients/counter.ts';
import { expectFixed, expectFoundAndReplayed } from './fixtures/clients/verdicts.ts';
import { reachable, runsWith } from './fixtures/services.ts';

const runs = runsWith('MariaDB/MySQL', await reachable(3306));
const TABLE = `fray_race_counter_${process.pid}`;

describe.skipIf(!runs)('mysql2, unwrapped', () => {
  let connection: mysql.Connection;

  beforeAll(async () => {
    connection = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
    await connection.query(`create table ${TABLE} (id int primary key, balance int not null)`);
    await connection.query(`insert into ${TABLE} values (1, 100)`);
  });
  afterAll(async () => {
    await connection?.query(`drop table if exists ${TABLE}`);
    await connection?.end();
  });

  const store = (): CounterStore => {
    const balance = async (): Promise<number> => {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        `select balance from ${TABLE} where id = 1`,
      );
      return Number(rows[0]?.['balance']);
    };
    return {
      reset: async () => void (await connection.query(`update ${TABLE} set balance = 100 where id = 1`)),
      read: balance,
      write: async (value) =>
        void (await connection.query(`update ${TABLE} set balance = ? where id = 1`, [value])),
      add: async (amount) =>
        void (await connection.query(`update ${TABLE} set balance = balance + ? where id = 1`, [amount])),
      current: balance,
    };
  };

  it('the lost update is found and replays exactly (seed 41)', async () => {
    await expectFoundAndReplayed(lostUpdate('mysql2 lost update', store()), 41);
  });

  it('the atomic update passes, with nothing uncontrolled (seed 41)', async () => {
    await expectFixed(atomicAdd('mysql2 atomic add', store()), 41);
  });
});
