/**
 * Executors for URL targets over fray's keep-alive HTTP/1.1 pool: prepared declarative
 * requests (no body kept, status judged), or a request function given a fetch-compatible
 * {@link UrlClient}. Used in the worker thread and, with `thread: 'main'`, on the caller's.
 *
 * @module
 */
import type { Attempt, Executor, Outcome } from './driver.ts';
import type { RawRequest } from './http1/prepare.ts';
import { prepareRequest } from './http1/prepare.ts';
import { ConnectionPool } from './http1/pool.ts';
import type { Endpoint } from './http1/types.ts';
import type { UrlClient } from './http1/client-types.ts';
import { PooledUrlClient } from './http1/url-client.ts';
import type { RequestFunction } from './options.ts';
import { resultOutcome } from './target.ts';

/** A URL executor and the pool it owns. */
export interface UrlExecutor {
  readonly exec: Executor;
  readonly pool: ConnectionPool;
}

/**
 * An executor sending prepared requests round-robin (by request index).
 *
 * @example
 * ```ts
 * const { exec, pool } = rawExecutor(endpoint, [specToRaw({ path: '/' }, undefined)], (s) => s < 400, 10);
 * ```
 */
export function rawExecutor(
  endpoint: Endpoint,
  requests: readonly RawRequest[],
  isOk: (status: number) => boolean,
  poolSize: number,
): UrlExecutor {
  const pool = new ConnectionPool(endpoint, poolSize);
  const prepared = requests.map((request) => prepareRequest(endpoint, request));
  const count = prepared.length;
  const exec: Executor = async (attempt: Attempt): Promise<Outcome> => {
    const request = prepared[count === 1 ? 0 : attempt.index % count];
    if (request === undefined) throw new RangeError('no request prepared');
    const response = await pool.request(request, false, attempt);
    if (isOk(response.status)) return undefined;
    return { kind: `status ${response.status}`, sample: `${response.status} ${response.statusText}`.trim() };
  };
  return { exec, pool };
}

/**
 * An executor calling a request function with a {@link UrlClient}.
 *
 * @example
 * ```ts
 * const { exec } = functionExecutor(endpoint, url, (client, i) => client.get(`/users/${i}`), (s) => s < 400, 20);
 * ```
 */
export function functionExecutor(
  endpoint: Endpoint,
  url: URL,
  request: RequestFunction<UrlClient>,
  isOk: (status: number) => boolean,
  poolSize: number,
): UrlExecutor {
  const pool = new ConnectionPool(endpoint, poolSize);
  const client = new PooledUrlClient(pool, endpoint, url);
  const exec: Executor = async (attempt) =>
    resultOutcome(await request(client, attempt.index, attempt), isOk);
  return { exec, pool };
}
