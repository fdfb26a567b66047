/**
 * `compare(baseline, current)`: is `current` slower, faster, or the same within noise?
 * The answer is the ratio current ÷ baseline of one metric with its confidence interval —
 * never a bare threshold on one noisy number.
 *
 * - Two A/B sides run together (`abTest()`): the rounds' log ratios, paired — the
 *   Hodges–Lehmann estimate with its Wilcoxon signed-rank interval (Student's t below 6
 *   rounds) — which carries the between-round variance that single runs hide.
 * - Reports with rounds that are not paired: a bootstrap over rounds.
 * - Repeated runs (`compare([run1, run2, run3], [run4, run5, run6])`): each run is a round;
 *   the interval over rounds (Welch's t on log values below 5 runs a side, a bootstrap from
 *   5) carries the between-run variance one run per side cannot show.
 * - One run per side: a bootstrap on the saved histograms. Percentiles are resampled
 *   exactly and cheaply — the k-th order statistic of a resample of n values is the
 *   empirical quantile at a Beta(k, n − k + 1) draw — the mean by its normal
 *   approximation, and throughput by resampling timeline intervals. That interval only sees
 *   the requests of each run, not how far two runs of the same code land apart (the JIT,
 *   the machine, another process): a change is called only when the whole interval lies
 *   beyond `runToRun` as well; otherwise the answer is `inconclusive`, with the fix.
 *
 * A change is called only when the interval excludes 1 **and** the ratio is beyond the
 * noise threshold (as Criterion.rs does); otherwise the verdict is `noise`. Reports of
 * different scenarios, or where one side mostly failed, are `inconclusive` with the reason.
 *
 * @module
 */
import { LoadCompareError } from '../errors/index.ts';
import { rankOfPercentile, valueAtRank, type Distribution, type LatencySummary } from './histogram.ts';
import { levelHistogram, type LevelReport, type LoadReport, type RoundSummary } from './report.ts';
import { createRandom, type Random } from './random.ts';
import { signedRankInterval, sortedQuantile, studentTQuantile } from './stats.ts';
import { describe, formatPercent } from './units.ts';

/** What to compare: a latency percentile, the mean, or throughput. */
export type CompareMetric = 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999' | 'mean' | 'throughput';

/** Options of {@link compare}. */
export interface CompareOptions {
  /** The metric. Default `'p50'` (the most stable); `'p99'` for tails (needs more samples). */
  readonly metric?: CompareMetric;
  /** Two-sided confidence of the interval. Default `0.95`. */
  readonly confidence?: number;
  /**
   * Changes smaller than this fraction are noise even when significant. Default `0.05`:
   * load numbers move a few percent between runs on shared machines.
   */
  readonly noise?: number;
  /** Bootstrap resamples. Default 10,000; 1,000–1,000,000. */
  readonly resamples?: number;
  /** Seed of the bootstrap. Default: derived from the two reports, so a comparison repeats exactly. */
  readonly seed?: number;
  /**
   * One run per side: how far apart two runs of the same code may land — JIT state, CPU
   * frequency, another process, another machine — as a fraction. A single-run change is
   * called only when its whole interval lies beyond it; otherwise `inconclusive`. Default
   * `0.15` (measured A/A spread of single in-process runs on a shared 2-core machine, see
   * docs/load.md); 0–1. Not used with rounds (A/B tests, repeated runs), which measure it.
   */
  readonly runToRun?: number;
}

/**
 * The verdicts: `inconclusive` when the data cannot decide — one run per side and a change
 * within run-to-run variation, reports of different scenarios, one side mostly errors.
 */
export type Verdict = 'regression' | 'noise' | 'improvement' | 'inconclusive';

/** How an interval was computed. */
export type CompareMethod = 'paired-rounds' | 'rounds-bootstrap' | 'rounds-welch' | 'histogram-bootstrap';

/** The comparison of one level. */
export interface LevelComparison {
  readonly level: string;
  readonly verdict: Verdict;
  /** current ÷ baseline. */
  readonly ratio: number;
  readonly ci: { readonly lower: number; readonly upper: number };
  readonly baseline: number;
  readonly current: number;
  readonly method: CompareMethod;
  /** Samples behind each side (requests, intervals or rounds, per method). */
  readonly samples: { readonly baseline: number; readonly current: number };
  /** Why the verdict is `inconclusive`, when it is. */
  readonly reasons: readonly string[];
}

