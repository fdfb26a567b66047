/**
 * Runs the levels of a plan one after the other — warm-up, measurement, health probe,
 * progress — with a given executor. Shared by the in-process path and the worker thread.
 *
 * @module
 */
import { drive, type Executor } from './driver.ts';
import { startHealthProbe, threadCpuMs } from './health.ts';
import { processesCpuMs, startMachineProbe } from './machine.ts';
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
   * In-process runs: an executor that does fray's per-request work around a target that
   * does nothing. Run right after each level, it gives fray's own cost per request under
   * the same conditions, hence the share of the thread the generator took.
   */
  readonly calibration?: Executor;
  /** Other processes serving the target: their CPU is the target's, not contention. */
  readonly targetPids?: readonly number[];
}

/** CPU time (ms) of this whole process — every thread: the app, the generator — so far. */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
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
    let warmedUp: LevelMeasurement['warmup'];
    if (plan.warmup !== undefined && (plan.warmup.each || index === 0)) {
      const byCount = 'requests' in plan.warmup ? plan.warmup.requests : undefined;
      const byTime = 'durationMs' in plan.warmup ? plan.warmup.durationMs : undefined;
      if ((byCount ?? 1) > 0 && (byTime ?? 1) > 0) {
        const toProgress = progressOf(plan, index, level, 'warmup', byTime, byCount);
        const warm = await drive({
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
        warmedUp = { requests: warm.recorder.completed, durationMs: warm.elapsedMs };
        if (aborted()) return;
      }
    }
    const toProgress = progressOf(plan, index, level, 'measure', plan.durationMs, plan.requests);
    const pids = options.targetPids ?? [];
    const machineProbe = startMachineProbe();
    const ours0 = processCpuMs() + processesCpuMs(pids);
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
    const health = probe.stop();
    const machine = machineProbe.stop(processCpuMs() + processesCpuMs(pids) - ours0);
    // CPU time, not wall time, on both sides: other processes competing for the CPU slow
    // the level and the calibration alike without changing the ratio.
    const levelCpuMs = health.cpu * result.elapsedMs;
    const generatorShare =
      options.calibration === undefined || levelCpuMs <= 0
        ? undefined
        : ((await calibrateOverhead(
            plan,
            'concurrency' in level ? level.concurrency : 16,
            options.calibration,
          )) *
            recorder.completed) /
          levelCpuMs;
    const measurement: LevelMeasurement = {
      level,
      startedAt: result.startedAt,
      elapsedMs: result.elapsedMs,
      completed: recorder.completed,
      ok: recorder.ok,
      interrupted: recorder.interrupted,
      ...(recorder.interrupted > 0 ? { interruptedMinMs: recorder.interruptedMinMs } : {}),
      errors: Object.fromEntries(recorder.errors),
      errorSamples: Object.fromEntries(recorder.errorSamples),
      dropped: result.dropped,
      arrivals: result.arrivals,
      lateStarts: result.lateStarts,
      histogram: recorder.histogram.encode(),
      uncorrectedHistogram: recorder.uncorrected?.encode(),
      timeline: recorder.timeline(result.elapsedMs),
      stoppedBy: result.stoppedBy,
      health: { ...health, generatorShare },
      ...(warmedUp === undefined ? {} : { warmup: warmedUp }),
      ...(machine === undefined ? {} : { machine }),
    };
    emit?.({
      ...toProgress(recorder, result.elapsedMs),
      phase: 'done',
      throughput: (recorder.completed * 1000) / result.elapsedMs,
    });
    options.onLevel(measurement);
    if (result.stoppedBy === 'aborted') return;
  }
}

/**
 * fray's own CPU cost per request on this thread, in ms: the closed driver run with `noop`
 * (an executor wrapping a target that does nothing). Times a level's request count, over
 * the level's CPU time, it estimates the share of the thread the generator itself took.
 *
 * @example
 * ```ts
 * const overheadMs = await calibrateOverhead(plan, 10, () => Promise.resolve(undefined));
 * ```
 */
export async function calibrateOverhead(
  plan: LoadPlan,
  concurrency: number,
  noop: Executor,
): Promise<number> {
  const run = (durationMs: number) =>
    drive({
      plan,
      level: { concurrency: Math.min(64, Math.max(1, concurrency)) },
      exec: noop,
      requests: undefined,
      durationMs,
      timeLimitMs: durationMs,
      random: createRandom(plan.seed),
      signal: undefined,
    });
  // Long enough for the JIT to settle and timers to matter little; short next to a level.
  await run(10);
  const cpu0 = threadCpuMs();
  const result = await run(40);
  return (threadCpuMs() - cpu0) / Math.max(1, result.recorder.completed);
}
