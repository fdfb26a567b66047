/**
 * Messages between `load()` and the worker thread that generates load for a URL target.
 * Everything here is plain data (structured-cloneable).
 *
 * @module
 */
import type { Endpoint } from '../http1/types.ts';
import type { RawRequest } from '../http1/prepare.ts';
import type { LoadPlan } from '../options.ts';
import type { LoadProgress } from '../progress.ts';
import type { LevelMeasurement } from '../recorder.ts';

/** How the worker builds its requests. */
export type WorkerRequests =
  | { readonly kind: 'raw'; readonly requests: readonly RawRequest[] }
  | { readonly kind: 'module'; readonly module: string; readonly export: string };

/** `workerData` of the load worker. */
export interface WorkerConfig {
  readonly url: string;
  readonly endpoint: Endpoint;
  readonly plan: LoadPlan;
  readonly requests: WorkerRequests;
  /** Successful statuses; undefined means any status below 400. */
  readonly expectStatus: readonly number[] | undefined;
  readonly poolSize: number;
  /** Other processes serving the target URL: their CPU is the target's, not contention. */
  readonly targetPids: readonly number[];
}

/** Main thread → worker. */
export type ToWorker = { readonly type: 'abort' };

/** A serialized error. */
export interface WorkerErrorData {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly fix: string | undefined;
  readonly stack: string | undefined;
}

/** Worker → main thread. */
export type FromWorker =
  | { readonly type: 'progress'; readonly progress: LoadProgress }
  | { readonly type: 'level'; readonly measurement: LevelMeasurement }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly error: WorkerErrorData };