/** The result of {@link compare}. */
export interface Comparison {
  /** `regression` if any level regressed; `improvement` if some improved and none regressed. */
  readonly verdict: Verdict;
  /** The ratio of the level that moved most in the bad direction (the only level, usually). */
  readonly ratio: number;
  readonly ci: { readonly lower: number; readonly upper: number };
  readonly metric: CompareMetric;
  readonly confidence: number;
  readonly noise: number;
  readonly seed: number;
  readonly levels: readonly LevelComparison[];
  /** Why some verdict is `inconclusive` (deduplicated), for people. */
  readonly reasons: readonly string[];
  /** One line per level, for people. */
  readonly summary: string;
}

const METRICS: readonly CompareMetric[] = ['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'mean', 'throughput'];
const PERCENTILE: Readonly<Record<string, number>> = {
  p50: 50,
  p75: 75,
  p90: 90,
  p95: 95,
  p99: 99,
  p999: 99.9,
};

/** One side of a comparison: a report, one of its levels, or repeated runs of the same scenario. */
export type CompareSide = LoadReport | LevelReport | readonly LoadReport[];

/** Repeated runs as one report whose levels carry one round per run. */
function asRounds(runs: readonly LoadReport[], side: string): LoadReport {
  const first = runs[0];
  if (first === undefined)
    throw new LoadCompareError(`${side} is an empty list of runs.`, 'pass at least one report per side.');
  runs.forEach((run, i) => levelsOf(run, `${side}[${i}]`));
  if (runs.length === 1) return first;
  const levels = first.levels.map((level) => {
    const rounds: RoundSummary[] = [];
    runs.forEach((run, round) => {
      const same = run.levels.find((candidate) => candidate.label === level.label);
      if (same === undefined) return;
      rounds.push({
        round,
        first: false,
        requests: same.requests,
        durationMs: same.durationMs,
        throughput: same.throughput,
        latency: same.latency,
        histogram: same.histogram,
      });
    });
    return { ...level, rounds };
  });
  const { pairing: _pairing, ...rest } = first;
  return { ...rest, levels };
}

function levelsOf(value: CompareSide, side: string): readonly LevelReport[] {
  if (Array.isArray(value)) return asRounds(value as readonly LoadReport[], side).levels;
  if (typeof value === 'object' && value !== null && Array.isArray((value as LoadReport).levels))
    return (value as LoadReport).levels;
  if (typeof value === 'object' && value !== null && typeof (value as LevelReport).histogram === 'string')
    return [value as LevelReport];
  throw new LoadCompareError(
    `${side} is not a load report (got ${describe(value)}).`,
    'pass reports returned by load() or read from report.json.',
  );
}

function hashSeed(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function roundMetric(round: RoundSummary, metric: CompareMetric): number {
  return metric === 'throughput' ? round.throughput : round.latency[metric as keyof LatencySummary];
}

function levelMetric(level: LevelReport, metric: CompareMetric): number {
  return metric === 'throughput' ? level.throughput : level.latency[metric as keyof LatencySummary];
}

/** Bootstrap replicates of a level's metric (ms or req/s). */
function replicates(
  level: LevelReport,
  metric: CompareMetric,
  count: number,
  random: Random,
): { values: Float64Array; samples: number } {
  const values = new Float64Array(count);
  if (metric === 'throughput') {
    const points = level.timeline.filter(
      (point, i) => i < level.timeline.length - 1 || point.ms === level.timeline[0]?.ms,
    );
    const rates = points.map((point) => (point.requests * 1000) / point.ms);
    if (rates.length < 5) {
      throw new LoadCompareError(
        `level ${level.label} has ${rates.length} whole timeline intervals; comparing throughput needs at least 5.`,
        'run each level for at least a second, or compare a latency metric.',
      );
    }
    // Scale interval means to the level's overall throughput so the point estimate matches the report.
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    const scale = mean > 0 ? level.throughput / mean : 1;
    for (let b = 0; b < count; b++) {
      let sum = 0;
      for (let i = 0; i < rates.length; i++) sum += rates[random.int(rates.length)] ?? 0;
      values[b] = (sum / rates.length) * scale;
    }
    return { values, samples: rates.length };
  }
  const histogram = levelHistogram(level);
  const n = histogram.count;
  if (n < 2) {
    throw new LoadCompareError(
      `level ${level.label} has ${n} sample(s); comparing needs more.`,
      'run the level longer.',
    );
  }
  if (metric === 'mean') {
    const mean = histogram.meanMs;
    const se = histogram.stdDevMs / Math.sqrt(n);
    for (let b = 0; b < count; b++) values[b] = mean + se * random.normal();
    return { values, samples: n };
  }
  const distribution: Distribution = histogram.distribution();
  const k = rankOfPercentile(PERCENTILE[metric] ?? 50, n);
  for (let b = 0; b < count; b++) {
    const u = random.beta(k, n - k + 1);
    values[b] = valueAtRank(distribution, Math.ceil(u * n)) / 1000;
  }
  return { values, samples: n };
}

function verdictOf(
  ratio: number,
  lower: number,
  upper: number,
  noise: number,
  higherIsWorse: boolean,
): Verdict {
  const worse = higherIsWorse ? lower > 1 && ratio > 1 + noise : upper < 1 && ratio < 1 / (1 + noise);
  if (worse) return 'regression';
  const better = higherIsWorse ? upper < 1 && ratio < 1 / (1 + noise) : lower > 1 && ratio > 1 + noise;
  return better ? 'improvement' : 'noise';
}

/**
 * One run per side: a change the within-run interval calls stands only if the whole
 * interval also clears run-to-run variation; otherwise it is `inconclusive`.
 */
function singleRunVerdict(
  verdict: Verdict,
  lower: number,
  upper: number,
  runToRun: number,
): { verdict: Verdict; reason?: string } {
  if (verdict === 'noise' || verdict === 'inconclusive') return { verdict };
  const beyond = lower > 1 + runToRun || upper < 1 / (1 + runToRun);
  if (beyond) return { verdict };
  return {
    verdict: 'inconclusive',
    reason: `one run per side cannot tell a change this small from run-to-run variation (±${formatPercent(runToRun)}: JIT, machine, another process); compare repeated runs — compare([a1, a2, a3], [b1, b2, b3]) — or run abTest()`,
  };
}

/** Why two levels' numbers describe different things, if they do. */
function mismatchReason(base: LevelReport, current: LevelReport): string | undefined {
  const okBase = base.successRate >= 0.5;
  const okCurrent = current.successRate >= 0.5;
  if (okBase === okCurrent) return undefined;
  const side = okBase ? 'current' : 'baseline';
  const failing = okBase ? current : base;
  const kinds = Object.entries(failing.errors)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([kind, count]) => `${kind} ×${count}`)
    .join(', ');
  return `the ${side} run mostly failed (${formatPercent(1 - failing.successRate)} errors${kinds === '' ? '' : `: ${kinds}`}): its latency is that of error responses, not comparable`;
}

function compareLevel(
  base: LevelReport,
  current: LevelReport,
  paired: boolean,
  options: Required<Omit<CompareOptions, 'seed'>> & { random: Random },
): LevelComparison {
  const { metric, confidence, noise, resamples, random, runToRun } = options;
  const alpha = 1 - confidence;
  const higherIsWorse = metric !== 'throughput';
  const baseRounds = base.rounds ?? [];
  const currentRounds = current.rounds ?? [];
  let ratio: number;
  let lower: number;
  let upper: number;
  let method: CompareMethod;
  let samples: { baseline: number; current: number };
  if (paired && baseRounds.length >= 3 && baseRounds.length === currentRounds.length) {
    const logs = baseRounds.map((round, i) =>
      Math.log(roundMetric(currentRounds[i] as RoundSummary, metric) / roundMetric(round, metric)),
    );
    const finite = logs.filter(Number.isFinite);
    if (finite.length < 3)
      throw new LoadCompareError(
        `level ${base.label}: fewer than 3 rounds have a usable ${metric}.`,
        'run more rounds, or rounds long enough to complete requests.',
      );
    // Hodges–Lehmann with the Wilcoxon interval: robust to the odd round a neighbour
    // process disturbed; Student's t when there are too few rounds for it.
    const robust = signedRankInterval(finite, confidence);
    if (robust !== undefined) {
      ratio = Math.exp(robust.estimate);
      lower = Math.exp(robust.lower);
      upper = Math.exp(robust.upper);
    } else {
      const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
      const sd = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1));
      const half = (studentTQuantile(1 - alpha / 2, finite.length - 1) * sd) / Math.sqrt(finite.length);
      ratio = Math.exp(mean);
      lower = Math.exp(mean - half);
      upper = Math.exp(mean + half);
    }
    method = 'paired-rounds';
    samples = { baseline: finite.length, current: finite.length };
  } else if (
    baseRounds.length >= 2 &&
    currentRounds.length >= 2 &&
    (baseRounds.length < 5 || currentRounds.length < 5)
  ) {
    // Few repeated runs: Welch's t on the log values, between-run variance included.
    const la = baseRounds.map((round) => Math.log(roundMetric(round, metric)));
    const lb = currentRounds.map((round) => Math.log(roundMetric(round, metric)));
    const mean = (values: readonly number[]): number => values.reduce((x, y) => x + y, 0) / values.length;
    const variance = (values: readonly number[]): number => {
      const m = mean(values);
      return values.reduce((x, y) => x + (y - m) ** 2, 0) / (values.length - 1);
    };
    const va = variance(la) / la.length;
    const vb = variance(lb) / lb.length;
    // Hsu's conservative degrees of freedom (the smaller side less one): Satterthwaite's
    // are liberal with this few runs, and a false verdict costs more than a late one.
    const df = Math.min(la.length, lb.length) - 1;
    const diff = mean(lb) - mean(la);
    const half = va + vb === 0 ? 0 : studentTQuantile(1 - alpha / 2, df) * Math.sqrt(va + vb);
    ratio = Math.exp(diff);
    lower = Math.exp(diff - half);
    upper = Math.exp(diff + half);
    method = 'rounds-welch';
    samples = { baseline: la.length, current: lb.length };
  } else if (baseRounds.length >= 5 && currentRounds.length >= 5) {
    const a = baseRounds.map((round) => roundMetric(round, metric));
    const b = currentRounds.map((round) => roundMetric(round, metric));
    const meanOf = (values: readonly number[]): number => values.reduce((x, y) => x + y, 0) / values.length;
    const ratios = new Float64Array(resamples);
    for (let r = 0; r < resamples; r++) {
      let sa = 0;
      let sb = 0;
      for (let i = 0; i < a.length; i++) sa += a[random.int(a.length)] ?? 0;
      for (let i = 0; i < b.length; i++) sb += b[random.int(b.length)] ?? 0;
      ratios[r] = sb / b.length / (sa / a.length);
    }
    ratios.sort();
    ratio = meanOf(b) / meanOf(a);
    lower = sortedQuantile(ratios, alpha / 2);
    upper = sortedQuantile(ratios, 1 - alpha / 2);
    method = 'rounds-bootstrap';
    samples = { baseline: a.length, current: b.length };
  } else {
    const a = replicates(base, metric, resamples, random);
    const b = replicates(current, metric, resamples, random);
    const ratios = new Float64Array(resamples);
    for (let r = 0; r < resamples; r++) ratios[r] = (b.values[r] ?? 0) / (a.values[r] ?? 1);
    ratios.sort();
    ratio = levelMetric(current, metric) / levelMetric(base, metric);
    lower = sortedQuantile(ratios, alpha / 2);
    upper = sortedQuantile(ratios, 1 - alpha / 2);
    method = 'histogram-bootstrap';
    samples = { baseline: a.samples, current: b.samples };
  }
  if (!Number.isFinite(ratio)) {
    throw new LoadCompareError(
      `level ${base.label}: the baseline's ${metric} is 0, so no ratio exists.`,
      'compare a metric that is non-zero on both sides.',
    );
  }
  const reasons: string[] = [];
  let verdict = verdictOf(ratio, lower, upper, noise, higherIsWorse);
  if (method === 'histogram-bootstrap') {
    const single = singleRunVerdict(verdict, lower, upper, runToRun);
    verdict = single.verdict;
    if (single.reason !== undefined) reasons.push(single.reason);
  }
  // A level whose numbers are invalid or were measured on a busy machine settles nothing —
  // unless the sides were interleaved round by round (abTest), which is how drift and
  // neighbours are cancelled out.
  for (const [side, level] of method === 'paired-rounds'
    ? []
    : ([
        ['baseline', base],
        ['current', current],
      ] as const)) {
    const why = [...level.invalidReasons, ...(level.inconclusiveReasons ?? [])];
    if (!level.valid && why.length > 0) {
      verdict = 'inconclusive';
      reasons.push(`the ${side} level ${level.label} cannot be judged: ${why[0] ?? ''}`);
    }
  }
  const mismatch = mismatchReason(base, current);
  if (mismatch !== undefined) {
    verdict = 'inconclusive';
    reasons.push(mismatch);
  }
  return {
    level: current.label,
    verdict,
    ratio,
    ci: { lower, upper },
    baseline: levelMetric(base, metric),
    current: levelMetric(current, metric),
    method,
    samples,
    reasons,
  };
}

