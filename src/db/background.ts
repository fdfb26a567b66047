/**
 * Work fray/db starts on its own behalf — a connection kept for later tests, a clone for
 * the fresh() pool, a database dropped after its test — runs in the async context the test
 * database was created in (the worker's), not in the context of the test that happened to
 * trigger it. Tools that attribute handles and late activity to tests through
 * AsyncLocalStorage (fray/leaks) then never blame a test for fray's own sockets.
 *
 * @module
 */
import { AsyncResource } from 'node:async_hooks';

/**
 * The async context captured when it was created.
 *
 * @example
 * ```ts
 * const background = new Background(); // at createTestDatabase() time
 * background.run(() => startRefill()); // later, from inside a test
 * ```
 */
export class Background {
  private readonly resource = new AsyncResource('fray.db.background');

  /** Run `fn` (and everything it starts) in the captured context. */
  run<T>(fn: () => T): T {
    return this.resource.runInAsyncScope(fn);
  }
}
