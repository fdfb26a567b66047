/**
 * One database session: a connected `pg.Client`, to a PostgreSQL server or to PGlite
 * through PGlite's node-postgres adapter.
 *
 * Every statement fray/db runs goes through `pg`'s own client, on both engines, so results
 * (`rows`, `rowCount`, `fields`, `command`), type parsing (int8 as string, timestamptz as
 * `Date`…) and errors (`DatabaseError` with its SQLSTATE `code`) are exactly what the
 * application gets from `pg` in production.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import pg, { type TransactionStatus } from 'pg';
import { serverTransport, type RawTransport } from './raw-exchange.ts';

/**
 * PGlite's adapter reports errors with PGlite's own copy of `DatabaseError`; applications
 * test `error instanceof pg.DatabaseError`, so they get `pg`'s class, fields unchanged.
 */
function toPgError(error: unknown): unknown {
  if (error instanceof pg.DatabaseError || !(error instanceof Error)) return error;
  const fields = error as Error & Record<string, unknown>;
  if (typeof fields['code'] !== 'string' || typeof fields['severity'] !== 'string') return error;
  const converted = new pg.DatabaseError(
    error.message,
    Number(fields['length'] ?? error.message.length),
    'error',
  );
  Object.assign(converted, fields);
  if (error.stack !== undefined) converted.stack = error.stack;
  return converted;
}

/** A query as `pg` accepts it: text or config object, plus optional values. */
export interface PgQuery {
  readonly config: string | pg.QueryConfig;
  readonly values: readonly unknown[] | undefined;
  /** The SQL text (empty when the config has none). */
  readonly text: string;
  /** Where the application issued it, captured for `BEGIN` only (for wait-timeout messages). */
  readonly site?: string | undefined;
}

/** A `pg` submittable (pg-cursor, pg-query-stream, pg-copy-streams). */
export interface PgSubmittable extends pg.Submittable {
  handleReadyForQuery?: (connection: unknown) => void;
  handleError?: (error: unknown, connection: unknown) => void;
}

type NotificationListener = (message: pg.Notification) => void;
type NoticeListener = (notice: unknown) => void;

/**
 * A connected client plus the state fray tracks about it.
 *
 * @example
 * ```ts
 * const session = await Session.connect(new pg.Client({ connectionString }), 'worker');
 * await session.simple('select 1');
 * ```
 */
export class Session {
  /** The underlying client. Only fray/db's gate may call it. */
  readonly client: pg.Client;
  /** Why the session can no longer be used, once it broke. */
  broken: Error | undefined;
  /** Name used in messages. */
  readonly label: string;
  /** How protocol messages reach the backend byte for byte (fray's wire server). */
  readonly transport: RawTransport;
  private readonly notificationListeners = new Set<NotificationListener>();
  private readonly noticeListeners = new Set<NoticeListener>();
  private readonly breakListeners = new Set<(error: Error) => void>();

  private constructor(client: pg.Client, label: string, transport: RawTransport) {
    this.client = client;
    this.label = label;
    this.transport = transport;
    // An 'error' event with no listener would crash the process; a lost connection is
    // recorded instead and reported by the next statement.
    client.on('error', (error: Error) => this.markBroken(error));
    client.on('end', () => this.markBroken(new Error(`${label}: the connection ended`)));
    client.on('notification', (message: pg.Notification) => {
      for (const listener of this.notificationListeners) listener(message);
    });
    client.on('notice', (notice: unknown) => {
      for (const listener of this.noticeListeners) listener(notice);
    });
  }

  /**
   * Connect `client` and wrap it. `transport` reaches the same backend byte for byte;
   * default: the client's socket (a real server).
   */
  static async connect(
    client: pg.Client,
    label: string,
    transport: RawTransport = serverTransport(),
  ): Promise<Session> {
    const session = new Session(client, label, transport);
    await client.connect();
    return session;
  }

