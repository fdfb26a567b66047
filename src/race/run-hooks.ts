/**
 * A run's scenario hooks — `setup`, `tasks()`, `check`, `teardown` — run under the run's
 * timeout with their errors naming the hook, and the task set `tasks()` returns, checked
 * before anything is explored.
 *
 * @module
 */
import { RaceHookError, RaceHookTimeoutError, RaceOptionsError } from '../errors/index.ts';
import type { RaceHook } from '../errors/index.ts';
import { isThenable, NativePromise, realClearTimeout, realSetTimeout } from './natives.ts';
import { labelTasks, type RunSpec } from './run-types.ts';

/**
 * Run a scenario hook of run `index` under `spec.timeout`; its errors name the hook
 * (`FRAY_RACE_HOOK_FAILED`, `FRAY_RACE_HOOK_TIMEOUT`) unless `wrapErrors` is false or the
 * error is fatal (usage, environment). A hook that returns at once (no promise) needs no
 * deadline — most setups and checks — and its value or error comes back at once too: an
 * `async` function that throws before its first `await` returns a promise rejected with no
 * handler yet, which Node keeps in its unhandled-rejection queue until the end of the turn
 * (a failing check per run, held with everything its error's stack reaches).
 */
export function runHook<R>(
  hook: RaceHook,
  index: number,
  spec: Pick<RunSpec, 'timeout' | 'fatal'>,
  fn: () => R,
  wrapErrors = true,
): Awaited<R> | Promise<Awaited<R>> {
  let result: R;
  try {
    result = fn();
  } catch (error) {
    if (!wrapErrors || spec.fatal(error)) throw error;
    throw new RaceHookError(hook, index, error);
  }
  if (!isThenable(result)) return result as Awaited<R>;
  return withDeadline(hook, index, spec, result, wrapErrors);
}

/** The hook's promise, or `FRAY_RACE_HOOK_TIMEOUT` when it has not settled in time. */
async function withDeadline<R>(
  hook: RaceHook,
  index: number,
  spec: Pick<RunSpec, 'timeout' | 'fatal'>,
  result: R,
  wrapErrors: boolean,
): Promise<Awaited<R>> {
  let timer: ReturnType<typeof realSetTimeout> | undefined;
  const expired = new NativePromise<never>((_, reject) => {
    timer = realSetTimeout(() => reject(new RaceHookTimeoutError(hook, index, spec.timeout)), spec.timeout);
  });
  try {
    return await NativePromise.race([result, expired]);
  } catch (error) {
    if (error instanceof RaceHookTimeoutError || !wrapErrors || spec.fatal(error)) throw error;
    throw new RaceHookError(hook, index, error);
  } finally {
    realClearTimeout(timer);
  }
}

/** The tasks `tasks()` returned, labelled — or `FRAY_RACE_OPTIONS` saying what is wrong. */
export function validateTasks(set: unknown): ReturnType<typeof labelTasks> {
  if ((typeof set !== 'object' && typeof set !== 'function') || set === null)
    throw new RaceOptionsError(
      'tasks',
      `tasks() must return a record or an array of async functions, got ${set === null ? 'null' : typeof set}.`,
      'return e.g. { alice: () => withdraw(30), bob: () => withdraw(50) }.',
    );
  const labelled = labelTasks(set);
  if (labelled.fns.length === 0)
    throw new RaceOptionsError(
      'tasks',
      'tasks() returned no tasks: there is nothing to interleave, so a pass would prove nothing.',
      'return at least two functions that run concurrently, e.g. { alice: () => …, bob: () => … }.',
    );
  labelled.fns.forEach((fn, i) => {
    if (typeof fn !== 'function')
      throw new RaceOptionsError(
        'tasks',
        `task '${labelled.labels[i] ?? i}' is not a function (got ${fn === null ? 'null' : typeof fn}).`,
        'each task is a function fray calls when the schedule begins it: { alice: () => withdraw(30) }, not { alice: withdraw(30) }.',
      );
  });
  return labelled;
}