/**
 * Check compare options and apply the defaults, without comparing anything (what `fray run`
 * does before a run starts). Throws `FRAY_LOAD_COMPARE` naming the option and the fix.
 *
 * @example
 * ```ts
 * validateCompareOptions({ metric: 'p99' }).noise; // 0.05
 * ```
 */
export function validateCompareOptions(
  options: CompareOptions,
): Required<Pick<CompareOptions, 'metric' | 'confidence' | 'noise' | 'resamples' | 'runToRun'>> {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new LoadCompareError(
      `compare options must be an object, got ${JSON.stringify(options) ?? typeof options}.`,
      "pass e.g. { metric: 'p99', noise: 0.05 }.",
    );
  const metric = options.metric ?? 'p50';
  if (!METRICS.includes(metric)) {
    throw new LoadCompareError(
      `'${String(metric)}' is not a comparable metric.`,
      `use one of ${METRICS.join(', ')}.`,
    );
  }
  const confidence = options.confidence ?? 0.95;
  if (!(typeof confidence === 'number' && confidence >= 0.5 && confidence < 1))
    throw new LoadCompareError(
      `confidence ${String(confidence)} is out of range.`,
      'use a number from 0.5 to 0.999, e.g. 0.95.',
    );
  const noise = options.noise ?? 0.05;
  if (!(typeof noise === 'number' && noise >= 0 && noise < 1))
    throw new LoadCompareError(
      `noise ${String(noise)} is out of range.`,
      'use a fraction from 0 to 0.99, e.g. 0.05.',
    );
  const resamples = options.resamples ?? 10_000;
  if (!Number.isInteger(resamples) || resamples < 1000 || resamples > 1_000_000) {
    throw new LoadCompareError(
      `resamples ${String(resamples)} is out of range.`,
      'use a whole number from 1,000 to 1,000,000.',
    );
  }
  const runToRun = options.runToRun ?? 0.15;
  if (!(typeof runToRun === 'number' && runToRun >= 0 && runToRun <= 1))
    throw new LoadCompareError(
      `runToRun ${String(runToRun)} is out of range.`,
      'use a fraction from 0 to 1, e.g. 0.15.',
    );
  return { metric, confidence, noise, resamples, runToRun };
}

