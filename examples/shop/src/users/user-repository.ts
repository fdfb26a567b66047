/**
 * Users in the database.
 *
 * @module
 */
import type { Queryable } from '../db/database.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

/** A user as the API returns it. */
export interface User {
  id: number;
  name: string;
  email: string;
}

/** Fields a client may set. */
export interface UserInput {
  name: string;
  email: string;
}

interface UserRow {
  id: string;
  name: string;
  email: string;
}

const toUser = (row: UserRow): User => ({ id: Number(row.id), name: row.name, email: row.email });

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

/** CRUD over the `users` table. */
export class UserRepository {
  readonly #db: Queryable;
  constructor(db: Queryable) {
    this.#db = db;
  }

  async list(): Promise<User[]> {
    const result = await this.#db.query<UserRow>('select id, name, email from users order by id');
    return result.rows.map(toUser);
  }

  async get(id: number): Promise<User> {
    const result = await this.#db.query<UserRow>('select id, name, email from users where id = $1', [id]);
    const row = result.rows[0];
    if (row === undefined) throw new NotFoundError(`user ${id} not found`);
    return toUser(row);
  }

  async create(input: UserInput): Promise<User> {
    try {
      const result = await this.#db.query<UserRow>(
        'insert into users (name, email) values ($1, $2) returning id, name, email',
        [input.name, input.email],
      );
      return toUser(result.rows[0] as UserRow);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`a user with email ${input.email} already exists`);
      throw error;
    }
  }

  async update(id: number, input: Partial<UserInput>): Promise<User> {
    try {
      const result = await this.#db.query<UserRow>(
        'update users set name = coalesce($2, name), email = coalesce($3, email) where id = $1 returning id, name, email',
        [id, input.name ?? null, input.email ?? null],
      );
      const row = result.rows[0];
      if (row === undefined) throw new NotFoundError(`user ${id} not found`);
      return toUser(row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`a user with email ${input.email ?? ''} already exists`);
      throw error;
    }
  }

  async remove(id: number): Promise<void> {
    const result = await this.#db.query('delete from users where id = $1', [id]);
    if (result.rowCount === 0) throw new NotFoundError(`user ${id} not found`);
  }
}
