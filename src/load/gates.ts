/**
 * Gates: the thresholds a load report must meet (`{ p99: '< 50ms', errorRate: 0,
 * throughput: '>= 500/s' }`), judged by confidence bounds, not by one noisy number. A
 * percentile passes only when its distribution-free upper (or lower) confidence bound is
 * within the limit; with too few samples for such a bound to exist the gate is
 * **inconclusive** and does not pass. Error and success rates use Wilson bounds,
 * throughput a Student-t bound over the timeline's intervals.
 *
 * @module
 */
import { LoadGateError } from '../errors/index.ts';
import { TOO_FEW_REQUESTS } from './health.ts';
import { rankOfPercentile } from './histogram.ts';
import { levelHistogram, type LevelReport, type LoadReport } from './report.ts';
import { normalQuantile, quantileRankBound, studentTQuantile, wilsonInterval } from './stats.ts';
import {
  describe,
  formatMs,
  formatPercent,
  formatRate,
  parseDuration,
  parseProportion,
  parseRate,
  splitComparison,
  type Comparison,
} from './units.ts';

/** A gate's threshold: a number (ms, fraction, req/s or count) or a string like `'< 50ms'`. */
export type GateValue = number | string;

/**
 * The gates of a report. Latency gates take milliseconds (`50`, `'< 50ms'`, `'<= 0.2s'`);
 * any percentile can be named `p<digits>` (`p95`, `p999` = 99.9th, `p9999` = 99.99th).
 */
export interface Gates {
  readonly p50?: GateValue;
  readonly p75?: GateValue;
  readonly p90?: GateValue;
  readonly p95?: GateValue;
  readonly p99?: GateValue;
  readonly p999?: GateValue;
  readonly p9999?: GateValue;
  readonly [percentile: `p${number}`]: GateValue | undefined;
  /** The largest latency observed (judged as observed: no bound exists for a maximum). */
  readonly max?: GateValue;
  /** Mean latency (normal bound). */
  readonly mean?: GateValue;
  /** Share of failed requests: `0` means none at all; `'< 1%'` is judged by its upper bound. */
  readonly errorRate?: GateValue;
  /** Share of successful requests: `'>= 99.9%'`. */
  readonly successRate?: GateValue;
  /** Completed requests per second: `'>= 500/s'`. */
  readonly throughput?: GateValue;
  /** Open model: arrivals dropped: `0`. */
  readonly dropped?: GateValue;
}

/** Options of gate checks. */
export interface GateOptions {
  /** One-sided confidence of the bounds. Default `0.95`; from 0.5 to 0.9999. */
  readonly confidence?: number;
  /** Judge only this level (index into `report.levels`). Default: every level. */
  readonly level?: number;
  /** Judge levels flagged invalid as if they were valid. Default `false`: an invalid level fails. */
  readonly allowInvalid?: boolean;
}

/** The verdict of one gate on one level. */
export interface GateResult {
  readonly gate: string;
  /** The level's label (`c=10`, `200/s`). */
  readonly level: string;
  /** `inconclusive`: the bound crosses the limit or too few samples — not a pass. */
  readonly status: 'pass' | 'fail' | 'inconclusive';
  readonly op: Comparison;
  readonly limit: number;
  /** The point estimate (ms, fraction, req/s or count). */
  readonly observed: number;
  /** The confidence bound the verdict used, when there is one. */
  readonly bound: number | undefined;
  readonly samples: number;
  /** One line for people. */
  readonly message: string;
}

/** All verdicts. */
export interface GateCheck {
  /** Every gate passed on every judged level. */
  readonly pass: boolean;
  readonly results: readonly GateResult[];
}

type Kind = 'latency' | 'rate' | 'throughput' | 'count';

interface ParsedGate {
  readonly name: string;
  readonly kind: Kind;
  /** Percentile (0–100) for latency percentiles. */
  readonly percentile: number | undefined;
  readonly op: Comparison;
  readonly limit: number;
}

const DEFAULT_OP: Readonly<Record<string, Comparison>> = {
  successRate: '>=',
  throughput: '>=',
};

function percentileOf(name: string): number | undefined {
  const match = /^p(\d+)$/.exec(name);
  if (match === null) return undefined;
  const digits = match[1] ?? '';
  const value = digits.length <= 2 ? Number(digits) : Number(`${digits.slice(0, 2)}.${digits.slice(2)}`);
  return value > 0 && value < 100 ? value : undefined;
}

