/**
 * The pool fray/db hands to the application is a real `pg.Pool` — `new pg.Pool({ Client })`
 * with fray's client class — so `instanceof pg.Pool` holds (Prisma's `@prisma/adapter-pg`
 * checks it), and pg-pool itself provides the promise and callback forms of `connect`,
 * `query` and `release`, its events and its counters.
 *
 * fray's part is the client: {@link FrayClient} looks like a `pg.Client` but, instead of a
 * socket, runs its statements on the view's (or fresh database's) one database session,
 * through the {@link PoolCore}'s gate. All "connections" of the pool share that session
 * (that is what makes `isolated()` possible): statements are serialised, and while a client
 * holds an open transaction every other client waits for it to end — a real second
 * connection would only wait for the rows the transaction locked.
 *
 * Every checkout is a new client (`maxUses: 1`): releasing a client ends it, and a
 * transaction it left open is rolled back, as when a real connection is closed; a released
 * client refuses further statements (`FRAY_DB_CLOSED`) instead of silently serving them.
 *
 * The classes avoid `#private` fields on purpose: fray/race wraps pools in a Proxy
 * (`ctl.wrap(pool)`), and private fields do not work through a Proxy.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import pg, { type TransactionStatus } from 'pg';
import { DbClosedError, DbUsageError } from '../errors/index.ts';
import type { Owner } from './gate.ts';
import type { PoolCore } from './pool-core.ts';
import type { PgResult } from './runners.ts';
import type { PgQuery, PgSubmittable } from './session.ts';

type Callback = (error: Error | null | undefined, result?: unknown) => void;

function isSubmittable(value: unknown): value is PgSubmittable {
  return typeof value === 'object' && value !== null && typeof (value as PgSubmittable).submit === 'function';
}

function toQuery(config: unknown, values: unknown): PgQuery {
  if (typeof config === 'string') {
    return { config, values: Array.isArray(values) ? values : undefined, text: config };
  }
  if (typeof config !== 'object' || config === null) {
    throw new TypeError('Client was passed a null or undefined query');
  }
  const text = (config as { text?: unknown }).text;
  return {
    config: config as pg.QueryConfig,
    values: Array.isArray(values) ? values : undefined,
    text: typeof text === 'string' ? text : '',
  };
}

/** Settle `promise` through a node-style callback, as `pg` does when one is given. */
function viaCallback(
  promise: Promise<unknown>,
  callback: Callback | undefined,
): Promise<unknown> | undefined {
  if (callback === undefined) return promise;
  promise.then(
    (result) => callback(null, result),
    (error: unknown) => callback(error as Error),
  );
  return undefined;
}

/** The arguments of `query(text|config, values?, callback?)`, normalised as `pg` does. */
function queryArgs(args: readonly unknown[]): {
  config: unknown;
  values: unknown;
  callback: Callback | undefined;
} {
  const [config, second, third] = args;
  if (typeof second === 'function') return { config, values: undefined, callback: second as Callback };
  return { config, values: second, callback: typeof third === 'function' ? (third as Callback) : undefined };
}

let nextProcessId = 1;

/**
 * A `pg.Client` look-alike whose statements run on a fray/db session. pg-pool creates one
 * per checkout (`new pg.Pool({ Client })`); `view.pg.Client` hands the class to code that
 * creates its own clients (Sequelize's `dialectModule`).
 *
 * @example
 * ```ts
 * const client = await view.pool.connect(); // a FrayClient, checked out of a real pg.Pool
 * try {
 *   await client.query('BEGIN');
 *   await client.query('update accounts set balance = balance - $1 where id = $2', [10, 1]);
 *   await client.query('COMMIT');
 * } finally {
 *   client.release();
 * }
 * ```
 */
export class FrayClient extends EventEmitter {
  /** The pool's core; internal. */
  protected readonly core: PoolCore;
  /** This client's identity in the session's gate, once connected; internal. */
  protected owner: Owner | undefined;
  /** Read by pg-pool: whether the client can still run statements. */
  _queryable = true;
  /** Read by pg-pool: whether `end()` was called. */
  _ending = false;
  /** A per-process number, where `pg` has the server's backend PID (for logs; cancel is not supported). */
  readonly processID: number = nextProcessId++;
  /** Escape an identifier, as `pg` does. */
  readonly escapeIdentifier = pg.escapeIdentifier;
  /** Escape a literal, as `pg` does. */
  readonly escapeLiteral = pg.escapeLiteral;
  /** Set by pg-pool on checkout. */
  release?: (error?: Error | boolean) => void;

  constructor(core: PoolCore) {
    super();
    this.core = core;
  }

  /** Attach to the session (no I/O). Connecting twice fails as in `pg`. */
  connect(callback?: (error: Error | null) => void): any {
    let error: Error | undefined;
    if (this.owner !== undefined || this._ending) {
      error = new Error('Client has already been connected. You cannot reuse a client.');
    } else if (this.core.isClosed) {
      error = new DbClosedError(`the ${this.core.label}`, this.core.closedFix);
    } else this.owner = this.core.openClient(this);
    if (callback !== undefined) {
      queueMicrotask(() => callback(error ?? null));
      return undefined;
    }
    return error === undefined ? Promise.resolve() : Promise.reject(error);
  }

