/**
 * The load report: plain data users script against and save as JSON. Latencies are in
 * milliseconds (fractional); every level carries its HdrHistogram encoded losslessly, so a
 * saved report can be re-analysed (percentiles, comparisons) without loss.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { LoadReportError } from '../errors/index.ts';
import { inconclusiveReasons, invalidReasons } from './health.ts';
import type { MachineLoad } from './machine.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import { levelLabel, type LoadPlan, type WarmupPlan } from './options.ts';
import type { GeneratorHealth, LevelMeasurement, StopReason, TimelinePoint } from './recorder.ts';

/** One round of an A/B test, as stored in each side's level. */
export interface RoundSummary {
  /** 0-based round number. */
  readonly round: number;
  /** Whether this side ran first in the round. */
  readonly first: boolean;
  readonly requests: number;
  readonly durationMs: number;
  readonly throughput: number;
  readonly latency: LatencySummary;
  /** The round's encoded histogram (µs). */
  readonly histogram: string;
}

/** The numbers of one level (one concurrency or one rate). */
export interface LevelReport {
  /** Closed model: requests kept in flight. */
  readonly concurrency?: number;
  /** Open model: arrivals per second. */
  readonly rate?: number;
  /** `c=10` or `200/s`. */
  readonly label: string;
  /** Measured requests that completed (successes and errors, timeouts included). */
  readonly requests: number;
  /**
   * Requests still running when the level ended — its deadline plus a short grace — and
   * aborted: neither successes nor errors. Their time in flight is in the latency histogram
   * as a lower bound, so a stall shows in the percentiles; gates that cannot be decided
   * without their true latency or outcome say `inconclusive`. 0 when none (or in reports of
   * older versions, where it is absent).
   */
  readonly interrupted?: number;
  /** The shortest time in flight (ms) of an interrupted request. */
  readonly interruptedMinMs?: number;
  /** Measurement time of the level, ms. */
  readonly durationMs: number;
  /** Completed requests per second. */
  readonly throughput: number;
  /**
   * Latency percentiles, ms. Open model: from each request's intended start (corrected for
   * coordinated omission). Closed model: from its actual start.
   */
  readonly latency: LatencySummary;
  /** Open model: latency from the actual send, beside the corrected one. */
  readonly uncorrectedLatency?: LatencySummary;
  /** Share of requests (completed + interrupted) that succeeded (0–1). */
  readonly successRate: number;
  /** Share of requests (completed + interrupted) that failed (0–1); interrupted ones are not failures. */
  readonly errorRate: number;
  /** Failures by kind: `status 503`, `TypeError`, `ECONNRESET`, `timeout`. */
  readonly errors: Readonly<Record<string, number>>;
  /** The first message seen for each error kind. */
  readonly errorSamples: Readonly<Record<string, string>>;
  /** Open model: arrivals not sent because `maxInFlight` requests were in flight. */
  readonly dropped: number;
  /** Open model: arrivals scheduled. */
  readonly arrivals: number;
  /** Open model: arrivals dispatched later than the tolerance. */
  readonly lateStarts: number;
  /**
   * Whether the numbers describe the target: no `invalidReasons` and no
   * `inconclusiveReasons`.
   */
  readonly valid: boolean;
  /** Why the numbers are wrong: the generator saturated, nothing completed, the run was aborted. */
  readonly invalidReasons: readonly string[];
  /**
   * Why the numbers cannot be judged though nothing is wrong with target or generator: the
   * machine was busy (other processes or workers, steal, the thread under test waiting for
   * a core) or too few requests completed. Gates on such a level are `inconclusive`.
   * Absent in reports of older versions.
   */
  readonly inconclusiveReasons?: readonly string[];
  /** What the rest of the machine did during the level (Linux). */
  readonly machine?: MachineLoad;
  readonly stoppedBy: StopReason;
  /** Epoch ms at which measurement began (the first intended start). */
  readonly startedAt: number;
  /** The generator's own health. */
  readonly generator: GeneratorHealth;
  /** The unmeasured warm-up run just before this level, if any: requests and ms discarded. */
  readonly warmup?: { readonly requests: number; readonly durationMs: number };
  /** Encoded HdrHistogram of `latency` (µs, compressed base64, lossless). */
  readonly histogram: string;
  /** Encoded HdrHistogram of `uncorrectedLatency`. */
  readonly uncorrectedHistogram?: string;
  /** Completions over time. */
  readonly timeline: readonly TimelinePoint[];
  /** A/B tests: the rounds this level was measured in. */
  readonly rounds?: readonly RoundSummary[];
}

/** Facts about the machine a report was measured on. */
export interface ReportEnvironment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly ci: boolean;
}

/** The result of `load()`. */
export interface LoadReport {
  readonly format: 'fray-load-report';
  readonly version: 1;
  readonly name?: string;
  readonly model: 'closed' | 'open';
  readonly target: { readonly kind: 'client' | 'url' | 'function'; readonly url?: string };
  /** ISO time the run started. */
  readonly startedAt: string;
  /** Wall time of the whole run, ms. */
  readonly durationMs: number;
  /** The seed of Poisson arrivals and statistics. */
  readonly seed: number;
  readonly settings: {
    readonly durationMs?: number;
    readonly requests?: number;
    readonly timeoutMs: number;
    readonly warmup?: WarmupPlan;
    readonly arrivals?: 'uniform' | 'poisson';
    readonly maxInFlight?: number;
  };
  readonly environment: ReportEnvironment;
  /** Every level valid. */
  readonly valid: boolean;
  /** The run was cancelled through its signal. */
  readonly aborted: boolean;
  readonly levels: readonly LevelReport[];
  /** A/B tests: the test this side belongs to, so `compare()` can pair its rounds. */
  readonly pairing?: { readonly id: string; readonly side: 'a' | 'b'; readonly seed: number };
}