function parseGate(name: string, raw: unknown): ParsedGate {
  const percentile = percentileOf(name);
  const kind: Kind | undefined =
    percentile !== undefined || name === 'max' || name === 'mean'
      ? 'latency'
      : name === 'errorRate' || name === 'successRate'
        ? 'rate'
        : name === 'throughput'
          ? 'throughput'
          : name === 'dropped'
            ? 'count'
            : undefined;
  if (kind === undefined) {
    throw new LoadGateError(
      name,
      'is not a gate.',
      'use p50…p9999, max, mean, errorRate, successRate, throughput or dropped.',
    );
  }
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    throw new LoadGateError(
      name,
      `expected a number or a string like '< 50ms', got ${describe(raw)}.`,
      "write e.g. p99: '< 50ms'.",
    );
  }
  const { op: parsedOp, operand } =
    typeof raw === 'string' ? splitComparison(raw) : { op: undefined, operand: '' };
  const op = parsedOp ?? DEFAULT_OP[name] ?? '<=';
  let limit: number;
  try {
    const value: unknown =
      typeof raw === 'number' ? raw : /^\d+(\.\d+)?$/.test(operand) ? Number(operand) : operand;
    if (kind === 'latency') limit = parseDuration(value, name);
    else if (kind === 'rate') limit = parseProportion(value, name);
    else if (kind === 'throughput') limit = parseRate(value, name);
    else {
      limit = Number(value);
      if (!Number.isInteger(limit) || limit < 0) throw new Error('not a count');
    }
  } catch {
    const example =
      kind === 'latency'
        ? "'< 50ms'"
        : kind === 'rate'
          ? "'< 1%'"
          : kind === 'throughput'
            ? "'>= 500/s'"
            : '0';
    throw new LoadGateError(name, `cannot read ${describe(raw)}.`, `write it like ${name}: ${example}.`);
  }
  return { name, kind, percentile, op, limit };
}

/**
 * Parse and validate gates without judging anything (for scenario files).
 *
 * @example
 * ```ts
 * validateGates({ p99: '< 50ms' }); // throws LoadGateError on a bad gate
 * ```
 */
export function validateGates(gates: unknown): void {
  assertObject('gates', gates, "write e.g. { p99: '< 50ms', errorRate: 0 }.");
  for (const [name, raw] of Object.entries(gates)) if (raw !== undefined) parseGate(name, raw);
}

/** `FRAY_LOAD_GATE` unless `value` is a plain object (not null, not an array). */
function assertObject(name: string, value: unknown, fix: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new LoadGateError(name, `expected an object, got ${describe(value)}.`, fix);
}

function holds(value: number, op: Comparison, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
  }
}

function format(kind: Kind, value: number): string {
  if (kind === 'latency') return formatMs(value);
  if (kind === 'rate') return formatPercent(value);
  if (kind === 'throughput') return formatRate(value);
  return value.toLocaleString('en-US');
}

/**
 * Why requests interrupted at the level's end keep a gate from passing, if they do. Their
 * time in flight is a lower bound of their latency: a latency gate is still decided when
 * every one of them had already exceeded the limit (then they count, truly, as over it);
 * otherwise their latency — or, for rate gates, their outcome — is unknown.
 */
function interruptedShortfall(gate: ParsedGate, level: LevelReport, interrupted: number): string | undefined {
  if (interrupted === 0) return undefined;
  const shortest = level.interruptedMinMs ?? 0;
  const what = `${interrupted.toLocaleString('en-US')} request${interrupted === 1 ? ' was' : 's were'} still running when the level ended and ${interrupted === 1 ? 'was' : 'were'} aborted after ${formatMs(shortest)} or more`;
  if (gate.kind === 'latency') {
    const upper = gate.op === '<' || gate.op === '<=';
    if (upper && shortest >= gate.limit) return undefined;
    return `${what}: their latency is unknown (the target stalled, or the level is too short for it)`;
  }
  if (gate.kind === 'rate') return `${what}: their outcome is unknown`;
  return undefined;
}