  /**
   * Run a query: `(text, values?, callback?)`, `(config, values?, callback?)` or a
   * submittable (pg-cursor, pg-query-stream), which is returned as `pg` does.
   */
  query(...args: unknown[]): any {
    const { config, values, callback } = queryArgs(args);
    if (isSubmittable(config)) {
      const owner = this.owner;
      if (owner === undefined || this._ending) {
        queueMicrotask(() => config.handleError?.(this.unusable(), undefined));
        return config;
      }
      this.core.submit(owner, config);
      return config;
    }
    let promise: Promise<PgResult>;
    try {
      const owner = this.owner;
      promise =
        owner === undefined || this._ending
          ? Promise.reject(this.unusable())
          : this.core.run(owner, toQuery(config, values));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- pg's own synchronous TypeError, delivered unchanged
      promise = Promise.reject(error);
    }
    return viaCallback(promise, callback);
  }

  /**
   * Detach from the session: a transaction the client left open is rolled back, as when a
   * real connection closes. pg-pool calls it when a client is released.
   */
  end(callback?: (error?: Error) => void): any {
    const owner = this.owner;
    const first = !this._ending;
    this._ending = true;
    this._queryable = false;
    const closing =
      owner === undefined || !first
        ? Promise.resolve()
        : this.core.closeClient(owner).catch(() => {
            // The session broke while rolling the client's transaction back: the next
            // statement on it reports the broken connection, and the view discards it.
          });
    const ended = closing.then(() => {
      if (first) this.emit('end');
    });
    if (callback === undefined) return ended;
    void ended.then(() => callback());
    return undefined;
  }

  /** `I` (idle), `T` (in a transaction) or `E` (failed transaction), for this client. */
  getTransactionStatus(): TransactionStatus {
    if (this.owner === undefined || this.core.gate.txOwner !== this.owner) return 'I';
    return this.core.session.status() === 'E' ? 'E' : 'T';
  }

  /** The type parser `pg` would use. */
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    return pg.types.getTypeParser(oid, format);
  }

  /** Whether the client is attached and not ended. */
  isConnected(): boolean {
    return this.owner !== undefined && !this._ending;
  }

  /** No back-pressure to manage: statements are serialised by fray. */
  pauseDrain(): void {}

  /** No back-pressure to manage: statements are serialised by fray. */
  resumeDrain(): void {}

  /** Nothing to keep alive: the session belongs to fray/db. */
  ref(): void {}

  /** Nothing to keep alive: the session belongs to fray/db. */
  unref(): void {}

  private unusable(): DbClosedError {
    if (this.owner === undefined && !this._ending) {
      return new DbClosedError(
        'this client is not connected and',
        'call client.connect() first, or check one out with pool.connect().',
      );
    }
    return new DbClosedError(
      `${this.owner?.label ?? 'the client'} of the ${this.core.label} was released (or ended) and`,
      'check out a new client with pool.connect(); a released client may already serve another request.',
    );
  }
}

/** A `FrayClient` class bound to one core, constructible as pg-pool and drivers do. */
export type FrayClientClass = new (config?: unknown) => FrayClient;

/**
 * The client class for `core`: `new Client(anyConfig)` attaches to the core's session.
 *
 * @example
 * ```ts
 * const Client = clientClass(core);
 * const client = new Client();
 * await client.connect();
 * ```
 */
export function clientClass(core: PoolCore): FrayClientClass {
  return class BoundFrayClient extends FrayClient {
    constructor(_config?: unknown) {
      super(core);
    }
  };
}

/**
 * pg-pool's options for a fray pool: fray's client, a new client per checkout, no idle
 * timers, no connection limit of its own (the session's gate is the limit).
 */
export function frayPoolOptions(Client: FrayClientClass): pg.PoolConfig {
  return {
    Client: Client as unknown as NonNullable<pg.PoolConfig['Client']>,
    max: 1000,
    maxUses: 1,
    idleTimeoutMillis: 0,
    allowExitOnIdle: true,
  };
}

/**
 * A real `pg.Pool` whose clients run on `core`'s session.
 *
 * @example
 * ```ts
 * const pool = createFrayPool(core);
 * pool instanceof pg.Pool; // true
 * await pool.query('select 1');
 * ```
 */
export function createFrayPool(core: PoolCore, Client: FrayClientClass = clientClass(core)): pg.Pool {
  const pool = new pg.Pool(frayPoolOptions(Client));
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  // pg-pool takes a third argument for a callback only; PGlite's drivers pass an options
  // object there (drizzle-orm/pglite: `query(sql, params, { rowMode, parsers })`), which
  // pg-pool would call as a function long after — an uncaught TypeError and NaN counts.
  pool.query = ((...args: unknown[]) => {
    const third = args[2];
    if (third === undefined || typeof third === 'function') return query(...args);
    return Promise.reject(
      new DbUsageError(
        `${core.label}'s pool is a pg.Pool, and it was called with PGlite's query signature query(sql, params, { rowMode, parsers }) — the way drizzle-orm/pglite calls a PGlite instance.`,
        "use drizzle-orm/node-postgres on the same pool, `drizzle({ client: view.pool })`: it is the same PostgreSQL, isolated per test. fray does not hand out its PGlite instance: the worker's tests share it, and a driver's BEGIN/COMMIT on it would escape the test's transaction.",
      ),
    );
  }) as pg.Pool['query'];
  return pool;
}
