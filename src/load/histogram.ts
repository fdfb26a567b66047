/**
 * Latency histograms: HdrHistogram (`hdr-histogram-js`) recording integer **microseconds**
 * with three significant digits (values are kept within 0.1 %), auto-resizing, encoded
 * losslessly in the standard compressed HdrHistogram V2 format (base64) that every
 * HdrHistogram implementation reads. Queries answer in fractional **milliseconds**.
 *
 * @module
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import { LoadReportError } from '../errors/index.ts';

/** The internals of hdr-histogram-js's JS histograms that fray iterates over. */
interface HdrInternals {
  readonly countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  lowestEquivalentValue(value: number): number;
}

/** Latency percentiles in milliseconds (fractional). */
export interface LatencySummary {
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  /** The 99.9th percentile. */
  readonly p999: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The recorded values of a histogram as sorted arrays, for rank queries, bootstrap
 * resampling and plots. Each distinct bucket appears once with its count.
 */
export interface Distribution {
  /** Total number of recorded values. */
  readonly count: number;
  /** Bucket values in microseconds (highest value equivalent to the bucket), ascending. */
  readonly values: Float64Array;
  /** Cumulative counts: `cumulative[i]` values are ≤ `values[i]`. */
  readonly cumulative: Float64Array;
}

/**
 * A latency histogram in microseconds.
 *
 * @example
 * ```ts
 * const histogram = new LatencyHistogram();
 * histogram.recordMs(12.5);
 * histogram.percentileMs(99); // 12.5
 * const copy = LatencyHistogram.decode(histogram.encode()); // lossless
 * ```
 */
export class LatencyHistogram {
  readonly #hdr: Histogram;
  #distribution: Distribution | undefined;

  /**
   * @param significantDigits Value precision: 3 (default) keeps every value within 0.1 %;
   * 2 (1 %) is used for the small per-interval histograms of timelines.
   */
  constructor(significantDigits: 2 | 3 = 3, hdr?: Histogram) {
    this.#hdr =
      hdr ??
      build({
        bitBucketSize: 64,
        autoResize: true,
        lowestDiscernibleValue: 1,
        highestTrackableValue: 2,
        numberOfSignificantValueDigits: significantDigits,
      });
  }

  /** Record one latency in microseconds (rounded to an integer, at least 1). */
  recordMicros(micros: number, count = 1): void {
    const value = micros < 1 ? 1 : Math.round(micros);
    if (count === 1) this.#hdr.recordValue(value);
    else this.#hdr.recordValueWithCount(value, count);
    this.#distribution = undefined;
  }

  /** Record one latency in milliseconds. */
  recordMs(ms: number): void {
    this.recordMicros(ms * 1000);
  }

  /** Add every value of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    this.#hdr.add(other.#hdr);
    this.#distribution = undefined;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#hdr.totalCount;
  }

  /** The value at percentile `p` (0–100), in milliseconds; 0 when empty. */
  percentileMs(p: number): number {
    if (this.count === 0) return 0;
    return this.#hdr.getValueAtPercentile(p) / 1000;
  }

  /** The value of 1-based rank `rank` among the sorted recorded values, in milliseconds. */
  rankMs(rank: number): number {
    return valueAtRank(this.distribution(), rank) / 1000;
  }

  /** Mean in milliseconds; 0 when empty. */
  get meanMs(): number {
    return this.count === 0 ? 0 : this.#hdr.mean / 1000;
  }

  /** Standard deviation in milliseconds; 0 when empty. */
  get stdDevMs(): number {
    return this.count === 0 ? 0 : this.#hdr.stdDeviation / 1000;
  }

  /** The percentiles reports show, in milliseconds. */
  summary(): LatencySummary {
    if (this.count === 0) return { p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, min: 0, max: 0, mean: 0 };
    const distribution = this.distribution();
    const internals = this.#hdr as unknown as HdrInternals;
    return {
      p50: this.percentileMs(50),
      p75: this.percentileMs(75),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      min: internals.lowestEquivalentValue(distribution.values[0] ?? 0) / 1000,
      max: valueAtRank(distribution, distribution.count) / 1000,
      mean: this.meanMs,
    };
  }

  /** The recorded values as sorted bucket arrays (cached until the next record). */
  distribution(): Distribution {
    if (this.#distribution !== undefined) return this.#distribution;
    const internals = this.#hdr as unknown as HdrInternals;
    const values: number[] = [];
    const cumulative: number[] = [];
    let total = 0;
    for (let i = 0; i < internals.countsArrayLength; i++) {
      const count = internals.getCountAtIndex(i);
      if (count === 0) continue;
      total += count;
      values.push(internals.highestEquivalentValue(internals.valueFromIndex(i)));
      cumulative.push(total);
    }
    this.#distribution = {
      count: total,
      values: Float64Array.from(values),
      cumulative: Float64Array.from(cumulative),
    };
    return this.#distribution;
  }

  /** Lossless text form: compressed HdrHistogram V2 encoding in base64. */
  encode(): string {
    return encodeIntoCompressedBase64(this.#hdr);
  }

  /**
   * Read a histogram written by {@link LatencyHistogram.encode} (or any HdrHistogram
   * implementation's compressed base64 encoding of microsecond values).
   */
  static decode(encoded: string): LatencyHistogram {
    let hdr: Histogram;
    try {
      hdr = decodeFromCompressedBase64(encoded, 64);
    } catch (error) {
      throw new LoadReportError(
        `a histogram in the report cannot be decoded (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    hdr.autoResize = true;
    return new LatencyHistogram(3, hdr);
  }
}

/**
 * The value (µs) of 1-based `rank` in a distribution: the smallest bucket whose cumulative
 * count reaches the rank. Ranks are clamped to [1, count].
 *
 * @example
 * ```ts
 * valueAtRank(histogram.distribution(), 1); // the smallest value
 * ```
 */
export function valueAtRank(distribution: Distribution, rank: number): number {
  const { cumulative, values } = distribution;
  if (cumulative.length === 0) return 0;
  const target = Math.min(Math.max(rank, 1), distribution.count);
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] ?? 0) >= target) high = mid;
    else low = mid + 1;
  }
  return values[low] ?? 0;
}

/**
 * The rank HdrHistogram uses for percentile `p` (0–100) of `count` values, so rank-based
 * queries agree with `getValueAtPercentile`.
 *
 * @example
 * ```ts
 * rankOfPercentile(99, 1000); // 990
 * ```
 */
export function rankOfPercentile(p: number, count: number): number {
  return Math.max(1, Math.ceil((Math.min(p, 100) / 100) * count - 1e-9));
}
