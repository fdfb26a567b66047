/**
 * Databases cloned from the template ahead of need, so `fresh()` on Postgres hands one out
 * in the time it takes to shift an array — `CREATE DATABASE … TEMPLATE` (tens of ms, more
 * under load) and the first connection to it happen in the background, one clone at a
 * time, on its own maintenance connection so that background drops never delay it.
 *
 * A clone that fails is reported to the `fresh()` calls waiting for it, never as an
 * unhandled rejection; the next `take()` tries again.
 *
 * @module
 */

/** Options of a {@link ClonePool}. */
export interface ClonePoolOptions<T> {
  /** Clones kept ready. */
  readonly size: number;
  /** Create one clone, ready to use. */
  readonly clone: () => Promise<T>;
  /** Starts the background refill (in the context it should run in). Default: directly. */
  readonly spawn?: (work: () => Promise<void>) => Promise<void>;
}

interface Waiter<T> {
  readonly resolve: (clone: T) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * A queue of ready clones, refilled in the background.
 *
 * @example
 * ```ts
 * const clones = new ClonePool({ size: 2, clone: () => server.cloneTemplate() });
 * const clone = await clones.take();
 * const unused = await clones.close(new Error('ended')); // drop these
 * ```
 */
export class ClonePool<T> {
  private readonly ready: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private filling: Promise<void> | undefined;
  private closed = false;
  private readonly options: ClonePoolOptions<T>;
  private readonly warmWaiters: { resolve: () => void; reject: (reason: unknown) => void }[] = [];

  constructor(options: ClonePoolOptions<T>) {
    this.options = options;
  }

  /** Clones ready now. */
  get available(): number {
    return this.ready.length;
  }

  /** A ready clone, or the next one created. */
  take(): Promise<T> {
    const clone = this.ready.shift();
    const result =
      clone !== undefined
        ? Promise.resolve(clone)
        : new Promise<T>((resolve, reject) => {
            this.waiters.push({ resolve, reject });
          });
    this.kick();
    return result;
  }

  /** Resolves once `size` clones are ready (or at once when `size` is 0). */
  warm(): Promise<void> {
    if (this.ready.length >= this.options.size || this.closed) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) =>
      this.warmWaiters.push({ resolve: () => resolve(), reject }),
    );
    this.kick();
    return done;
  }

  /** Stop refilling; resolves with the unused clones once the clone in progress is done. */
  async close(reason: unknown): Promise<T[]> {
    this.closed = true;
    await this.filling;
    for (const waiter of this.warmWaiters.splice(0)) waiter.resolve();
    for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
    return this.ready.splice(0);
  }

  private kick(): void {
    if (this.filling !== undefined || this.closed) return;
    const spawn = this.options.spawn ?? ((work: () => Promise<void>) => work());
    this.filling = spawn(() => this.fill()).finally(() => {
      this.filling = undefined;
    });
  }

  private async fill(): Promise<void> {
    while (!this.closed && (this.waiters.length > 0 || this.ready.length < this.options.size)) {
      let clone: T;
      try {
        clone = await this.options.clone();
      } catch (error) {
        for (const waiter of this.waiters.splice(0)) waiter.reject(error);
        for (const waiter of this.warmWaiters.splice(0)) waiter.reject(error);
        return;
      }
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter.resolve(clone);
      else this.ready.push(clone);
      if (this.ready.length >= this.options.size)
        for (const warm of this.warmWaiters.splice(0)) warm.resolve();
    }
  }
}