/**
 * The environment of this process.
 *
 * @example
 * ```ts
 * reportEnvironment().cpus; // 2
 * ```
 */
export function reportEnvironment(): ReportEnvironment {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: availableParallelism(),
    ci: /^(1|true)$/i.test(process.env['CI'] ?? ''),
  };
}

/**
 * Turn a measurement into a level report.
 *
 * @example
 * ```ts
 * const level = levelReport(measurement, plan);
 * ```
 */
export function levelReport(measurement: LevelMeasurement, plan: LoadPlan): LevelReport {
  const histogram = LatencyHistogram.decode(measurement.histogram);
  const uncorrected =
    measurement.uncorrectedHistogram === undefined
      ? undefined
      : LatencyHistogram.decode(measurement.uncorrectedHistogram);
  const inconclusive = inconclusiveReasons(measurement, plan.validity.maxOtherCpu);
  // On a busy machine a saturated or lagging generator is the machine's doing: inconclusive.
  const generatorReasons = invalidReasons({ ...measurement, stoppedBy: 'duration', completed: 1 }, plan);
  const reasons = invalidReasons(measurement, plan).filter(
    (reason) => inconclusive.length === 0 || !generatorReasons.includes(reason),
  );
  if (inconclusive.length > 0) inconclusive.push(...generatorReasons);
  const completed = measurement.completed;
  const interrupted = measurement.interrupted ?? 0;
  const started = completed + interrupted;
  return {
    ...measurement.level,
    label: levelLabel(measurement.level),
    requests: completed,
    interrupted,
    ...(measurement.interruptedMinMs === undefined ? {} : { interruptedMinMs: measurement.interruptedMinMs }),
    durationMs: measurement.elapsedMs,
    throughput: (completed * 1000) / measurement.elapsedMs,
    latency: histogram.summary(),
    ...(uncorrected === undefined ? {} : { uncorrectedLatency: uncorrected.summary() }),
    successRate: started === 0 ? 0 : measurement.ok / started,
    errorRate: started === 0 ? 0 : (completed - measurement.ok) / started,
    errors: measurement.errors,
    errorSamples: measurement.errorSamples,
    dropped: measurement.dropped,
    arrivals: measurement.arrivals,
    lateStarts: measurement.lateStarts,
    valid: reasons.length === 0 && inconclusive.length === 0,
    invalidReasons: reasons,
    inconclusiveReasons: inconclusive,
    ...(measurement.machine === undefined ? {} : { machine: measurement.machine }),
    stoppedBy: measurement.stoppedBy,
    startedAt: measurement.startedAt,
    generator: measurement.health,
    ...(measurement.warmup === undefined ? {} : { warmup: measurement.warmup }),
    histogram: measurement.histogram,
    ...(measurement.uncorrectedHistogram === undefined
      ? {}
      : { uncorrectedHistogram: measurement.uncorrectedHistogram }),
    timeline: measurement.timeline,
  };
}

/**
 * The latency histogram of a level (µs values, ms queries), decoded from the report.
 *
 * @example
 * ```ts
 * const histogram = levelHistogram(report.levels[0]);
 * histogram.percentileMs(99.99);
 * ```
 */
export function levelHistogram(
  level: Pick<LevelReport, 'histogram'>,
  which: 'corrected' | 'uncorrected' = 'corrected',
): LatencyHistogram {
  if (which === 'uncorrected') {
    const encoded = (level as Partial<LevelReport>).uncorrectedHistogram;
    if (encoded === undefined)
      throw new LoadReportError(
        'this level has no uncorrected histogram (closed model).',
        'use the corrected histogram; only open-model levels have both.',
      );
    return LatencyHistogram.decode(encoded);
  }
  return LatencyHistogram.decode(level.histogram);
}

/**
 * Check that `value` (e.g. parsed JSON) is a fray load report, and return it typed. The
 * report of a whole `fray run` (`format: 'fray-run-report'`, what `report.json` holds) is
 * accepted too: its load report is returned.
 *
 * @example
 * ```ts
 * const report = asLoadReport(JSON.parse(await readFile('report.json', 'utf8')), 'report.json');
 * ```
 */
export function asLoadReport(value: unknown, source = 'the report'): LoadReport {
  const run = value as { format?: unknown; version?: unknown; load?: unknown } | null;
  if (typeof run === 'object' && run !== null && run.format === 'fray-run-report') {
    if (run.version !== 1)
      throw new LoadReportError(
        `${source} is a fray run report of version ${String(run.version)}; this fray reads version 1.`,
        'produce both reports with the same fray version.',
      );
    return asLoadReport(run.load, `${source} (its "load")`);
  }
  const report = value as Partial<LoadReport> | null;
  if (typeof report !== 'object' || report === null || report.format !== 'fray-load-report') {
    throw new LoadReportError(`${source} is not a fray load report (no "format": "fray-load-report").`);
  }
  if (report.version !== 1) {
    throw new LoadReportError(
      `${source} has report version ${String(report.version)}; this fray reads version 1.`,
      'produce both reports with the same fray version.',
    );
  }
  if (!Array.isArray(report.levels) || report.levels.length === 0) {
    throw new LoadReportError(`${source} has no levels.`);
  }
  report.levels.forEach((level: Partial<LevelReport>, i) => {
    if (
      typeof level.histogram !== 'string' ||
      typeof level.requests !== 'number' ||
      typeof level.label !== 'string'
    ) {
      throw new LoadReportError(`${source}: level ${i} lacks its histogram, request count or label.`);
    }
  });
  return report as LoadReport;
}
