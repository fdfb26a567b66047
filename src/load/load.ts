/**
 * `load(target, options)`: run the closed or open model against an in-process client, a
 * loopback URL (generator in a worker thread) or an async function, and return the report.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { pathToFileURL } from 'node:url';
import { LoadCallbackError, LoadOptionsError } from '../errors/index.ts';
import type { Executor } from './driver.ts';
import type { RawRequest } from './http1/prepare.ts';
import type { UrlClient } from './http1/client-types.ts';
import {
  planLoad,
  statusPredicate,
  type LoadOptions,
  type LoadPlan,
  type RequestFunction,
  type RequestSpec,
} from './options.ts';
import type { LoadProgress } from './progress.ts';
import type { LevelMeasurement } from './recorder.ts';
import { levelReport, reportEnvironment, type LoadReport } from './report.ts';
import { isRequestModule, specToFetch, specToRaw, validateSpec } from './request.ts';
import { listeningPids } from './machine.ts';
import { runLevels } from './run-levels.ts';
import {
  resolveTarget,
  resultOutcome,
  type FetchClient,
  type LoadFunction,
  type LoadTarget,
  type ResolvedTarget,
} from './target.ts';
import { functionExecutor, rawExecutor, type UrlExecutor } from './url-executor.ts';
import { runInWorker } from './worker/run-in-worker.ts';

const now = natives.performanceNow;

/** The client a request function receives for a target of type `T`. */
export type ClientOf<T> = T extends string | URL
  ? UrlClient
  : T extends (...args: never[]) => unknown
    ? never
    : T;

type NormalizedRequest =
  | { readonly kind: 'specs'; readonly specs: readonly RequestSpec[] }
  | { readonly kind: 'function'; readonly fn: RequestFunction<unknown> }
  | { readonly kind: 'module'; readonly module: string; readonly export: string }
  | { readonly kind: 'none' };

function normalizeRequest(request: LoadOptions['request'], target: ResolvedTarget): NormalizedRequest {
  if (target.kind === 'function') {
    if (request !== undefined) {
      throw new LoadOptionsError(
        'request',
        'is not used with a function target: the function is the request.',
        'remove `request`, or pass an inject(app) client or a URL as the target.',
      );
    }
    return { kind: 'none' };
  }
  if (request === undefined) {
    throw new LoadOptionsError(
      'request',
      `is required for ${target.kind === 'url' ? 'a URL' : 'a client'} target.`,
      "say what to send: { method: 'GET', path: '/users' }, a list of those, or (client, i) => client.get('/users').",
    );
  }
  if (typeof request === 'function') return { kind: 'function', fn: request };
  if (isRequestModule(request)) {
    const module =
      request.module instanceof URL
        ? request.module.href
        : /^[a-z][a-z0-9+.-]*:/i.test(request.module)
          ? request.module
          : pathToFileURL(request.module).href;
    return { kind: 'module', module, export: request.export ?? 'default' };
  }
  const specs = Array.isArray(request) ? (request as readonly RequestSpec[]) : [request as RequestSpec];
  if (specs.length === 0)
    throw new LoadOptionsError('request', 'is an empty list.', 'list at least one request.');
  specs.forEach((spec, i) => validateSpec(spec, Array.isArray(request) ? `request[${i}]` : 'request'));
  return { kind: 'specs', specs };
}

async function importRequestFunction(module: string, exportPath: string): Promise<RequestFunction<unknown>> {
  const loaded = (await import(module)) as Record<string, unknown>;
  let value: unknown = loaded;
  for (const key of exportPath.split('.'))
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'function') {
    throw new LoadOptionsError(
      'request.export',
      `${module} has no function at '${exportPath}'.`,
      'export the request function under that name, or fix `export`.',
    );
  }
  return value as RequestFunction<unknown>;
}

