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
import type pg from 'pg';
import type { TransactionStatus } from 'pg';

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
  private readonly notificationListeners = new Set<NotificationListener>();
  private readonly noticeListeners = new Set<NoticeListener>();
  private readonly breakListeners = new Set<(error: Error) => void>();

  private constructor(client: pg.Client, label: string) {
    this.client = client;
    this.label = label;
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

  /** Connect `client` and wrap it. */
  static async connect(client: pg.Client, label: string): Promise<Session> {
    const session = new Session(client, label);
    await client.connect();
    return session;
  }

  /** Run a query exactly as given. */
  query(query: PgQuery): Promise<pg.QueryResult | pg.QueryResult[]> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const values = query.values === undefined ? undefined : [...query.values];
    return this.client.query(query.config as pg.QueryConfig, values) as Promise<
      pg.QueryResult | pg.QueryResult[]
    >;
  }

  /** Run fray's own SQL (no values; may hold several statements). */
  async simple(text: string): Promise<void> {
    if (this.broken !== undefined) throw this.broken;
    await this.client.query(text);
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

  private markBroken(error: Error): void {
    this.broken ??= error;
    for (const listener of [...this.breakListeners]) listener(error);
  }
}