function judge(gate: ParsedGate, level: LevelReport, confidence: number): GateResult {
  const upper = gate.op === '<' || gate.op === '<=';
  const side = upper ? 'upper' : 'lower';
  const pct = `${Number((confidence * 100).toFixed(2))}%`;
  const claim = `${gate.name} ${gate.op} ${format(gate.kind, gate.limit)}`;
  const interrupted = level.interrupted ?? 0;
  // Interrupted requests are in the histogram (at their time in flight) and in the rates'
  // denominator: every request the level started.
  const n = level.requests + interrupted;
  const unfinished = interruptedShortfall(gate, level, interrupted);
  let observed: number;
  let bound: number | undefined;
  let shortfall: string | undefined;
  switch (gate.kind) {
    case 'latency': {
      const histogram = levelHistogram(level);
      if (gate.name === 'max') {
        observed = histogram.summary().max;
        bound = undefined;
        if (n === 0) shortfall = 'no samples';
      } else if (gate.name === 'mean') {
        observed = histogram.meanMs;
        if (n < 30) shortfall = `${n} samples; a bound on the mean needs at least 30`;
        else {
          const half = (normalQuantile(confidence) * histogram.stdDevMs) / Math.sqrt(n);
          bound = upper ? observed + half : observed - half;
        }
      } else {
        const q = (gate.percentile ?? 50) / 100;
        observed = n === 0 ? 0 : histogram.rankMs(rankOfPercentile(q * 100, n));
        const rank = quantileRankBound(n, q, confidence, side);
        if (rank.rank === undefined) {
          shortfall = `${n.toLocaleString('en-US')} samples cannot bound ${gate.name} at ${pct}: it needs at least ${rank.samplesNeeded.toLocaleString('en-US')}`;
        } else bound = histogram.rankMs(rank.rank);
      }
      break;
    }
    case 'rate': {
      const failures = Math.round(level.errorRate * n);
      observed = gate.name === 'errorRate' ? level.errorRate : level.successRate;
      if (n === 0) shortfall = 'no samples';
      else if (gate.name === 'errorRate' && gate.limit === 0 && upper) {
        // `errorRate: 0` is exact: no failure at all.
        bound = undefined;
      } else {
        const interval = wilsonInterval(
          gate.name === 'errorRate' ? failures : n - failures,
          n,
          2 * confidence - 1,
        );
        bound = upper ? interval.upper : interval.lower;
      }
      break;
    }
    case 'throughput': {
      observed = level.throughput;
      // Whole intervals only: the last one is usually cut short.
      const points = level.timeline.filter(
        (point, i) => i < level.timeline.length - 1 || point.ms === level.timeline[0]?.ms,
      );
      const rates = points.map((point) => (point.requests * 1000) / point.ms);
      if (rates.length < 5)
        shortfall = `${rates.length} timeline intervals; a throughput bound needs at least 5 (run longer)`;
      else {
        const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
        const variance = rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (rates.length - 1);
        const half =
          (studentTQuantile(confidence, rates.length - 1) * Math.sqrt(variance)) / Math.sqrt(rates.length);
        bound = upper ? observed + half : observed - half;
      }
      break;
    }
    case 'count':
      observed = level.dropped;
      bound = undefined;
      break;
  }
  const observedText = format(gate.kind, observed);
  let status: GateResult['status'];
  let detail: string;
  if (!holds(observed, gate.op, gate.limit)) {
    status = 'fail';
    detail = `observed ${observedText}`;
  } else if (shortfall !== undefined) {
    status = 'inconclusive';
    detail = `observed ${observedText}, but ${shortfall}`;
  } else if (unfinished !== undefined) {
    status = 'inconclusive';
    detail = `observed ${observedText}, but ${unfinished}`;
  } else if (bound !== undefined && !holds(bound, gate.op, gate.limit)) {
    status = 'inconclusive';
    detail = `observed ${observedText}, but its ${pct} ${side} bound is ${format(gate.kind, bound)} (n=${n.toLocaleString('en-US')}): run longer or loosen the gate`;
  } else {
    status = 'pass';
    detail = `observed ${observedText}${bound === undefined ? '' : `, ${pct} ${side} bound ${format(gate.kind, bound)}`} (n=${n.toLocaleString('en-US')})`;
  }
  return {
    gate: gate.name,
    level: level.label,
    status,
    op: gate.op,
    limit: gate.limit,
    observed,
    bound,
    samples: n,
    message: `${level.label}: ${claim} — ${detail}`,
  };
}

function isLoadReport(value: unknown): value is LoadReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as { levels?: unknown }).levels);
}

function isLevelReport(value: unknown): value is LevelReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { histogram?: unknown }).histogram === 'string' &&
    typeof (value as { label?: unknown }).label === 'string'
  );
}

/**
 * Check gate options without judging anything (what `fray run` does before a run starts).
 * Throws `FRAY_LOAD_GATE` naming the option and the fix.
 *
 * @example
 * ```ts
 * validateGateOptions({ confidence: 0.99 }); // fine
 * validateGateOptions({ confidence: 5 }); // throws FRAY_LOAD_GATE
 * ```
 */
