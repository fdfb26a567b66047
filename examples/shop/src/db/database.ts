/**
 * The shop's view of its database: the part of a `pg` Pool it uses. Production passes a
 * `pg.Pool`; tests and the demo pass fray/db's pool (PGlite or a real Postgres), which has
 * the same shape.
 *
 * @module
 */

/** A query result, as `pg` returns it. */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

/** Anything that runs a query: a pool or a checked-out client. */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

/** A connection checked out of the pool, for transactions. */
export interface PoolClient extends Queryable {
  release(error?: Error | boolean): void;
}

/** The pool the application is given. */
export interface Database extends Queryable {
  connect(): Promise<PoolClient>;
}

/**
 * Run `work` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it
 * throws, and always release the connection.
 */
export async function transaction<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The migrations directory (plain .sql files applied in order). */
export const migrationsDir = new URL('./migrations/', import.meta.url).pathname;
