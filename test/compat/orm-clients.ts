/**
 * The same small "accounts" repository written with each ORM and client teams use, each
 * connected to a fray/db view with its documented one-line setup (docs/db.md, "ORMs and
 * clients"): Prisma 7 through `@prisma/adapter-pg` on `view.pool`; TypeORM, knex,
 * Sequelize and postgres.js on `view.url`.
 *
 * `deposit` reads the balance and writes it back increased — the read-modify-write two
 * concurrent deposits turn into a lost update.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import knex from 'knex';
import type pg from 'pg';
import postgres from 'postgres';
import { DataTypes, Sequelize, type Model } from 'sequelize';
import { DataSource, EntitySchema } from 'typeorm';

/** What every ORM's repository offers the tests. */
export interface Accounts {
  open(owner: string, balance: number): Promise<number>;
  balance(id: number): Promise<number>;
  /** Read the balance, then write it back increased (two statements, no lock). */
  deposit(id: number, amount: number): Promise<void>;
  /** The same inside the ORM's transaction API; `fail` throws after the write. */
  depositInTransaction(id: number, amount: number, fail?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** What a view or fresh database offers an ORM. */
export interface Target {
  readonly pool: pg.Pool;
  readonly url: string;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const prismaClientPath = `${root}.fray/compat/prisma-client/client.ts`;

/**
 * `prisma generate` for test/compat/prisma/schema.prisma, offline: the generator needs no
 * engine, but the CLI insists on a schema-engine binary path before it starts (it would
 * download one from Prisma's servers otherwise), so any existing file will do.
 */
export async function generatePrismaClient(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [
      `${root}node_modules/prisma/build/index.js`,
      'generate',
      '--schema',
      `${root}test/compat/prisma/schema.prisma`,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
      timeout: 120_000,
    },
  );
}

interface PrismaAccounts {
  account: {
    create(args: { data: { owner: string; balance: number } }): Promise<{ id: number }>;
    findUniqueOrThrow(args: { where: { id: number } }): Promise<{ balance: number }>;
    update(args: { where: { id: number }; data: { balance: number } }): Promise<unknown>;
  };
  $transaction<T>(fn: (tx: PrismaAccounts) => Promise<T>): Promise<T>;
  $disconnect(): Promise<void>;
}

async function prismaAccounts(target: Target): Promise<Accounts> {
  const { PrismaClient } = (await import(prismaClientPath)) as {
    PrismaClient: new (options: { adapter: PrismaPg }) => PrismaAccounts;
  };
  const prisma = new PrismaClient({ adapter: new PrismaPg(target.pool) });
  const deposit = async (client: PrismaAccounts, id: number, amount: number): Promise<void> => {
    const { balance } = await client.account.findUniqueOrThrow({ where: { id } });
    await client.account.update({ where: { id }, data: { balance: balance + amount } });
  };
  return {
    open: async (owner, balance) => (await prisma.account.create({ data: { owner, balance } })).id,
    balance: async (id) => (await prisma.account.findUniqueOrThrow({ where: { id } })).balance,
    deposit: (id, amount) => deposit(prisma, id, amount),
    depositInTransaction: (id, amount, fail) =>
      prisma.$transaction(async (tx) => {
        await deposit(tx, id, amount);
        if (fail === true) throw new Error('abort');
      }),
    close: () => prisma.$disconnect(),
  };
}

interface AccountRow {
  id: number;
  owner: string;
  balance: number;
}

const AccountEntity = new EntitySchema<AccountRow>({
  name: 'Account',
  tableName: 'accounts',
  columns: {
    id: { type: Number, primary: true, generated: true },
    owner: { type: String },
    balance: { type: Number },
  },
});

async function typeormAccounts(target: Target): Promise<Accounts> {
  const source = new DataSource({ type: 'postgres', url: target.url, entities: [AccountEntity] });
  await source.initialize();
  const accounts = source.getRepository(AccountEntity);
  return {
    open: async (owner, balance) => (await accounts.save({ owner, balance })).id,
    balance: async (id) => (await accounts.findOneByOrFail({ id })).balance,
    deposit: async (id, amount) => {
      const { balance } = await accounts.findOneByOrFail({ id });
      await accounts.update(id, { balance: balance + amount });
    },
    depositInTransaction: (id, amount, fail) =>
      source.transaction(async (manager) => {
        const { balance } = await manager.findOneByOrFail(AccountEntity, { id });
        await manager.update(AccountEntity, id, { balance: balance + amount });
        if (fail === true) throw new Error('abort');
      }),
    close: () => source.destroy(),
  };
}

function knexAccounts(target: Target): Accounts {
  const db = knex({ client: 'pg', connection: target.url });
  const deposit = async (query: knex.Knex, id: number, amount: number): Promise<void> => {
    const row = (await query<AccountRow>('accounts').where({ id }).first()) as AccountRow;
    await query('accounts')
      .where({ id })
      .update({ balance: row.balance + amount });
  };
  return {
    open: async (owner, balance) => {
      const [row] = await db('accounts').insert({ owner, balance }).returning<{ id: number }[]>('id');
      return row!.id;
    },
    balance: async (id) => ((await db<AccountRow>('accounts').where({ id }).first()) as AccountRow).balance,
    deposit: (id, amount) => deposit(db, id, amount),
    depositInTransaction: (id, amount, fail) =>
      db.transaction(async (trx) => {
        await deposit(trx, id, amount);
        if (fail === true) throw new Error('abort');
      }),
    close: () => db.destroy(),
  };
}

type AccountModel = Model<AccountRow, Omit<AccountRow, 'id'>> & AccountRow;

function sequelizeAccounts(target: Target): Accounts {
  const sequelize = new Sequelize(target.url, { logging: false });
  const Account = sequelize.define<AccountModel>(
    'Account',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      owner: { type: DataTypes.TEXT, allowNull: false },
      balance: { type: DataTypes.INTEGER, allowNull: false },
    },
    { tableName: 'accounts', timestamps: false },
  );
  return {
    open: async (owner, balance) => (await Account.create({ owner, balance })).id,
    balance: async (id) => (await Account.findByPk(id, { rejectOnEmpty: true })).balance,
    deposit: async (id, amount) => {
      const account = await Account.findByPk(id, { rejectOnEmpty: true });
      await Account.update({ balance: account.balance + amount }, { where: { id } });
    },
    depositInTransaction: (id, amount, fail) =>
      sequelize.transaction(async (transaction) => {
        const account = await Account.findByPk(id, { rejectOnEmpty: true, transaction });
        await Account.update({ balance: account.balance + amount }, { where: { id }, transaction });
        if (fail === true) throw new Error('abort');
      }),
    close: () => sequelize.close(),
  };
}

function postgresJsAccounts(target: Target): Accounts {
  const sql = postgres(target.url, { onnotice: () => undefined });
  const deposit = async (
    query: postgres.Sql | postgres.TransactionSql,
    id: number,
    amount: number,
  ): Promise<void> => {
    const [row] = await query<AccountRow[]>`select balance from accounts where id = ${id}`;
    await query`update accounts set balance = ${row!.balance + amount} where id = ${id}`;
  };
  return {
    open: async (owner, balance) => {
      const [row] = await sql<AccountRow[]>`insert into accounts ${sql({ owner, balance })} returning id`;
      return row!.id;
    },
    balance: async (id) =>
      (await sql<AccountRow[]>`select balance from accounts where id = ${id}`)[0]!.balance,
    deposit: (id, amount) => deposit(sql, id, amount),
    depositInTransaction: async (id, amount, fail) => {
      await sql.begin(async (tx) => {
        await deposit(tx, id, amount);
        if (fail === true) throw new Error('abort');
      });
    },
    close: () => sql.end(),
  };
}

/** Each ORM's repository on a target, by row name of the compatibility matrix. */
export const orms: Readonly<Record<string, (target: Target) => Promise<Accounts>>> = {
  'Prisma 7 (@prisma/adapter-pg)': prismaAccounts,
  TypeORM: typeormAccounts,
  knex: (target) => Promise.resolve(knexAccounts(target)),
  Sequelize: (target) => Promise.resolve(sequelizeAccounts(target)),
  'postgres.js': (target) => Promise.resolve(postgresJsAccounts(target)),
};
