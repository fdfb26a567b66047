/**
 * What the SCTBench ports are written against: the scheduling-point primitive (one per tool),
 * a pthread-style mutex and condition variable built on it, and the assertion that fails.
 *
 * Every program awaits only two things, so fray and fast-check see the same points:
 *
 * - `await pt()` — one scheduling point, before every shared-memory access and every
 *   synchronisation operation (lock, unlock, signal, wait). fray: `pt()` returns `undefined`,
 *   and the instrumented `await` is the point. fast-check: `s.schedule(Promise.resolve())`.
 * - `await block(promise)` — a task blocked (on a held mutex, on a condition variable) until
 *   `promise` settles; resuming it is then one scheduling point. fray: the promise itself (an
 *   instrumented await of a pending promise: delivered at a decision once it settles).
 *   fast-check: `promise.then(() => s.schedule(Promise.resolve()))`.
 *
 * No helper is `async`: in fray, awaiting a helper's promise would be one more point that
 * fast-check does not have. Lock and wait are written out where they are used:
 *
 * ```ts
 * for (await pt(); !m.tryLock(); ) await block(m.released()); // pthread_mutex_lock(&m)
 * await pt(); m.unlock();                                       // pthread_mutex_unlock(&m)
 * ```
 *
 * @module
 */

/** The scheduling-point primitive of one tool. */
export interface Sched {
  /** One scheduling point: awaited before every shared access and synchronisation operation. */
  readonly pt: () => unknown;
  /** Awaited while blocked until `released` settles; resuming is one scheduling point. */
  readonly block: (released: Promise<void>) => unknown;
}

/** An `assert()` of the C program that failed (`assert(0)` included). */
export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure';
}

/** Tasks still blocked when nothing could run any more: the program deadlocked. */
export class DeadlockFailure extends Error {
  override readonly name = 'DeadlockFailure';
}

/** `assert(cond)`: throws an {@link AssertionFailure} in the task (C aborts the process). */
export type Assert = (cond: boolean, what: string) => void;

/**
 * A pthread mutex. `tryLock` and `unlock` are synchronous: the scheduling point is the
 * `await pt()` written before them. Unlocking wakes every waiter (each then retries, in the
 * order the scheduler resumes them), as an SCT tool enables every thread blocked on the mutex.
 */
export class Mutex {
  #held = false;
  #waiters: (() => void)[] = [];

  /** Take the mutex if free. */
  tryLock(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  /** Settles at the next unlock. */
  released(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    this.#held = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * A pthread condition variable: `wait` releases the mutex and enqueues the caller atomically
 * (the promise it returns settles at a signal); `signal` wakes the longest waiter, and is lost
 * when nobody waits. No spurious wake-ups.
 */
export class Cond {
  #waiters: (() => void)[] = [];

  /** Release `m` and wait: the returned promise settles when signalled. */
  wait(m: Mutex): Promise<void> {
    const signalled = new Promise<void>((resolve) => this.#waiters.push(resolve));
    m.unlock();
    return signalled;
  }

  signal(): void {
    this.#waiters.shift()?.();
  }
}

/** One run of a program: its threads as tasks, and `main`'s code after the joins. */
export interface Instance {
  readonly tasks: Record<string, () => Promise<void>>;
  /** `main` after `pthread_join`: throws an {@link AssertionFailure} when its assertion fails. */
  readonly final?: () => void;
}

/** A ported SCTBench CS program. */
export interface Program {
  /** SCTBench's name, without `_bad`. */
  readonly name: string;
  /** What goes wrong: an assertion, or a deadlock. */
  readonly bug: 'assert' | 'deadlock';
  /** The buggy (`_bad` / `_sat`) program. */
  readonly build: (s: Sched, assert: Assert) => Instance;
  /** The published fixed variant (`_ok` / `_unsat`), where one exists. */
  readonly fixed?: (s: Sched, assert: Assert) => Instance;
}

/** One run of `program` (or its fixed variant) with its verdict. */
export interface Judged {
  readonly tasks: Record<string, () => Promise<void>>;
  /**
   * Throw the run's failure, given each task's status in the order of `tasks`: an assertion
   * that failed (in a task or in `main`), else a deadlock (a task still pending), else nothing.
   * With `asserting` false nothing is thrown (the same work, not judged).
   */
  readonly judge: (statuses: readonly ('fulfilled' | 'rejected' | 'pending')[], reasons: unknown[]) => void;
}

/** Build one run of `program` with the tool's primitive. */
export function instantiate(program: Program, sched: Sched, asserting: boolean, fixed = false): Judged {
  let violation: AssertionFailure | undefined;
  const assert: Assert = (cond, what) => {
    if (cond) return;
    violation ??= new AssertionFailure(`${program.name}: assertion failed: ${what}`);
    throw violation;
  };
  const build = fixed ? program.fixed : program.build;
  if (build === undefined) throw new Error(`${program.name} has no fixed variant`);
  const instance = build(sched, assert);
  return {
    tasks: instance.tasks,
    judge: (statuses, reasons) => {
      if (!asserting) return;
      if (violation !== undefined) throw violation;
      // A task that threw something else: a bug in the port.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      for (const reason of reasons) if (reason !== undefined) throw reason;
      const pending = Object.keys(instance.tasks).filter((_, i) => statuses[i] === 'pending');
      if (pending.length > 0)
        throw new DeadlockFailure(`${program.name}: deadlock: ${pending.join(', ')} still blocked`);
      try {
        instance.final?.();
      } catch (error) {
        throw violation ?? error;
      }
    },
  };
}
