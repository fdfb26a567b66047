/**
 * The sessions `isolated()` views run on: up to `capacity` at once, reused from test to
 * test, replaced when one breaks.
 *
 * PGlite has exactly one session per instance (capacity 1: concurrent tests take turns);
 * a Postgres worker database has up to `connections`, opened on demand.
 *
 * @module
 */
import { DbClosedError } from '../errors/index.ts';
import { Lease, type LeaseHolder } from './lease.ts';
import type { Session } from './session.ts';

/** Options of a {@link SessionSet}. */
export interface SessionSetOptions {
  readonly capacity: number;
  readonly waitTimeout: number;
  /** What is leased, for messages. */
  readonly label: string;
  /** Open a new session. */
  readonly open: () => Promise<Session>;
  /** Dispose of a session that broke or is no longer needed. */
  readonly discard: (session: Session) => Promise<void>;
}

/**
 * A small pool of sessions behind a {@link Lease}.
 *
 * @example
 * ```ts
 * const set = new SessionSet({ capacity: 4, waitTimeout: 3000, label: 'worker database', open, discard });
 * const session = await set.acquire(holder);
 * set.release(session, holder, true);
 * ```
 */
export class SessionSet {
  private readonly lease: Lease;
  private readonly idle: Session[] = [];
  private readonly all = new Set<Session>();
  private readonly options: SessionSetOptions;
  private closed = false;

  constructor(options: SessionSetOptions) {
    this.options = options;
    this.lease = new Lease({
      capacity: options.capacity,
      waitTimeout: options.waitTimeout,
      label: options.label,
    });
  }

  /** A session for `holder`, once one is free. */
  async acquire(holder: LeaseHolder): Promise<Session> {
    await this.lease.acquire(holder);
    try {
      for (;;) {
        const session = this.idle.pop();
        if (session === undefined) break;
        if (session.broken === undefined) return session;
        this.all.delete(session);
        await this.options.discard(session);
      }
      const session = await this.options.open();
      this.all.add(session);
      return session;
    } catch (error) {
      this.lease.release(holder);
      throw error;
    }
  }

  /** Give `session` back; a session that is not `healthy` is discarded. */
  async release(session: Session, holder: LeaseHolder, healthy: boolean): Promise<void> {
    try {
      if (healthy && session.broken === undefined && !this.closed) this.idle.push(session);
      else {
        this.all.delete(session);
        await this.options.discard(session);
      }
    } finally {
      this.lease.release(holder);
    }
  }

  /** Refuse new acquisitions and discard every session not in use. */
  async close(): Promise<void> {
    this.closed = true;
    this.lease.close(new DbClosedError('the test database', 'create views only before end() is called.'));
    const idle = this.idle.splice(0);
    for (const session of idle) {
      this.all.delete(session);
      await this.options.discard(session);
    }
  }

  /** Sessions still leased (views not disposed). */
  get inUse(): number {
    return this.lease.held;
  }
}