function clientExecutor(
  client: FetchClient,
  request: NormalizedRequest,
  fn: RequestFunction<unknown> | undefined,
  isOk: (status: number) => boolean,
  defaults: LoadOptions['headers'],
): Executor {
  if (fn !== undefined)
    return async (attempt) => resultOutcome(await fn(client, attempt.index, attempt), isOk);
  if (request.kind !== 'specs') throw new Error('unreachable: client target without request');
  const calls = request.specs.map((spec) => specToFetch(spec, defaults));
  const count = calls.length;
  return async (attempt) => {
    const call = calls[count === 1 ? 0 : attempt.index % count];
    if (call === undefined) throw new RangeError('no request prepared');
    const response = await client.fetch(call.path, { ...call.init, signal: attempt.signal });
    return resultOutcome(response, isOk);
  };
}

function functionTargetExecutor(fn: LoadFunction, isOk: (status: number) => boolean): Executor {
  return async (attempt) => resultOutcome(await fn(attempt.index, attempt), isOk);
}

function maxConcurrency(plan: LoadPlan): number {
  return Math.max(...plan.levels.map((level) => ('concurrency' in level ? level.concurrency : 0)));
}

/**
 * Check `options` without running anything: the plan (levels, durations, limits) and any
 * declarative requests. Throws the same {@link LoadOptionsError} `load()` would.
 *
 * @example
 * ```ts
 * validateLoadOptions({ concurrency: [10, 50], duration: '10 parsecs' }); // throws FRAY_LOAD_OPTIONS
 * ```
 */
export function validateLoadOptions(options: LoadOptions<any>): void {
  planLoad(options);
  const request = options.request;
  if (request === undefined || typeof request === 'function' || isRequestModule(request)) return;
  const specs = Array.isArray(request) ? (request as readonly RequestSpec[]) : [request as RequestSpec];
  if (specs.length === 0)
    throw new LoadOptionsError('request', 'is an empty list.', 'list at least one request.');
  specs.forEach((spec, i) => validateSpec(spec, Array.isArray(request) ? `request[${i}]` : 'request'));
}

/**
 * Run a load test and return its report.
 *
 * - `target`: an `inject(app)` client (anything with `fetch(input, init)`), a URL on
 *   loopback (its generator runs in a worker thread), or an async function called once
 *   per request.
 * - Closed model with `concurrency` (one level or a list), open model with `rate`
 *   (arrivals/s; latency from each intended start, corrected and uncorrected side by
 *   side). Bounded by `duration` and/or `requests`, always by time.
 *
 * @example
 * ```ts
 * import { load } from 'fray/load';
 * import { inject } from 'fray/http';
 *
 * const report = await load(inject(app), {
 *   request: { method: 'GET', path: '/users' },
 *   concurrency: [10, 50],
 *   duration: '5s',
 * });
 * report.levels[1].latency.p99; // ms
 * ```
 *
 * @example
 * ```ts
 * // Open model against a server on loopback: 200 arrivals per second for 10 s.
 * const report = await load('http://127.0.0.1:3000', { request: { path: '/health' }, rate: 200, duration: '10s' });
 * report.levels[0].latency.p99; // from intended starts
 * report.levels[0].uncorrectedLatency?.p99; // what a closed-loop tool would show
 * ```
 */
