/**
 * The `pg`-compatible pool fray/db hands to the application: `query(text, values)`,
 * `query({ text, values, rowMode, types, name })`, callbacks, `connect()` → a client with
 * `query()` and `release()`, `end()`, and pg-pool's events and counters.
 *
 * All "connections" of the pool share one database session (that is what makes
 * `isolated()` possible). Statements are serialised; while a client holds an open
 * transaction, every other client and `pool.query()` waits for it to end, exactly as a
 * second connection would wait for the rows the transaction locked — except that here it
 * waits for the whole transaction.
 *
 * The classes avoid `#private` fields on purpose: fray/race wraps the pool in a Proxy
 * (`ctl.wrap(pool)`), and private fields do not work through a Proxy.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import pg, { type TransactionStatus } from 'pg';
import { DbClosedError } from '../errors/index.ts';
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

/**
 * The arguments of `query(text|config, values?, callback?)`, normalised as `pg` does.
 */
function parseArgs(args: readonly unknown[]): {
  config: unknown;
  values: unknown;
  callback: Callback | undefined;
} {
  const [config, second, third] = args;
  if (typeof second === 'function') return { config, values: undefined, callback: second as Callback };
  return { config, values: second, callback: typeof third === 'function' ? (third as Callback) : undefined };
}

/**
 * A client checked out of a {@link FrayPool}: `query()`, `release()`, and the client
 * events `notice` and `notification`.
 *
 * @example
 * ```ts
 * const client = await pool.connect();
 * try {
 *   await client.query('BEGIN');
 *   await client.query('update accounts set balance = balance - $1 where id = $2', [10, 1]);
 *   await client.query('COMMIT');
 * } finally {
 *   client.release();
 * }
 * ```
 */
export class FrayPoolClient extends EventEmitter {
  /** The pool's core; internal. */
  protected readonly core: PoolCore;
  /** This client's identity in the session's gate; internal. */
  protected readonly owner: Owner;
  protected released = false;
  private readonly onRelease: ((error: unknown) => void) | undefined;
  /** Escape an identifier, as `pg` does. */
  readonly escapeIdentifier = pg.escapeIdentifier;
  /** Escape a literal, as `pg` does. */
  readonly escapeLiteral = pg.escapeLiteral;

  constructor(core: PoolCore, onRelease?: (error: unknown) => void) {
    super();
    this.core = core;
    this.owner = core.openClient(this);
    this.onRelease = onRelease;
  }

  /**
   * Run a query: `(text, values?, callback?)`, `(config, values?, callback?)` or a
   * submittable (pg-cursor, pg-query-stream), which is returned as `pg` does.
   */
  query(...args: unknown[]): any {
    const { config, values, callback } = parseArgs(args);
    if (isSubmittable(config)) {
      if (this.released) {
        queueMicrotask(() => config.handleError?.(this.releasedError(), undefined));
        return config;
      }
      this.core.submit(this.owner, config);
      return config;
    }
    let promise: Promise<PgResult>;
    try {
      promise = this.released
        ? Promise.reject(this.releasedError())
        : this.core.run(this.owner, toQuery(config, values));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- pg's own synchronous TypeError, delivered unchanged
      promise = Promise.reject(error);
    }
    return viaCallback(promise, callback);
  }

  /**
   * Give the client back. A transaction it left open is rolled back, as when a real
   * connection is closed. Releasing twice throws, as in `pg`.
   */
  release(error?: Error | boolean): void {
    if (this.released) {
      throw new Error('Release called on client which has already been released to the pool.');
    }
    this.released = true;
    this.onRelease?.(error);
    this.core.closeClient(this.owner).catch(() => {
      // The session broke while rolling the client's transaction back: the next statement
      // on it reports the broken connection, and the view discards the session at dispose.
    });
  }

  /** A pooled client is already connected; `pg` rejects a second connect the same way. */
  connect(callback?: (error: Error) => void): Promise<void> | undefined {
    const error = new Error('Client has already been connected. You cannot reuse a client.');
    if (callback !== undefined) {
      queueMicrotask(() => callback(error));
      return undefined;
    }
    return Promise.reject(error);
  }

  /** Same as {@link release}; a pooled client is ended by releasing it. */
  end(): Promise<void> {
    if (!this.released) this.release();
    return Promise.resolve();
  }

  /** `I` (idle), `T` (in a transaction) or `E` (failed transaction), for this client. */
  getTransactionStatus(): TransactionStatus {
    if (this.core.gate.txOwner !== this.owner) return 'I';
    return this.core.session.status() === 'E' ? 'E' : 'T';
  }

  /** The type parser `pg` would use. */
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    return pg.types.getTypeParser(oid, format);
  }

  /** No back-pressure to manage: statements are serialised by fray. */
  pauseDrain(): void {}

  /** No back-pressure to manage: statements are serialised by fray. */
  resumeDrain(): void {}

  /** Nothing to keep alive: the session belongs to fray/db. */
  ref(): void {}

  /** Nothing to keep alive: the session belongs to fray/db. */
  unref(): void {}

  private releasedError(): DbClosedError {
    return new DbClosedError(
      `${this.owner.label} of the ${this.core.label} was released and`,
      'check out a new client with pool.connect(); a released client may already serve another request.',
    );
  }
}

