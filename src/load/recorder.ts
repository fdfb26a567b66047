/**
 * Records the outcome of every measured request of one level: latency histograms
 * (corrected from intended starts, and uncorrected in the open model), errors by kind with
 * a sample message each, and a timeline of completions. Produces a plain-data
 * {@link LevelMeasurement} that crosses threads and becomes a `LevelReport`.
 *
 * @module
 */
import { LatencyHistogram } from './histogram.ts';
import type { MachineLoad } from './machine.ts';
import type { PlannedLevel } from './options.ts';

/** The generator's own health during a level. */
export interface GeneratorHealth {
  /** Where the generator ran: its own worker thread, or the caller's (main) thread. */
  readonly thread: 'worker' | 'main';
  /** CPU time of the generator's thread over the level, as a share of one core (0–1+). */
  readonly cpu: number;
  /** Event-loop delay of the generator's thread, ms. */
  readonly eventLoopDelay: { readonly p50: number; readonly p99: number; readonly max: number };
  /**
   * In-process targets: the share of the thread's time spent in fray's own bookkeeping,
   * from a calibration against a no-op target. Undefined for worker runs.
   */
  readonly generatorShare: number | undefined;
}

/** One interval of a level's timeline. */
export interface TimelinePoint {
  /** Interval start, ms since the level's measurement began. */
  readonly t: number;
  /** Interval length, ms. */
  readonly ms: number;
  /** Requests completed in the interval. */
  readonly requests: number;
  /** Of which errors. */
  readonly errors: number;
  /** Median latency of the interval, ms (1 % precision). */
  readonly p50: number;
  /** p99 latency of the interval, ms (1 % precision). */
  readonly p99: number;
}

/** Why a level stopped. */
export type StopReason = 'requests' | 'duration' | 'time-limit' | 'aborted';

/** What one level measured, as plain data. */
export interface LevelMeasurement {
  readonly level: PlannedLevel;
  /** Epoch ms (fractional) at which measurement began: the first intended start. */
  readonly startedAt: number;
  /** ms from the start of measurement until the last request settled. */
  readonly elapsedMs: number;
  readonly completed: number;
  readonly ok: number;
  /**
   * Requests still running when the level ended (its deadline plus a short grace) and
   * aborted; absent in reports of older versions.
   */
  readonly interrupted?: number;
  /** The shortest time in flight (ms) of an interrupted request. */
  readonly interruptedMinMs?: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly errorSamples: Readonly<Record<string, string>>;
  /** Open model: arrivals that found `maxInFlight` requests in flight and were not sent. */
  readonly dropped: number;
  /** Open model: arrivals scheduled. */
  readonly arrivals: number;
  /** Open model: arrivals dispatched later than the tolerance after their intended start. */
  readonly lateStarts: number;
  /** Encoded latency histogram (µs): from intended start in the open model. */
  readonly histogram: string;
  /** Open model: encoded histogram from the actual send time. */
  readonly uncorrectedHistogram: string | undefined;
  readonly timeline: readonly TimelinePoint[];
  readonly stoppedBy: StopReason;
  readonly health: GeneratorHealth;
  /** What the rest of the machine did during the level (Linux: with steal). */
  readonly machine?: MachineLoad;
  /** The unmeasured warm-up run just before this level: what was discarded. */
  readonly warmup?: { readonly requests: number; readonly durationMs: number };
}

interface Bucket {
  requests: number;
  errors: number;
  histogram: LatencyHistogram;
}

const MAX_BUCKETS = 200;
const MAX_SAMPLE_LENGTH = 300;

/**
 * Collects the outcomes of one level.
 *
 * @example
 * ```ts
 * const recorder = new LevelRecorder(now, false);
 * recorder.record(start, start, now(), undefined);
 * ```
 */
