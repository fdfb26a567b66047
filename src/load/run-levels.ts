/**
 * Runs the levels of a plan one after the other — warm-up, measurement, health probe,
 * progress — with a given executor. Shared by the in-process path and the worker thread.
 *
 * @module
 */
import { drive, type Executor } from './driver.ts';
import { startHealthProbe } from './health.ts';
import { levelLabel, type LoadPlan, type PlannedLevel } from './options.ts';
import type { LoadProgress } from './progress.ts';
import { createRandom } from './random.ts';
import type { LevelMeasurement, LevelRecorder } from './recorder.ts';

/** Hooks of {@link runLevels}. */
export interface RunLevelsOptions {
  readonly thread: 'worker' | 'main';
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((progress: LoadProgress) => void) | undefined;
  readonly onLevel: (measurement: LevelMeasurement) => void;
  /**
   * In-process runs: fray's own cost per request in ms (from {@link calibrateOverhead}),
   * to estimate the share of the thread the generator took.
   */
  readonly overheadMs?: number;
}

function progressOf(
  plan: LoadPlan,
  index: number,
  level: PlannedLevel,
  phase: 'warmup' | 'measure',
  plannedMs: number | undefined,
  plannedRequests: number | undefined,
): (recorder: LevelRecorder, elapsedMs: number) => LoadProgress {
  let lastCompleted = 0;
  let lastElapsed = 0;
  return (recorder, elapsedMs) => {
    const interval = elapsedMs - lastElapsed;
    const throughput = interval > 0 ? ((recorder.completed - lastCompleted) * 1000) / interval : 0;
    lastCompleted = recorder.completed;
    lastElapsed = elapsedMs;
    return {
      level: index,
      levels: plan.levels.length,
      label: levelLabel(level),
      phase,
      elapsedMs,
      plannedMs,
      completed: recorder.completed,
      plannedRequests,
      errors: recorder.failed,
      throughput,
    };
  };
}

/**
 * Run every level of `plan` with `exec`; reports each level through `onLevel` as soon as it
 * is measured. Stops early when `signal` aborts.
 *
 * @example
 * ```ts
 * await runLevels(plan, exec, { thread: 'main', signal: undefined, onProgress: undefined, onLevel: (m) => levels.push(m) });
 * ```
 */
export async function runLevels(plan: LoadPlan, exec: Executor, options: RunLevelsOptions): Promise<void> {
  const random = createRandom(plan.seed);
  const aborted = (): boolean => options.signal?.aborted === true;
  for (let index = 0; index < plan.levels.length; index++) {
    if (aborted()) return;
    const level = plan.levels[index] as PlannedLevel;
    const emit = options.onProgress;
    if (plan.warmup !== undefined) {
      const byCount = 'requests' in plan.warmup ? plan.warmup.requests : undefined;
      const byTime = 'durationMs' in plan.warmup ? plan.warmup.durationMs : undefined;
      if ((byCount ?? 1) > 0 && (byTime ?? 1) > 0) {
        const toProgress = progressOf(plan, index, level, 'warmup', byTime, byCount);
        await drive({
          plan,
          level,
          exec,
          requests: byCount,
          durationMs: byTime,
          timeLimitMs: byTime ?? plan.timeLimitMs,
          random,
          signal: options.signal,
          ...(emit === undefined
            ? {}
            : { onTick: (recorder, elapsed) => emit(toProgress(recorder, elapsed)) }),
        });
        if (aborted()) return;
      }
    }
    const toProgress = progressOf(plan, index, level, 'measure', plan.durationMs, plan.requests);
    const probe = startHealthProbe(options.thread);
    const result = await drive({
      plan,
      level,
      exec,
      requests: plan.requests,
      durationMs: plan.durationMs,
      timeLimitMs: plan.timeLimitMs,
      random,
      signal: options.signal,
      ...(emit === undefined ? {} : { onTick: (recorder, elapsed) => emit(toProgress(recorder, elapsed)) }),
    });
    const { recorder } = result;
    const throughputPerMs = recorder.completed / result.elapsedMs;
    const health = probe.stop(
      options.overheadMs === undefined ? undefined : options.overheadMs * throughputPerMs,
    );
    const measurement: LevelMeasurement = {
      level,
      startedAt: result.startedAt,
      elapsedMs: result.elapsedMs,
      completed: recorder.completed,
      ok: recorder.ok,
      errors: Object.fromEntries(recorder.errors),
      errorSamples: Object.fromEntries(recorder.errorSamples),
      dropped: result.dropped,
      arrivals: result.arrivals,
      lateStarts: result.lateStarts,
      histogram: recorder.histogram.encode(),
      uncorrectedHistogram: recorder.uncorrected?.encode(),
      timeline: recorder.timeline(result.elapsedMs),
      stoppedBy: result.stoppedBy,
      health,
    };
    emit?.({ ...toProgress(recorder, result.elapsedMs), phase: 'done' });
    options.onLevel(measurement);
    if (result.stoppedBy === 'aborted') return;
  }
}

/**
 * fray's own cost per request on this thread, in ms: the closed driver run against a
 * target that does nothing. Multiplied by a level's throughput it estimates the share of
 * the thread the generator itself took.
 *
 * @example
 * ```ts
 * const overheadMs = await calibrateOverhead(plan, 10);
 * ```
 */
export async function calibrateOverhead(plan: LoadPlan, concurrency: number): Promise<number> {
  const noop: Executor = () => Promise.resolve(undefined);
  const run = (requests: number) =>
    drive({
      plan,
      level: { concurrency: Math.min(64, Math.max(1, concurrency)) },
      exec: noop,
      requests,
      durationMs: undefined,
      timeLimitMs: 200,
      random: createRandom(plan.seed),
      signal: undefined,
    });
  await run(500); // warm the code paths up
  const result = await run(4000);
  return result.elapsedMs / Math.max(1, result.recorder.completed);
}
