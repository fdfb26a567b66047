/**
 * `abTest(a, b, { rounds })`: measure two targets in one run, interleaved — A then B or B
 * then A in each round, the order drawn from the seed — so drifts of the machine (CPU
 * frequency, neighbours, GC) hit both sides alike, then compare them with a paired
 * interval over the rounds.
 *
 * @module
 */
import { LoadOptionsError } from '../errors/index.ts';
import { compare, type CompareOptions, type Comparison } from './compare.ts';
import { MIN_LEVEL_REQUESTS, TOO_FEW_REQUESTS } from './health.ts';
import { LatencyHistogram } from './histogram.ts';
import { load, type ClientOf } from './load.ts';
import type { LoadOptions } from './options.ts';
import { createRandom, randomSeed } from './random.ts';
import type { LevelReport, LoadReport, RoundSummary } from './report.ts';
import type { LoadTarget } from './target.ts';
import type { TimelinePoint } from './recorder.ts';
import { describe } from './units.ts';

/** One side of an A/B test with its own request. */
export interface AbSide<T extends LoadTarget = LoadTarget> {
  readonly target: T;
  readonly request?: LoadOptions<ClientOf<T>>['request'];
  /** A name for the side's report. */
  readonly name?: string;
}

/** Options of {@link abTest}: one level of `load()` options, the rounds, and the comparison. */
export interface AbTestOptions
  extends
    Omit<LoadOptions<any>, 'concurrency' | 'rate' | 'onProgress' | 'name'>,
    Omit<CompareOptions, 'seed' | 'runToRun'> {
  /** Rounds; each runs A and B once. Default 10, from 5 to 1,000. */
  readonly rounds?: number;
  /** Closed model: one concurrency. */
  readonly concurrency?: number;
  /** Open model: one rate. */
  readonly rate?: number | string;
  /** Called after each side of each round. */
  readonly onRound?: (event: {
    readonly round: number;
    readonly side: 'a' | 'b';
    readonly level: LevelReport;
  }) => void;
}

/** The result of {@link abTest}: the comparison of B (current) to A (baseline), and both sides. */
export interface AbTestResult extends Comparison {
  /** A's rounds merged into one report (with `rounds` and `pairing`). */
  readonly a: LoadReport;
  /** B's rounds merged into one report. */
  readonly b: LoadReport;
  readonly rounds: number;
}

function sideOf(value: LoadTarget | AbSide): AbSide {
  if (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof URL) &&
    'target' in value &&
    !('fetch' in value)
  ) {
    return value;
  }
  return { target: value as LoadTarget };
}

function roundOf(level: LevelReport, round: number, first: boolean): RoundSummary {
  return {
    round,
    first,
    requests: level.requests,
    durationMs: level.durationMs,
    throughput: level.throughput,
    latency: level.latency,
    histogram: level.histogram,
  };
}

function merge(
  side: 'a' | 'b',
  id: string,
  seed: number,
  reports: readonly LoadReport[],
  rounds: readonly RoundSummary[],
  name: string | undefined,
): LoadReport {
  const levels = reports.map((report) => report.levels[0] as LevelReport);
  const first = reports[0] as LoadReport;
  const histogram = new LatencyHistogram();
  let uncorrected: LatencyHistogram | undefined;
  const errors: Record<string, number> = {};
  const samples: Record<string, string> = {};
  const timeline: TimelinePoint[] = [];
  let requests = 0;
  let interrupted = 0;
  let ok = 0;
  let durationMs = 0;
  let dropped = 0;
  let arrivals = 0;
  let lateStarts = 0;
  for (const level of levels) {
    histogram.add(LatencyHistogram.decode(level.histogram));
    if (level.uncorrectedHistogram !== undefined) {
      uncorrected ??= new LatencyHistogram();
      uncorrected.add(LatencyHistogram.decode(level.uncorrectedHistogram));
    }
    for (const [kind, count] of Object.entries(level.errors)) errors[kind] = (errors[kind] ?? 0) + count;
    for (const [kind, sample] of Object.entries(level.errorSamples)) samples[kind] ??= sample;
    for (const point of level.timeline) timeline.push({ ...point, t: point.t + durationMs });
    requests += level.requests;
    interrupted += level.interrupted ?? 0;
    ok += Math.round(level.successRate * (level.requests + (level.interrupted ?? 0)));
    durationMs += level.durationMs;
    dropped += level.dropped;
    arrivals += level.arrivals;
    lateStarts += level.lateStarts;
  }
  const template = levels[0] as LevelReport;
  const reasons = levels.flatMap((level, i) => level.invalidReasons.map((reason) => `round ${i}: ${reason}`));
  // A round is a slice of the level: its sample size is judged on the merged level.
  const inconclusive = levels.flatMap((level, i) =>
    (level.inconclusiveReasons ?? [])
      .filter((reason) => !TOO_FEW_REQUESTS.test(reason))
      .map((reason) => `round ${i}: ${reason}`),
  );
  const total = levels.reduce((sum, level) => sum + level.requests, 0);
  if (total > 0 && total < MIN_LEVEL_REQUESTS)
    inconclusive.push(
      `only ${total} requests completed over all rounds: too few to describe the level (at least ${MIN_LEVEL_REQUESTS})`,
    );
  const level: LevelReport = {
    ...(template.concurrency === undefined ? {} : { concurrency: template.concurrency }),
    ...(template.rate === undefined ? {} : { rate: template.rate }),
    label: template.label,
    requests,
    durationMs,
    throughput: (requests * 1000) / durationMs,
    latency: histogram.summary(),
    ...(uncorrected === undefined
      ? {}
      : { uncorrectedLatency: uncorrected.summary(), uncorrectedHistogram: uncorrected.encode() }),
    interrupted,
    successRate: requests + interrupted === 0 ? 0 : ok / (requests + interrupted),
    errorRate: requests + interrupted === 0 ? 0 : (requests - ok) / (requests + interrupted),
    errors,
    errorSamples: samples,
    dropped,
    arrivals,
    lateStarts,
    valid: reasons.length === 0 && inconclusive.length === 0,
    invalidReasons: reasons,
    inconclusiveReasons: inconclusive,
    stoppedBy: levels.some((l) => l.stoppedBy === 'aborted') ? 'aborted' : template.stoppedBy,
    startedAt: template.startedAt,
    generator: template.generator,
    histogram: histogram.encode(),
    timeline,
    rounds,
  };
  return {
    ...first,
    ...(name === undefined ? { name: `side ${side.toUpperCase()}` } : { name }),
    durationMs: reports.reduce((sum, report) => sum + report.durationMs, 0),
    valid: level.valid,
    aborted: reports.some((report) => report.aborted),
    levels: [level],
    pairing: { id, side, seed },
  };
}