/**
 * Throw `FRAY_LOAD_COMPARE` unless two runs with these level labels can be compared: they
 * share a level (`c=10`, `200/s`), or each has exactly one.
 *
 * @example
 * ```ts
 * assertComparableLevels(['c=10', 'c=50'], ['c=50']); // fine
 * assertComparableLevels(['c=10', 'c=50'], ['c=20', 'c=100']); // throws
 * ```
 */
export function assertComparableLevels(baseline: readonly string[], current: readonly string[]): void {
  if (current.some((label) => baseline.includes(label))) return;
  if (baseline.length === 1 && current.length === 1) return;
  throw new LoadCompareError(
    `the reports have no level in common (baseline: ${baseline.join(', ')}; current: ${current.join(', ')}).`,
    'run both with the same concurrency or rate levels.',
  );
}

/**
 * Compare two load reports (or two levels) on one metric.
 *
 * @example
 * ```ts
 * import { compare } from 'fray/load';
 *
 * const result = compare(baseline, current, { metric: 'p99' });
 * if (result.verdict === 'regression') {
 *   throw new Error(`p99 is ${result.ratio.toFixed(2)}× the baseline (95% CI ${result.ci.lower.toFixed(2)}–${result.ci.upper.toFixed(2)})`);
 * }
 * ```
 */
