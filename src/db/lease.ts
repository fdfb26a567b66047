/**
 * A counting semaphore over database sessions, with diagnostics for the classic test bug:
 * a view that was never disposed keeps its session, and the next test waits forever.
 *
 * Waiters queue first-in first-out. When every holder has been idle (no statement running,
 * none started) for `waitTimeout` ms, the waiter is rejected with a
 * {@link DbWaitTimeoutError} that shows where each holder was opened. An active holder —
 * a concurrent test still running queries — never causes a timeout.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { DbWaitTimeoutError, type DbClosedError } from '../errors/index.ts';

const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;
const now = natives.performanceNow;

/** One holder of a lease, as the diagnostics see it. */
export class LeaseHolder {
  /** Where the holder was opened (a stack trace), shown in timeout messages. */
  readonly openedAt: string;
  private active = 0;
  private lastActivity = now();

  constructor(openedAt: string) {
    this.openedAt = openedAt;
  }

  /** Mark the start of an operation. */
  begin(): void {
    this.active++;
    this.lastActivity = now();
  }

  /** Mark the end of an operation. */
  end(): void {
    this.active--;
    this.lastActivity = now();
  }

  /** ms since the holder last did anything, or 0 while an operation runs. */
  idleFor(): number {
    return this.active > 0 ? 0 : now() - this.lastActivity;
  }
}

interface Waiter {
  readonly holder: LeaseHolder;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/** Options of a {@link Lease}. */
export interface LeaseOptions {
  /** How many holders at once. */
  readonly capacity: number;
  /** ms of holder idleness a waiter tolerates; 0 waits forever. */
  readonly waitTimeout: number;
  /** What is being leased, for messages (`the PGlite session`). */
  readonly label: string;
}

/**
 * Hands out up to `capacity` slots.
 *
 * @example
 * ```ts
 * const lease = new Lease({ capacity: 1, waitTimeout: 3000, label: 'the PGlite session' });
 * const holder = new LeaseHolder(new Error().stack ?? '');
 * await lease.acquire(holder);
 * try { … } finally { lease.release(holder); }
 * ```
 */
export class Lease {
  private readonly holders = new Set<LeaseHolder>();
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closedBy: DbClosedError | null = null;
  private readonly options: LeaseOptions;

  constructor(options: LeaseOptions) {
    this.options = options;
  }

  /** Current holders. */
  get held(): number {
    return this.holders.size;
  }

  /** Wait for a free slot for `holder`. */
  acquire(holder: LeaseHolder): Promise<void> {
    if (this.closedBy !== null) return Promise.reject(this.closedBy);
    if (this.holders.size < this.options.capacity && this.queue.length === 0) {
      this.holders.add(holder);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ holder, resolve, reject });
      this.arm();
    });
  }

  /** Give the slot back. */
  release(holder: LeaseHolder): void {
    if (!this.holders.delete(holder)) return;
    const next = this.queue.shift();
    if (next !== undefined) {
      this.holders.add(next.holder);
      next.resolve();
    }
    if (this.queue.length === 0) this.disarm();
    else this.rearm();
  }

  /** Reject every waiter and refuse new ones. */
  close(error: DbClosedError): void {
    this.closedBy ??= error;
    for (const waiter of this.queue.splice(0)) waiter.reject(error);
    this.disarm();
  }

  private arm(delay = this.options.waitTimeout): void {
    if (this.timer !== undefined || this.options.waitTimeout <= 0) return;
    const timer = realSetTimeout(
      () => {
        this.timer = undefined;
        this.check();
      },
      Math.max(1, delay),
    );
    timer.unref();
    this.timer = timer;
  }

  private disarm(): void {
    if (this.timer !== undefined) realClearTimeout(this.timer);
    this.timer = undefined;
  }

  private rearm(): void {
    this.disarm();
    this.arm();
  }

  private check(): void {
    if (this.queue.length === 0) return;
    const idle = [...this.holders].map((holder) => holder.idleFor());
    const leastIdle = Math.min(...idle);
    if (leastIdle < this.options.waitTimeout) {
      this.arm(this.options.waitTimeout - leastIdle);
      return;
    }
    // Each site is a stack of "at …" frames: name it once ("opened by …", not "opened at at").
    const where = [...this.holders]
      .map((holder) => `  - opened ${holder.openedAt.trim().replace(/^at /, 'by ') || 'by fray itself'}`)
      .join('\n');
    const error = new DbWaitTimeoutError(
      `waited ${this.options.waitTimeout} ms for ${this.options.label}; ${this.holders.size === 1 ? 'its holder has' : `all ${this.holders.size} holders have`} been idle that long:\n${where}`,
      "a view opened where shown above is still open: dispose it (`await using view = await db.isolated()`, or `await view.dispose()` in afterEach). A view of fray/vitest's `db` fixture is disposed by fray, even when its test times out; if a concurrent test legitimately holds it longer, raise waitTimeout.",
    );
    for (const waiter of this.queue.splice(0)) waiter.reject(error);
  }
}
