/**
 * The caller's side of the load worker: start it, relay progress and measurements, turn
 * its failures into fray errors, and stop it when the run is aborted.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { FrayError, LoadWorkerError, type FrayErrorCode } from '../../errors/index.ts';
import type { LoadProgress } from '../progress.ts';
import type { LevelMeasurement } from '../recorder.ts';
import type { FromWorker, ToWorker, WorkerConfig, WorkerErrorData } from './protocol.ts';

// The worker entry sits next to this file, as .ts in the sources and .js once built.
const entry = new URL(`./url-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

function toError(data: WorkerErrorData): Error {
  if (data.code?.startsWith('FRAY_') === true) {
    const message = data.fix === undefined ? data.message : data.message.replace(/\n\s*Fix: [\s\S]*$/, '');
    return new FrayError(
      data.code as FrayErrorCode,
      message,
      data.fix === undefined ? {} : { fix: data.fix },
    );
  }
  const cause = Object.assign(new Error(data.message), {
    name: data.name,
    code: data.code,
    stack: data.stack,
  });
  return new LoadWorkerError(`the load worker failed: ${data.name}: ${data.message}`, cause);
}

/**
 * Run a URL load in a worker thread.
 *
 * @example
 * ```ts
 * const levels = await runInWorker(config, { signal: undefined, onProgress: undefined });
 * ```
 */
export function runInWorker(
  config: WorkerConfig,
  hooks: {
    readonly signal: AbortSignal | undefined;
    readonly onProgress: ((progress: LoadProgress) => void) | undefined;
  },
): Promise<LevelMeasurement[]> {
  return new Promise<LevelMeasurement[]>((resolve, reject) => {
    const levels: LevelMeasurement[] = [];
    let settled = false;
    const worker = new Worker(entry, { workerData: config, stdout: false, stderr: false });
    const onAbort = (): void => worker.postMessage({ type: 'abort' } satisfies ToWorker);
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    if (hooks.signal?.aborted === true) onAbort();
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error === undefined) resolve(levels);
      else reject(error);
    };
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'progress':
          try {
            hooks.onProgress?.(message.progress);
          } catch (error) {
            finish(error as Error);
          }
          break;
        case 'level':
          levels.push(message.measurement);
          break;
        case 'done':
          finish(undefined);
          break;
        case 'error':
          finish(toError(message.error));
          break;
      }
    });
    worker.on('error', (error) =>
      finish(new LoadWorkerError(`the load worker crashed: ${error.message}`, error)),
    );
    worker.on('exit', (code) => {
      if (!settled) finish(new LoadWorkerError(`the load worker exited with code ${code} before finishing`));
    });
  });
}
