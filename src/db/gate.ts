/**
 * The admission gate in front of one database session.
 *
 * A session runs one statement at a time, and while one "connection" of a pool holds an
 * open transaction, statements from every other connection must wait for it to end — on a
 * single session they would otherwise run inside that transaction. The gate queues
 * operations first-in first-out, lets the transaction owner's statements through ahead of
 * the others, and turns the one case that would otherwise hang silently — waiting on an
 * owner that has gone idle — into a {@link DbWaitTimeoutError} naming the owner.
 *
 * @module
 */
import { activeController, natives } from '../control/index.ts';
import { DbWaitTimeoutError, type DbClosedError } from '../errors/index.ts';

// Captured at module load: a test's fake timers must not freeze fray's own bookkeeping.
const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;

/** Who issues a statement: one checked-out client, or the pool's own `query()`. */
export interface Owner {
  readonly id: number;
  /** How the owner is named in messages (`client #3`, `pool.query()`). */
  readonly label: string;
  /** Where the owner's current transaction began, for wait-timeout messages. */
  beganAt: string | undefined;
}

interface Waiter {
  readonly owner: Owner;
  readonly run: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Options of a {@link Gate}. */
export interface GateOptions {
  /** Name of the session in messages (`isolated() view`, `fresh() database`). */
  readonly label: string;
  /** ms a waiter tolerates an idle transaction owner; 0 waits forever. */
  readonly waitTimeout: number;
}

let nextOwnerId = 1;

/**
 * A new owner identity.
 *
 * @example
 * ```ts
 * const owner = newOwner('client #1');
 * ```
 */
export function newOwner(label: string): Owner {
  return { id: nextOwnerId++, label, beganAt: undefined };
}

/**
 * Serialises operations on one session, keeping an open transaction's statements together.
 *
 * @example
 * ```ts
 * const gate = new Gate({ label: 'isolated() view', waitTimeout: 3000 });
 * const rows = await gate.enqueue(owner, () => client.query('select 1'));
 * ```
 */
export class Gate {
  /** The owner whose transaction is open, set by the statement runner after each operation. */
  txOwner: Owner | null = null;
  private running = false;
  private readonly queue: Waiter[] = [];
  private closedBy: DbClosedError | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idle: Promise<void> | undefined;
  private resolveIdle: (() => void) | undefined;
  private readonly options: GateOptions;

  constructor(options: GateOptions) {
    this.options = options;
  }

  /** Operations waiting to run. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Whether an operation is running. */
  get busy(): boolean {
    return this.running;
  }

  /** Run `run` once the session is free for `owner`. */
  enqueue<T>(owner: Owner, run: () => Promise<T>): Promise<T> {
    if (this.closedBy !== null) return Promise.reject(this.closedBy);
    const holder = this.txOwner;
    if (holder !== null && holder !== owner)
      // A race explorer must not present a pass as covering interleavings of two
      // transactions that this one session can only run one after the other.
      activeController()?.report?.({
        kind: 'serialized',
        what: `the ${this.options.label} held one connection's statements until another connection's transaction ended: transactions on one session run one at a time, so a race between them cannot show`,
        fix: "explore transaction races on fresh() databases with engine 'postgres' (each connection a real session, row locks included)",
      });
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ owner, run, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  /**
   * Refuse new operations and reject the queued ones with `error`; resolves once the
   * running operation (if any) has settled.
   */
  close(error: DbClosedError): Promise<void> {
    this.closedBy ??= error;
    for (const waiter of this.queue.splice(0)) waiter.reject(error);
    this.stopTimer();
    return this.settled();
  }

  /** Resolves when no operation is running and none is queued. */
  settled(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    this.idle ??= new Promise<void>((resolve) => {
      this.resolveIdle = resolve;
    });
    return this.idle;
  }

  private admissible(waiter: Waiter): boolean {
    return this.txOwner === null || this.txOwner === waiter.owner;
  }

  private pump(): void {
    if (this.running) return;
    const index = this.queue.findIndex((waiter) => this.admissible(waiter));
    if (index === -1) {
      if (this.queue.length === 0) {
        this.stopTimer();
        const resolve = this.resolveIdle;
        this.idle = undefined;
        this.resolveIdle = undefined;
        resolve?.();
      } else this.startTimer();
      return;
    }
    this.stopTimer();
    const [waiter] = this.queue.splice(index, 1);
    if (waiter === undefined) return;
    this.running = true;
    let result: Promise<unknown>;
    try {
      result = waiter.run();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- delivers the operation's own synchronous throw unchanged
      result = Promise.reject(error);
    }
    result.then(
      (value) => {
        this.running = false;
        waiter.resolve(value);
        this.pump();
      },
      (error: unknown) => {
        this.running = false;
        waiter.reject(error);
        this.pump();
      },
    );
  }

  private startTimer(): void {
    if (this.timer !== undefined || this.options.waitTimeout <= 0) return;
    const timer = realSetTimeout(() => {
      this.timer = undefined;
      this.expire();
    }, this.options.waitTimeout);
    timer.unref();
    this.timer = timer;
  }

  private stopTimer(): void {
    if (this.timer === undefined) return;
    realClearTimeout(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    const owner = this.txOwner;
    if (owner === null || this.running) return;
    const blocked = this.queue.filter((waiter) => !this.admissible(waiter));
    if (blocked.length === 0) return;
    const labels = [...new Set(blocked.map((waiter) => waiter.owner.label))].join(', ');
    const error = new DbWaitTimeoutError(
      `${labels} waited ${this.options.waitTimeout} ms on the ${this.options.label} while ${owner.label} held an open transaction and ran nothing${owner.beganAt === undefined ? '' : `; the transaction began at\n${owner.beganAt}`}`,
      `every connection of this pool shares one database session, so a transaction blocks the others until it ends: COMMIT/ROLLBACK and release() the client, run the waiting query on the transaction's own client, or use fresh() (engine 'postgres') for real concurrent connections. Raise waitTimeout if the transaction is only slow.`,
    );
    for (const waiter of blocked) {
      this.queue.splice(this.queue.indexOf(waiter), 1);
      waiter.reject(error);
    }
    this.pump();
  }
}