/**
 * Run A and B interleaved for `rounds` rounds and compare B to A.
 *
 * @example
 * ```ts
 * import { abTest } from 'fray/load';
 *
 * const result = await abTest(inject(appBefore), inject(appAfter), {
 *   request: { path: '/search?q=x' },
 *   concurrency: 20,
 *   duration: '1s', // per side per round
 *   rounds: 10,
 *   metric: 'p99',
 * });
 * result.verdict; // 'regression' | 'noise' | 'improvement'
 * result.ratio; // B ÷ A
 * ```
 */
export async function abTest(
  a: LoadTarget | AbSide,
  b: LoadTarget | AbSide,
  options: AbTestOptions = {},
): Promise<AbTestResult> {
  const {
    rounds: roundsOption,
    metric,
    confidence,
    noise,
    resamples,
    onRound,
    seed: seedOption,
    ...loadOptions
  } = options;
  const rounds = roundsOption ?? 10;
  if (!Number.isInteger(rounds) || rounds < 5 || rounds > 1000) {
    throw new LoadOptionsError(
      'rounds',
      `expected a whole number from 5 to 1,000, got ${describe(rounds)}.`,
      'use at least 5 rounds: fewer cannot give a useful paired interval.',
    );
  }
  if (Array.isArray(loadOptions.concurrency) || Array.isArray(loadOptions.rate)) {
    throw new LoadOptionsError(
      'concurrency',
      'an A/B test runs one level.',
      'pass one concurrency or one rate, and run abTest once per level.',
    );
  }
  const seed = seedOption ?? randomSeed();
  const random = createRandom(seed);
  const sides = { a: sideOf(a), b: sideOf(b) };
  const perRound: LoadOptions<any> = { duration: 1000, ...loadOptions, seed };
  const { warmup, ...measured } = perRound;
  const reports: Record<'a' | 'b', LoadReport[]> = { a: [], b: [] };
  const summaries: Record<'a' | 'b', RoundSummary[]> = { a: [], b: [] };
  const run = (side: 'a' | 'b', base: LoadOptions<any>): Promise<LoadReport> => {
    const { target, request } = sides[side];
    return load(target, { ...base, ...(request === undefined ? {} : { request }) });
  };
  if (warmup !== undefined) {
    // Warm both sides up once, unmeasured, before the first round.
    const { duration: _duration, requests: _requests, ...common } = measured;
    const warm: LoadOptions<any> = {
      ...common,
      ...(typeof warmup === 'object' ? { requests: warmup.requests } : { duration: warmup }),
    };
    for (const side of ['a', 'b'] as const) await run(side, warm);
  }
  for (let round = 0; round < rounds; round++) {
    if (loadOptions.signal?.aborted === true) break;
    const order: readonly ('a' | 'b')[] = random.next() < 0.5 ? ['a', 'b'] : ['b', 'a'];
    for (const side of order) {
      const report = await run(side, measured);
      const level = report.levels[0];
      if (level === undefined) break;
      reports[side].push(report);
      summaries[side].push(roundOf(level, round, order[0] === side));
      onRound?.({ round, side, level });
    }
  }
  const completed = Math.min(reports.a.length, reports.b.length);
  if (completed < 3) {
    throw new LoadOptionsError(
      'rounds',
      `only ${completed} round(s) completed.`,
      'let the A/B test run to the end (it was aborted or levels produced no data).',
    );
  }
  const id = `ab-${seed.toString(16)}-${Date.now().toString(36)}`;
  const reportA = merge(
    'a',
    id,
    seed,
    reports.a.slice(0, completed),
    summaries.a.slice(0, completed),
    sides.a.name,
  );
  const reportB = merge(
    'b',
    id,
    seed,
    reports.b.slice(0, completed),
    summaries.b.slice(0, completed),
    sides.b.name,
  );
  const comparison = compare(reportA, reportB, {
    ...(metric === undefined ? {} : { metric }),
    ...(confidence === undefined ? {} : { confidence }),
    ...(noise === undefined ? {} : { noise }),
    ...(resamples === undefined ? {} : { resamples }),
    seed,
  });
  return { ...comparison, a: reportA, b: reportB, rounds: completed };
}