  /**
   * Run a query exactly as given. When it fails, the returned promise settles only once the
   * server's ReadyForQuery has arrived, so {@link status} is accurate — `pg` reports an
   * error as soon as the ErrorResponse arrives, which may be before it.
   */
  async query(query: PgQuery): Promise<pg.QueryResult | pg.QueryResult[]> {
    if (this.broken !== undefined) throw this.broken;
    const values = query.values === undefined ? undefined : [...query.values];
    try {
      return (await this.client.query(query.config as pg.QueryConfig, values)) as
        pg.QueryResult | pg.QueryResult[];
    } catch (error) {
      throw await this.afterError(error);
    }
  }

  /** Run fray's own SQL (no values; may hold several statements). */
  async simple(text: string): Promise<void> {
    if (this.broken !== undefined) throw this.broken;
    try {
      await this.client.query(text);
    } catch (error) {
      throw await this.afterError(error);
    }
  }

  /**
   * Submit a pg submittable and resolve when it has finished with the connection (its
   * ReadyForQuery arrived) or the connection broke.
   */
  submit(submittable: PgSubmittable): Promise<void> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        this.breakListeners.delete(finish);
        resolve();
      };
      const original = submittable.handleReadyForQuery;
      submittable.handleReadyForQuery = function (this: PgSubmittable, connection: unknown) {
        try {
          original?.call(this, connection);
        } finally {
          finish();
        }
      };
      // On an ErrorResponse pg detaches the query at once, so its ReadyForQuery never
      // reaches it: the submittable is done when the connection's next one arrives.
      const originalError = submittable.handleError;
      const ready = (): Promise<void> => this.readyForQuery();
      submittable.handleError = function (this: PgSubmittable, error: unknown, connection: unknown) {
        try {
          originalError?.call(this, error, connection);
        } finally {
          void ready().then(finish);
        }
      };
      this.breakListeners.add(finish);
      this.client.query(submittable);
    });
  }

  /** Transaction status from the last ReadyForQuery: idle, in a block, or failed block. */
  status(): TransactionStatus {
    return this.client.getTransactionStatus();
  }

  /** Listen to NOTIFY messages that arrive on this session. */
  onNotification(listener: NotificationListener): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Listen to notices (RAISE NOTICE, warnings) that arrive on this session. */
  onNotice(listener: NoticeListener): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Close the connection; never throws. */
  async close(): Promise<void> {
    this.broken ??= new Error(`${this.label}: the session was closed`);
    try {
      await this.client.end();
    } catch {
      // Already gone: nothing left to close.
    }
  }

  /**
   * After a failed statement: a server error is always followed by ReadyForQuery, so wait
   * for it. A client-side error that left the client mid-query (an adapter that threw while
   * sending) means the connection can no longer be trusted: it is marked broken instead of
   * waiting for a reply that will never come.
   */
  private async afterError(error: unknown): Promise<unknown> {
    const converted = toPgError(error);
    if (converted instanceof pg.DatabaseError) await this.readyForQuery();
    else if ((this.client as { readyForQuery?: boolean }).readyForQuery === false) {
      this.markBroken(error instanceof Error ? error : new Error(String(error)));
    }
    return converted;
  }

  /** Resolves once the client has processed the server's ReadyForQuery (or broke). */
  private readyForQuery(): Promise<void> {
    const client = this.client as pg.Client & { readyForQuery?: boolean; connection?: EventEmitter };
    if (this.broken !== undefined || client.readyForQuery !== false || client.connection === undefined) {
      return Promise.resolve();
    }
    const connection = client.connection;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        connection.off('readyForQuery', done);
        this.breakListeners.delete(done);
        resolve();
      };
      // Registered after pg's own listener, so pg has updated the status when this runs.
      connection.on('readyForQuery', done);
      this.breakListeners.add(done);
    });
  }

  private markBroken(error: Error): void {
    this.broken ??= error;
    for (const listener of [...this.breakListeners]) listener(error);
  }
}