export async function load<T extends LoadTarget>(
  target: T,
  options: LoadOptions<ClientOf<T>> = {},
): Promise<LoadReport> {
  const plan = planLoad(options);
  // fray/vitest warns here when other test files run in parallel (see docs/load.md).
  const beforeRun = (globalThis as Record<symbol, unknown>)[Symbol.for('fray.load.beforeRun')];
  if (typeof beforeRun === 'function') (beforeRun as () => void)();
  const resolved = await resolveTarget(target, { allowRemote: options.allowRemote });
  const request = normalizeRequest(options.request as LoadOptions['request'], resolved);
  const started = new Date();
  const t0 = now();
  const measurements: LevelMeasurement[] = [];
  const onLevel = (measurement: LevelMeasurement): void => {
    measurements.push(measurement);
  };
  // A callback that throws stops the run (through its own signal) instead of escaping from a
  // timer or a worker message as an uncaught exception; load() then rejects with it.
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  let callbackError: { readonly error: unknown } | undefined;
  const userProgress = options.onProgress;
  const onProgress =
    userProgress === undefined
      ? undefined
      : (progress: LoadProgress): void => {
          if (callbackError !== undefined) return;
          try {
            userProgress(progress);
          } catch (error) {
            callbackError = { error };
            stop.abort();
          }
        };
  const thread = resolved.kind === 'url' ? (options.thread ?? 'worker') : 'main';
  if (thread === 'worker' && resolved.kind === 'url') {
    if (typeof options.expectStatus === 'function') {
      throw new LoadOptionsError(
        'expectStatus',
        'a function cannot cross into the worker thread that loads a URL.',
        "list the successful statuses ([200, 201]), or pass thread: 'main'.",
      );
    }
    if (request.kind === 'function') {
      throw new LoadOptionsError(
        'request',
        'a request function cannot cross into the worker thread that loads a URL.',
        "use declarative requests ({ method, path, json }), put the function in a module and pass { module: import.meta.url, export: 'name' }, or pass thread: 'main'.",
      );
    }
    const expect = options.expectStatus;
    const raw: RawRequest[] =
      request.kind === 'specs' ? request.specs.map((spec) => specToRaw(spec, options.headers)) : [];
    const closedPool = maxConcurrency(plan);
    const poolSize =
      plan.model === 'closed' ? (request.kind === 'module' ? 2 * closedPool : closedPool) : plan.connections;
    const levels = await runInWorker(
      {
        url: resolved.url.href,
        endpoint: resolved.endpoint,
        plan,
        requests:
          request.kind === 'module'
            ? { kind: 'module', module: request.module, export: request.export }
            : { kind: 'raw', requests: raw },
        expectStatus: expect === undefined ? undefined : typeof expect === 'number' ? [expect] : [...expect],
        poolSize,
        targetPids: listeningPids(resolved.endpoint.port),
      },
      { signal, onProgress },
    );
    measurements.push(...levels);
  } else {
    const isOk = statusPredicate(options.expectStatus);
    let exec: Executor;
    let urlExecutor: UrlExecutor | undefined;
    const fn =
      request.kind === 'function'
        ? request.fn
        : request.kind === 'module'
          ? await importRequestFunction(request.module, request.export)
          : undefined;
    if (resolved.kind === 'function') exec = functionTargetExecutor(resolved.fn, isOk);
    else if (resolved.kind === 'client')
      exec = clientExecutor(resolved.client, request, fn, isOk, options.headers);
    else {
      const poolSize = plan.model === 'closed' ? 2 * maxConcurrency(plan) : plan.connections;
      urlExecutor =
        fn === undefined
          ? rawExecutor(
              resolved.endpoint,
              request.kind === 'specs' ? request.specs.map((spec) => specToRaw(spec, options.headers)) : [],
              isOk,
              poolSize,
            )
          : functionExecutor(resolved.endpoint, resolved.url, fn, isOk, poolSize);
      exec = urlExecutor.exec;
    }
    try {
      await runLevels(plan, exec, {
        thread: 'main',
        signal,
        onProgress,
        onLevel,
        calibration: functionTargetExecutor(() => undefined, isOk),
        targetPids: resolved.kind === 'url' ? listeningPids(resolved.endpoint.port) : [],
      });
    } finally {
      urlExecutor?.pool.close();
    }
  }
  const levels = measurements.map((measurement) => levelReport(measurement, plan));
  const aborted = signal.aborted;
  const report: LoadReport = {
    format: 'fray-load-report',
    version: 1,
    ...(options.name === undefined ? {} : { name: options.name }),
    model: plan.model,
    target: resolved.kind === 'url' ? { kind: 'url', url: resolved.url.href } : { kind: resolved.kind },
    startedAt: started.toISOString(),
    durationMs: now() - t0,
    seed: plan.seed,
    settings: {
      ...(plan.durationMs === undefined ? {} : { durationMs: plan.durationMs }),
      ...(plan.requests === undefined ? {} : { requests: plan.requests }),
      timeoutMs: plan.timeoutMs,
      ...(plan.warmup === undefined ? {} : { warmup: plan.warmup }),
      ...(plan.model === 'open' ? { arrivals: plan.arrivals, maxInFlight: plan.maxInFlight } : {}),
    },
    environment: reportEnvironment(),
    valid: !aborted && levels.length === plan.levels.length && levels.every((level) => level.valid),
    aborted,
    levels,
  };
  if (callbackError !== undefined) throw new LoadCallbackError('onProgress', callbackError.error, report);
  return report;
}
