/**
 * Entry of the worker thread that generates load for a URL target, away from the caller's
 * thread (which may be running the server under test). It builds its executor from the
 * plain-data config, runs every level and posts progress and measurements back.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LoadOptionsError } from '../../errors/index.ts';
import type { RequestFunction } from '../options.ts';
import { runLevels } from '../run-levels.ts';
import { functionExecutor, rawExecutor, type UrlExecutor } from '../url-executor.ts';
import type { UrlClient } from '../http1/client-types.ts';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('url-worker must run in a worker thread');
const config = workerData as WorkerConfig;
const post = (message: FromWorker): void => port.postMessage(message);
const controller = new AbortController();
port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') controller.abort();
});

async function loadRequestFunction(
  moduleUrl: string,
  exportPath: string,
): Promise<RequestFunction<UrlClient>> {
  const loaded = (await import(moduleUrl)) as Record<string, unknown>;
  let value: unknown = loaded;
  for (const key of exportPath.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value !== 'function') {
    throw new LoadOptionsError(
      'request.export',
      `${moduleUrl} has no function at '${exportPath}'.`,
      'export the request function under that name, or fix `export` in { module, export }.',
    );
  }
  return value as RequestFunction<UrlClient>;
}

/**
 * Node loads its fetch implementation (Request, Response, Headers) on first use, which
 * blocks the thread for tens of milliseconds; do it before the first arrival is due, not
 * during the level (it would count as late starts).
 */
async function prewarmFetchClasses(): Promise<void> {
  const response = new Response('warm', { status: 200, headers: new Headers([['x-warm', '1']]) });
  await response.arrayBuffer();
  await new Request('http://127.0.0.1/', { method: 'POST', body: 'warm' }).arrayBuffer();
}

async function main(): Promise<void> {
  const statuses = config.expectStatus === undefined ? undefined : new Set(config.expectStatus);
  const isOk =
    statuses === undefined ? (status: number) => status < 400 : (status: number) => statuses.has(status);
  let executor: UrlExecutor;
  if (config.requests.kind === 'raw') {
    executor = rawExecutor(config.endpoint, config.requests.requests, isOk, config.poolSize);
  } else {
    const request = await loadRequestFunction(config.requests.module, config.requests.export);
    await prewarmFetchClasses();
    executor = functionExecutor(config.endpoint, new URL(config.url), request, isOk, config.poolSize);
  }
  try {
    await runLevels(config.plan, executor.exec, {
      thread: 'worker',
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onLevel: (measurement) => post({ type: 'level', measurement }),
      targetPids: config.targetPids,
    });
  } finally {
    executor.pool.close();
  }
  post({ type: 'done' });
}

main().catch((error: unknown) => {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  post({
    type: 'error',
    error: {
      name: typeof record['name'] === 'string' ? record['name'] : 'Error',
      message: typeof record['message'] === 'string' ? record['message'] : String(error),
      code: typeof record['code'] === 'string' ? record['code'] : undefined,
      fix: typeof record['fix'] === 'string' ? record['fix'] : undefined,
      stack: typeof record['stack'] === 'string' ? record['stack'] : undefined,
    },
  });
});