export class LevelRecorder {
  /** Measurement start (performance.now() ms). */
  readonly origin: number;
  readonly histogram = new LatencyHistogram();
  readonly uncorrected: LatencyHistogram | undefined;
  completed = 0;
  ok = 0;
  failed = 0;
  /** Requests aborted because the level ended while they were still running. */
  interrupted = 0;
  /** The shortest time in flight (ms) of an interrupted request; Infinity when none. */
  interruptedMinMs = Infinity;
  lastEnd: number;
  readonly errors = new Map<string, number>();
  readonly errorSamples = new Map<string, string>();
  #bucketMs: number;
  #buckets: Bucket[] = [];

  constructor(origin: number, open: boolean, expectedMs?: number) {
    this.origin = origin;
    this.lastEnd = origin;
    this.uncorrected = open ? new LatencyHistogram() : undefined;
    // Aim for at most ~100 intervals of a whole number of 100 ms.
    this.#bucketMs = expectedMs === undefined ? 100 : Math.max(100, Math.ceil(expectedMs / 100 / 100) * 100);
  }

  /**
   * Record one settled request. Times are performance.now() ms; `intended` is when it
   * should have started (the open model's schedule; the actual start in the closed model).
   */
  record(intended: number, sent: number, end: number, errorKind: string | undefined, sample?: string): void {
    const micros = (end - intended) * 1000;
    this.histogram.recordMicros(micros);
    this.uncorrected?.recordMicros((end - sent) * 1000);
    this.completed++;
    if (end > this.lastEnd) this.lastEnd = end;
    let index = Math.floor((end - this.origin) / this.#bucketMs);
    if (index < 0) index = 0;
    while (index >= MAX_BUCKETS) {
      this.#coarsen();
      index = Math.floor((end - this.origin) / this.#bucketMs);
    }
    const bucket = this.#bucketAt(index);
    bucket.requests++;
    bucket.histogram.recordMicros(micros);
    if (errorKind === undefined) {
      this.ok++;
      return;
    }
    this.failed++;
    bucket.errors++;
    this.errors.set(errorKind, (this.errors.get(errorKind) ?? 0) + 1);
    if (sample !== undefined && !this.errorSamples.has(errorKind)) {
      this.errorSamples.set(
        errorKind,
        sample.length > MAX_SAMPLE_LENGTH ? `${sample.slice(0, MAX_SAMPLE_LENGTH)}…` : sample,
      );
    }
  }

  /**
   * Record a request aborted at the level's end: its time in flight enters the latency
   * histogram as a lower bound of its latency (a stall must not vanish from the
   * percentiles); it counts neither as a success nor as an error.
   */
  interrupt(intended: number, end: number): void {
    const ms = end - intended;
    this.histogram.recordMicros(ms * 1000);
    this.interrupted++;
    if (ms < this.interruptedMinMs) this.interruptedMinMs = ms;
  }

  #bucketAt(index: number): Bucket {
    while (this.#buckets.length <= index) {
      this.#buckets.push({ requests: 0, errors: 0, histogram: new LatencyHistogram(2) });
    }
    const bucket = this.#buckets[index];
    if (bucket === undefined) throw new RangeError(`no timeline interval ${index}`);
    return bucket;
  }

  /** Merge pairs of intervals and double their length, keeping the timeline bounded. */
  #coarsen(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.#buckets.length; i += 2) {
      const a = this.#buckets[i] as Bucket;
      const b = this.#buckets[i + 1];
      if (b !== undefined) {
        a.requests += b.requests;
        a.errors += b.errors;
        a.histogram.add(b.histogram);
      }
      merged.push(a);
    }
    this.#buckets = merged;
    this.#bucketMs *= 2;
  }

  /** The timeline so far; the last interval is cut at `elapsedMs` when given. */
  timeline(elapsedMs?: number): TimelinePoint[] {
    const last = this.#buckets.length - 1;
    return this.#buckets.map((bucket, i) => ({
      t: i * this.#bucketMs,
      ms:
        i === last && elapsedMs !== undefined
          ? Math.max(1, Math.min(this.#bucketMs, elapsedMs - i * this.#bucketMs))
          : this.#bucketMs,
      requests: bucket.requests,
      errors: bucket.errors,
      p50: bucket.histogram.percentileMs(50),
      p99: bucket.histogram.percentileMs(99),
    }));
  }
}