export function validateGateOptions(options: unknown): void {
  assertObject('gateOptions', options, 'pass e.g. { confidence: 0.95 }.');
  const { confidence, level, allowInvalid } = options as Record<string, unknown>;
  if (
    confidence !== undefined &&
    !(typeof confidence === 'number' && confidence >= 0.5 && confidence <= 0.9999)
  ) {
    throw new LoadGateError(
      'confidence',
      `expected a number from 0.5 to 0.9999, got ${describe(confidence)}.`,
      'use e.g. 0.95.',
    );
  }
  if (level !== undefined && !(typeof level === 'number' && Number.isInteger(level) && level >= 0)) {
    throw new LoadGateError('level', `expected a level index, got ${describe(level)}.`, 'pass e.g. 0.');
  }
  if (allowInvalid !== undefined && typeof allowInvalid !== 'boolean') {
    throw new LoadGateError(
      'allowInvalid',
      `expected true or false, got ${describe(allowInvalid)}.`,
      'pass allowInvalid: true, or leave it out.',
    );
  }
}

/**
 * Judge `gates` on every level of a report (or on one level report).
 *
 * @example
 * ```ts
 * const check = checkGates(report, { p99: '< 50ms', errorRate: '< 0.1%' });
 * if (!check.pass) console.log(check.results.map((r) => r.message).join('\n'));
 * ```
 */
export function checkGates(
  report: LoadReport | LevelReport,
  gates: Gates,
  options: GateOptions = {},
): GateCheck {
  validateGateOptions(options);
  const confidence = options.confidence ?? 0.95;
  validateGates(gates);
  let levels: readonly LevelReport[];
  if (isLoadReport(report)) levels = report.levels;
  else if (isLevelReport(report)) levels = [report];
  else
    throw new LoadGateError(
      'report',
      `expected a load report or one of its levels, got ${describe(report)}.`,
      'pass the result of load(), or report.levels[i].',
    );
  if (options.level !== undefined) {
    const one = levels[options.level];
    if (one === undefined)
      throw new LoadGateError(
        'level',
        `there is no level ${options.level} (the report has ${levels.length}).`,
        'pass a valid index.',
      );
    levels = [one];
  }
  const parsed = Object.entries(gates)
    .filter(([, raw]) => raw !== undefined)
    .map(([name, raw]) => parseGate(name, raw));
  if (parsed.length === 0)
    throw new LoadGateError('gates', 'no gate given.', "name at least one, e.g. { p99: '< 50ms' }.");
  const results: GateResult[] = [];
  for (const level of levels) {
    // Invalid numbers fail every gate. On a level a busy machine (or too few requests) made
    // unjudgeable, a latency or throughput gate that holds still holds (contention only
    // makes them worse), one that does not is inconclusive — not a verdict on the target;
    // error rates, success rates and dropped arrivals mean the same and are judged as usual.
    const inconclusive = level.invalidReasons.length === 0;
    // Too few requests alone is the bounds' business (they say inconclusive where they cannot
    // decide); a gate the level clearly misses still fails.
    const machineBusy = (level.inconclusiveReasons ?? []).some((reason) => !TOO_FEW_REQUESTS.test(reason));
    if (!level.valid && options.allowInvalid !== true && inconclusive && !machineBusy) {
      for (const gate of parsed) results.push(judge(gate, level, confidence));
      continue;
    }
    if (!level.valid && options.allowInvalid !== true && inconclusive) {
      const why = (level.inconclusiveReasons ?? []).join('; ');
      for (const gate of parsed) {
        const result = judge(gate, level, confidence);
        const sensitive = gate.kind === 'latency' || gate.kind === 'throughput';
        results.push(
          sensitive && result.status !== 'pass'
            ? {
                ...result,
                status: 'inconclusive',
                message: `${result.message}; not judged: the level is inconclusive — ${why}`,
              }
            : result,
        );
      }
      continue;
    }
    if (!level.valid && options.allowInvalid !== true) {
      results.push({
        gate: 'valid',
        level: level.label,
        status: 'fail',
        op: '>=',
        limit: 1,
        observed: 0,
        bound: undefined,
        samples: level.requests,
        message: `${level.label}: the level is invalid — ${level.invalidReasons.join('; ')}`,
      });
    }
    for (const gate of parsed) results.push(judge(gate, level, confidence));
  }
  return { pass: results.every((result) => result.status === 'pass'), results };
}
