/**
 * The machinery behind one `pg`-compatible pool over one session: the gate, the runner,
 * the checked-out clients, and the routing of notices and notifications to the client that
 * should receive them.
 *
 * @module
 */
import type pg from 'pg';
import { DbClosedError } from '../errors/index.ts';
import { callSite } from './call-site.ts';
import { Gate, newOwner, type Owner } from './gate.ts';
import type { LeaseHolder } from './lease.ts';
import type { PgResult, RunnerHost, StatementRunner } from './runners.ts';
import type { PgQuery, PgSubmittable, Session } from './session.ts';
import { classifyQuery } from './statement-kind.ts';

/** Something that can receive `notice` and `notification` events (a checked-out client). */
export interface EventTarget {
  emit(event: string, ...args: unknown[]): boolean;
}

/** Options of a {@link PoolCore}. */
export interface PoolCoreOptions {
  readonly session: Session;
  /** Name in messages: `isolated() view`, `fresh() database`. */
  readonly label: string;
  /** ms a statement tolerates another client's idle open transaction; 0 waits forever. */
  readonly waitTimeout: number;
  /** Builds the runner once the host exists. */
  readonly runner: (host: RunnerHost) => StatementRunner;
  /** Activity of the lease holder this pool belongs to, if any. */
  readonly holder?: LeaseHolder | undefined;
  /** Fix shown when the pool is used after it was closed. */
  readonly closedFix: string;
}

/**
 * Shared state of a pool and its clients.
 *
 * @example
 * ```ts
 * const core = new PoolCore({ session, label: 'fresh() database', waitTimeout: 3000, runner: (host) => new DirectRunner(host), closedFix: '…' });
 * const owner = core.openClient(client);
 * const result = await core.run(owner, { config: 'select 1', values: undefined, text: 'select 1' });
 * ```
 */
export class PoolCore implements RunnerHost {
  readonly session: Session;
  readonly gate: Gate;
  readonly runner: StatementRunner;
  readonly label: string;
  private readonly holder: LeaseHolder | undefined;
  private readonly targets = new Map<Owner, EventTarget>();
  private readonly listening = new Map<Owner, Set<string>>();
  private current: Owner | null = null;
  private closed: DbClosedError | null = null;
  /** Fix shown when the pool is used after it was closed. */
  readonly closedFix: string;
  private readonly unsubscribe: (() => void)[] = [];
  private nextClient = 1;

  constructor(options: PoolCoreOptions) {
    this.session = options.session;
    this.label = options.label;
    this.holder = options.holder;
    this.closedFix = options.closedFix;
    this.gate = new Gate({ label: options.label, waitTimeout: options.waitTimeout });
    this.runner = options.runner(this);
    this.unsubscribe.push(
      this.session.onNotice((notice) => {
        if (this.current !== null) this.targets.get(this.current)?.emit('notice', notice);
      }),
      this.session.onNotification((message) => this.deliver(message)),
    );
  }

  /** Whether the pool was closed (view disposed, database ended). */
  get isClosed(): boolean {
    return this.closed !== null;
  }

  /** A new owner for a checked-out client, registered for events. */
  openClient(target: EventTarget): Owner {
    const owner = newOwner(`client #${this.nextClient++}`);
    this.targets.set(owner, target);
    return owner;
  }

  /** The client of `owner` was released: roll back a transaction it left open. */
  async closeClient(owner: Owner): Promise<void> {
    this.targets.delete(owner);
    this.listening.delete(owner);
    if (this.closed !== null) return;
    await this.gate.enqueue(owner, () => this.runner.abandon(owner));
  }

  /** Run a query for `owner` once the session is free for it. */
  run(owner: Owner, query: PgQuery): Promise<PgResult> {
    if (this.closed !== null) return Promise.reject(this.closed);
    const shape = classifyQuery(query.text);
    const site = !shape.several && shape.statement.kind === 'begin' ? callSite() : undefined;
    const admitted: PgQuery = site === undefined ? query : { ...query, site };
    return this.gate.enqueue(owner, () => this.track(owner, () => this.runner.execute(owner, admitted)));
  }

  /** Submit a cursor or stream for `owner`. */
  submit(owner: Owner, submittable: PgSubmittable): void {
    if (this.closed !== null) {
      const error = this.closed;
      queueMicrotask(() => submittable.handleError?.(error, undefined));
      return;
    }
    this.gate
      .enqueue(owner, () => this.track(owner, () => this.runner.submit(owner, submittable)))
      .catch((error: unknown) => submittable.handleError?.(error, undefined));
  }

  /**
   * Run a submittable for `owner` once the session is free for it; resolves when it is done
   * with the session (fray's wire server passes a URL client's messages through this way).
   */
  exchange(owner: Owner, submittable: PgSubmittable): Promise<void> {
    if (this.closed !== null) return Promise.reject(this.closed);
    return this.gate.enqueue(owner, () => this.track(owner, () => this.runner.submit(owner, submittable)));
  }

  /** The transaction status `owner` sees: its own transaction's, or idle. */
  statusFor(owner: Owner): 'I' | 'T' | 'E' {
    if (this.gate.txOwner !== owner) return 'I';
    return this.session.status() === 'E' ? 'E' : 'T';
  }

  /**
   * Refuse new statements, reject queued ones, and wait for the running one. The session
   * itself stays open: its owner (a view, a fresh database) decides what happens to it.
   */
  async close(what: string): Promise<void> {
    this.closed ??= new DbClosedError(what, this.closedFix);
    await this.gate.close(this.closed);
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  notice(owner: Owner, notice: unknown): void {
    this.targets.get(owner)?.emit('notice', notice);
  }

  listen(owner: Owner, kind: 'listen' | 'unlisten', channel: string | undefined): void {
    if (channel === undefined) return;
    let channels = this.listening.get(owner);
    if (kind === 'listen') {
      if (channels === undefined) this.listening.set(owner, (channels = new Set()));
      channels.add(channel);
    } else if (channel === '*') channels?.clear();
    else channels?.delete(channel);
  }

  private deliver(message: pg.Notification): void {
    for (const [owner, channels] of this.listening) {
      if (channels.has(message.channel)) this.targets.get(owner)?.emit('notification', message);
    }
  }

  private async track<T>(owner: Owner, work: () => Promise<T>): Promise<T> {
    this.holder?.begin();
    this.current = owner;
    try {
      return await work();
    } finally {
      this.current = null;
      this.holder?.end();
    }
  }
}
