/**
 * The PostgreSQL backend (server process ID) each isolated view runs on, so that a runner
 * whose test timed out can cancel the view's running statements (`pg_cancel_backend`)
 * before disposing it. Kept beside the views rather than on them: it is not part of a
 * view's API.
 *
 * @module
 */
import type { IsolatedView } from './views.ts';

const backends = new WeakMap<IsolatedView, number>();

/**
 * Record the backend of `view` (Postgres only; PGlite sessions have none).
 *
 * @example
 * ```ts
 * recordBackend(view, session.client.processID);
 * ```
 */
export function recordBackend(view: IsolatedView, pid: number | null | undefined): void {
  if (typeof pid === 'number' && pid > 0) backends.set(view, pid);
}

/**
 * The backend PID of `view`, if it runs on a PostgreSQL server.
 *
 * @example
 * ```ts
 * backendOf(view); // 41234
 * ```
 */
export function backendOf(view: IsolatedView): number | undefined {
  return backends.get(view);
}