/** Options of a {@link FrayPool}. */
export interface FrayPoolOptions {
  /** Reported as `pool.options` (pg-pool exposes its configuration there). */
  readonly options?: Record<string, unknown>;
}

/**
 * A `pg.Pool` look-alike over one fray session. Pass it wherever the application expects
 * a `pg.Pool`: Drizzle's node-postgres driver, Kysely's `PostgresDialect`, raw `pg` code.
 *
 * @example
 * ```ts
 * await using view = await db.isolated();
 * const { rows } = await view.pool.query('select * from users where id = $1', [1]);
 * const orm = drizzle(view.pool);
 * ```
 */
export class FrayPool extends EventEmitter {
  /** The pool's core; internal. */
  protected readonly core: PoolCore;
  /** pg-pool's configuration view. */
  readonly options: Record<string, unknown>;
  private endCalled = false;
  private connected = false;
  private checkedOut = 0;

  constructor(core: PoolCore, options: FrayPoolOptions = {}) {
    super();
    this.core = core;
    this.options = { max: 1, ...options.options };
  }

  /** One session backs the pool. */
  get totalCount(): number {
    return this.ended ? 0 : 1;
  }

  /** 1 while nothing runs and no client is checked out. */
  get idleCount(): number {
    return this.ended || this.checkedOut > 0 || this.core.gate.busy ? 0 : 1;
  }

  /** Statements waiting for the session. */
  get waitingCount(): number {
    return this.core.gate.waiting;
  }

  /** Never: the session is not recycled. */
  get expiredCount(): number {
    return 0;
  }

  /** Whether `end()` was called. */
  get ending(): boolean {
    return this.endCalled;
  }

  /** Whether the pool can no longer be used. */
  get ended(): boolean {
    return this.endCalled || this.core.isClosed;
  }

  /** Run one query on the pool: `(text, values?, callback?)` or `(config, values?, callback?)`. */
  query(...args: unknown[]): any {
    const { config, values, callback } = parseArgs(args);
    if (typeof config === 'function') {
      const error = new Error('Passing a function as the first parameter to pool.query is not supported');
      const callbackFn = config as Callback;
      queueMicrotask(() => callbackFn(error));
      return undefined;
    }
    let promise: Promise<PgResult>;
    if (this.endCalled)
      promise = Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
    else if (isSubmittable(config)) {
      promise = Promise.reject(
        new TypeError(
          'pool.query() does not take a cursor or stream; check out a client with pool.connect()',
        ),
      );
    } else {
      try {
        this.announce();
        promise = this.core.run(this.core.poolOwner, toQuery(config, values));
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- pg's own synchronous TypeError, delivered unchanged
        promise = Promise.reject(error);
      }
    }
    return viaCallback(promise, callback);
  }

  /** Check out a client. Resolves at once; its statements wait for the session as needed. */
  connect(
    callback?: (error: Error | undefined, client?: FrayPoolClient, done?: (error?: unknown) => void) => void,
  ): any {
    let promise: Promise<FrayPoolClient>;
    if (this.endCalled)
      promise = Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
    else if (this.core.isClosed) {
      promise = Promise.reject(
        new DbClosedError(
          `the ${this.core.label}`,
          'check out clients only while the view or database is open.',
        ),
      );
    } else {
      this.announce();
      const client = new FrayPoolClient(this.core, (error) => {
        this.checkedOut--;
        this.emit('release', error, client);
      });
      this.checkedOut++;
      this.emit('acquire', client);
      promise = Promise.resolve(client);
    }
    if (callback === undefined) return promise;
    promise.then(
      (client) => callback(undefined, client, (error?: unknown) => client.release(error as Error)),
      (error: unknown) => callback(error as Error),
    );
    return undefined;
  }

  /**
   * Stop accepting queries; resolves when the running ones are done. The session belongs to
   * fray/db and stays open; ending twice rejects, as in pg-pool.
   */
  end(callback?: (error?: Error) => void): any {
    let promise: Promise<void>;
    if (this.endCalled) promise = Promise.reject(new Error('Called end on pool more than once'));
    else {
      this.endCalled = true;
      promise = this.core.gate.settled();
    }
    if (callback === undefined) return promise;
    promise.then(
      () => callback(),
      (error: unknown) => callback(error as Error),
    );
    return undefined;
  }

  /**
   * pg-pool emits `connect` once per new connection, and applications use it to prepare
   * sessions (`SET search_path …`). The pool's one "connection" is announced on first use,
   * before the statement that triggered it, so the handler's statements run first.
   */
  private announce(): void {
    if (this.connected) return;
    this.connected = true;
    if (this.listenerCount('connect') === 0) return;
    const client = new FrayPoolClient(this.core);
    this.emit('connect', client);
  }
}