export function compare(
  baseline: CompareSide,
  current: CompareSide,
  options: CompareOptions = {},
): Comparison {
  const { metric, confidence, noise, resamples, runToRun } = validateCompareOptions(options);
  const baseLevels = levelsOf(baseline, 'baseline');
  const currentLevels = levelsOf(current, 'current');
  const head = (side: CompareSide): Partial<LoadReport> =>
    (Array.isArray(side) ? (side[0] ?? {}) : side) as Partial<LoadReport>;
  const pairingA = Array.isArray(baseline) ? undefined : head(baseline).pairing;
  const pairingB = Array.isArray(current) ? undefined : head(current).pairing;
  const paired =
    pairingA !== undefined &&
    pairingB !== undefined &&
    pairingA.id === pairingB.id &&
    pairingA.side !== pairingB.side;
  const seed =
    options.seed ??
    hashSeed(
      metric,
      ...baseLevels.map((level) => level.histogram.slice(-32)),
      ...currentLevels.map((level) => level.histogram.slice(-32)),
    );
  const random = createRandom(seed);
  let pairs: [LevelReport, LevelReport][] = [];
  for (const level of currentLevels) {
    const match = baseLevels.find((candidate) => candidate.label === level.label);
    if (match !== undefined) pairs.push([match, level]);
  }
  if (pairs.length === 0) {
    assertComparableLevels(
      baseLevels.map((l) => l.label),
      currentLevels.map((l) => l.label),
    );
    pairs = [[baseLevels[0] as LevelReport, currentLevels[0] as LevelReport]];
  }
  const compared = pairs.map(([a, b]) =>
    compareLevel(a, b, paired, { metric, confidence, noise, resamples, random, runToRun }),
  );
  // Two scenarios under the same level labels compare different requests: say so.
  const names = [head(baseline).name, head(current).name];
  // (The two sides of one A/B test are named after their side and are one scenario.)
  const levels =
    !paired && names[0] !== undefined && names[1] !== undefined && names[0] !== names[1]
      ? compared.map((level) => ({
          ...level,
          verdict: 'inconclusive' as const,
          reasons: [
            ...level.reasons,
            `the reports are of different scenarios ('${names[0]}' and '${names[1]}'): they measure different requests`,
          ],
        }))
      : compared;
  const higherIsWorse = metric !== 'throughput';
  const worst = levels.reduce((a, b) => ((higherIsWorse ? b.ratio > a.ratio : b.ratio < a.ratio) ? b : a));
  const verdict: Verdict = levels.some((l) => l.verdict === 'regression')
    ? 'regression'
    : levels.some((l) => l.verdict === 'inconclusive')
      ? 'inconclusive'
      : levels.some((l) => l.verdict === 'improvement')
        ? 'improvement'
        : 'noise';
  const reasons = [...new Set(levels.flatMap((l) => l.reasons))];
  const pct = formatPercent(confidence);
  const summary = levels
    .map(
      (l) =>
        `${l.level}: ${metric} ${l.ratio.toFixed(3)}× (${pct} CI ${l.ci.lower.toFixed(3)}–${l.ci.upper.toFixed(3)}, ${l.method}) → ${l.verdict}`,
    )
    .join('\n');
  return {
    verdict,
    ratio: worst.ratio,
    ci: worst.ci,
    metric,
    confidence,
    noise,
    seed,
    levels,
    reasons,
    summary,
  };
}
