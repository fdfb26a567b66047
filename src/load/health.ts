/**
 * The load generator watching itself: event-loop delay and CPU time of the thread it runs
 * on, and the judgement of whether a level's numbers describe the target or the generator.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { contentionReasons } from './machine.ts';
import type { LoadPlan } from './options.ts';
import type { GeneratorHealth, LevelMeasurement } from './recorder.ts';
import { formatMs, formatPercent } from './units.ts';

const now = natives.performanceNow;
const RESOLUTION_MS = 10;
/** Late arrivals up to this count never invalidate a level on their own. */
const MIN_LATE_STARTS = 5;
const threadCpu: () => { user: number; system: number } =
  typeof process.threadCpuUsage === 'function' ? () => process.threadCpuUsage() : () => process.cpuUsage();

/**
 * CPU time used by the current thread so far, in ms (user + system).
 *
 * @example
 * ```ts
 * const before = threadCpuMs();
 * work();
 * const cpuMs = threadCpuMs() - before;
 * ```
 */
export function threadCpuMs(): number {
  const usage = threadCpu();
  return (usage.user + usage.system) / 1000;
}

/** A running health probe; `stop()` returns what it saw. */
export interface HealthProbe {
  stop(): GeneratorHealth;
}

/**
 * Start watching the current thread's event loop and CPU time.
 *
 * @example
 * ```ts
 * const probe = startHealthProbe('worker');
 * // … run a level …
 * const health = probe.stop();
 * ```
 */
export function startHealthProbe(thread: 'worker' | 'main'): HealthProbe {
  // The monitor samples with a timer every `resolution` ms and records the whole interval;
  // the delay is what exceeds the resolution.
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const cpu0 = threadCpu();
  const wall0 = now();
  return {
    stop() {
      delay.disable();
      const cpu1 = threadCpu();
      const wallMs = Math.max(1, now() - wall0);
      const cpuMs = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / 1000;
      const ms = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);
      const sampled = delay.count > 0;
      return {
        thread,
        cpu: cpuMs / wallMs,
        eventLoopDelay: {
          p50: sampled ? ms(delay.percentile(50)) : 0,
          p99: sampled ? ms(delay.percentile(99)) : 0,
          max: sampled ? ms(delay.max) : 0,
        },
        generatorShare: undefined,
      };
    },
  };
}

/** Fewer completed requests than this make a level's numbers inconclusive. */
export const MIN_LEVEL_REQUESTS = 100;

/** Matches the inconclusive reason about too few requests (A/B rounds judge it on the whole). */
export const TOO_FEW_REQUESTS = /^only \d+ requests completed: too few/;

/**
 * Why a level's numbers cannot be judged, though nothing is wrong with the target or the
 * generator as such: the machine was busy with something else (other processes or test
 * workers on a saturated machine, CPU stolen by the hypervisor, the thread under test
 * lagging while it barely ran — it was waiting for a core), or too few requests completed
 * to describe the level. Gates on such a level are `inconclusive`, not failed, and `fray
 * run` exits 3. An empty list means the machine was fine.
 *
 * @example
 * ```ts
 * const reasons = inconclusiveReasons(measurement, plan.validity.maxOtherCpu);
 * ```
 */
export function inconclusiveReasons(measurement: LevelMeasurement, maxOtherCpu = 0.3): string[] {
  const { health } = measurement;
  const reasons = contentionReasons(measurement.machine, health.eventLoopDelay.p99, maxOtherCpu);
  // In-process: the app runs on this thread. Lag while the thread used little CPU means it
  // was runnable but not running: another process had the core.
  if (health.thread === 'main' && health.eventLoopDelay.p99 > 50 && health.cpu < 0.5) {
    reasons.push(
      `the thread under test lagged ${formatMs(health.eventLoopDelay.p99)} at p99 while using only ${formatPercent(health.cpu)} of a core: it was waiting for a CPU (the machine is busy)`,
    );
  }
  if (measurement.completed > 0 && measurement.completed < MIN_LEVEL_REQUESTS) {
    reasons.push(
      `only ${measurement.completed} requests completed: too few to describe the level (at least ${MIN_LEVEL_REQUESTS}; run it longer)`,
    );
  }
  return reasons;
}

/**
 * Why a level's numbers cannot be trusted, if they cannot: the generator saturated its
 * thread (CPU, event-loop delay, late arrivals — judged only where the thread runs nothing
 * else), fray's own bookkeeping dominated an in-process run, nothing completed, or the run
 * was aborted. An empty list means valid.
 *
 * @example
 * ```ts
 * const reasons = invalidReasons(measurement, plan);
 * const valid = reasons.length === 0;
 * ```
 */
export function invalidReasons(measurement: LevelMeasurement, plan: LoadPlan): string[] {
  const reasons: string[] = [];
  const { health } = measurement;
  const limits = plan.validity;
  if (measurement.stoppedBy === 'aborted') reasons.push('the run was aborted before this level finished');
  if (measurement.completed === 0) reasons.push('no request completed');
  if (health.thread === 'worker') {
    if (health.cpu >= limits.maxGeneratorCpu) {
      reasons.push(
        `the generator thread used ${formatPercent(health.cpu)} of a core (limit ${formatPercent(limits.maxGeneratorCpu)}): the generator, not the target, may be the bottleneck`,
      );
    }
    if (health.eventLoopDelay.p99 > limits.maxLoopDelay) {
      reasons.push(
        `the generator's event loop lagged ${formatMs(health.eventLoopDelay.p99)} at p99 (limit ${formatMs(limits.maxLoopDelay)})`,
      );
    }
    // One pause of the thread (GC, the OS) makes a few arrivals late; saturation makes many.
    if (
      measurement.arrivals > 0 &&
      measurement.lateStarts > MIN_LATE_STARTS &&
      measurement.lateStarts / measurement.arrivals > limits.maxLateStarts
    ) {
      reasons.push(
        `${formatPercent(measurement.lateStarts / measurement.arrivals)} of arrivals started more than ${formatMs(limits.lateStartTolerance)} late (limit ${formatPercent(limits.maxLateStarts)}): the generator could not keep the rate`,
      );
    }
  } else if (health.generatorShare !== undefined && health.generatorShare > limits.maxGeneratorShare) {
    reasons.push(
      `fray's own bookkeeping took about ${formatPercent(Math.min(1, health.generatorShare))} of the thread (limit ${formatPercent(limits.maxGeneratorShare)}): the target is too cheap to measure in-process at this load, the numbers mostly describe fray`,
    );
  }
  return reasons;
}
