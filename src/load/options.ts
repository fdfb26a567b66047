/**
 * The options of `load()`, their defaults and limits, and their normalization into the
 * plan the drivers run. Every check names the option, the value it got and the fix.
 *
 * @module
 */
import { LoadOptionsError, unknownKey } from '../errors/index.ts';
import type { LoadProgress } from './progress.ts';
import { randomSeed } from './random.ts';
import { parseDuration, parseProportion, parseRate, describe, type Duration, type Rate } from './units.ts';

/** A declarative request, sent as is to the target. */
export interface RequestSpec {
  /** HTTP method. Default `GET`. */
  readonly method?: string;
  /** Path (and query) relative to the target, starting with `/`. */
  readonly path: string;
  /** Query parameters appended to `path`. */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** Request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body; sets `content-type: application/json`. */
  readonly json?: unknown;
  /** A raw text body. */
  readonly body?: string;
}

/** What a request function receives besides the client. */
export interface RequestContext {
  /** 0-based index of this request within its level (warm-up requests count separately). */
  readonly index: number;
  /** Aborted when the request exceeds `timeout` or the run is cancelled. Pass it to `fetch`. */
  readonly signal: AbortSignal;
}

/** A request written as code: `(client, i, context) => client.get('/users/' + i)`. */
export type RequestFunction<Client> = (client: Client, index: number, context: RequestContext) => unknown;

/**
 * A request function living in a module, for URL targets whose generator runs in a worker
 * thread (functions cannot cross threads; modules can). `export` is the export's name,
 * dotted for nested properties (`'default.request'`). Default `'default'`.
 */
export interface RequestModule {
  readonly module: string | URL;
  readonly export?: string;
}

/** Which responses count as successes. */
export type ExpectStatus = number | readonly number[] | ((status: number) => boolean);

/** Thresholds that decide whether a level's numbers can be trusted (see `LevelReport.valid`). */
export interface ValidityThresholds {
  /**
   * Largest share of one core the generator thread may use (worker thread only, where the
   * thread runs nothing but the generator). Default `0.9`.
   */
  readonly maxGeneratorCpu?: number;
  /** Largest p99 event-loop delay of the generator thread (worker only). Default `'50ms'`. */
  readonly maxLoopDelay?: Duration;
  /**
   * Open model, worker only: largest fraction of arrivals dispatched more than
   * `lateStartTolerance` after their intended time. Default `0.01`. Up to 5 late arrivals
   * never invalidate a level: one pause of the thread is not saturation.
   */
  readonly maxLateStarts?: number | string;
  /** When an arrival counts as late. Default `'10ms'`. */
  readonly lateStartTolerance?: Duration;
  /**
   * In-process targets: largest share of the thread's time fray's own bookkeeping may take
   * (calibrated against a no-op target before the run). Default `0.5`.
   */
  readonly maxGeneratorShare?: number;
  /**
   * Cores' worth of CPU other processes (or other test workers) may use on a saturated
   * machine before a level that lagged is `inconclusive`. Default `0.3`; `Infinity` turns
   * the check off (for a dedicated machine whose other load is known and harmless).
   */
  readonly maxOtherCpu?: number;
}

/** Options of `load()`. */
export interface LoadOptions<Client = unknown> {
  /**
   * The request(s) to send: a {@link RequestSpec}, a list of them (used round-robin), a
   * {@link RequestFunction} or a {@link RequestModule}. Required for client and URL
   * targets; not allowed for function targets (the function is the request).
   */
  readonly request?: [Client] extends [never]
    ? never
    : RequestSpec | readonly RequestSpec[] | RequestFunction<Client> | RequestModule;
  /**
   * Closed model: the number of requests kept in flight, or a list of levels run one after
   * the other (`[10, 20, 50, 100]`). 1–10,000. Exclusive with `rate`.
   */
  readonly concurrency?: number | readonly number[];
  /**
   * Open model: arrivals per second (`200`, `'200/s'`), or a list of levels. Latency is
   * measured from each request's intended start. Up to 1,000,000/s. Exclusive with
   * `concurrency`.
   */
  readonly rate?: Rate | readonly Rate[];
  /**
   * How long each level measures (`'10s'`). When neither `duration` nor `requests` is
   * given: `'5s'`. Up to 1 hour.
   */
  readonly duration?: Duration;
  /** How many requests each level measures (stops at this count or `duration`, whichever first). Up to 100,000,000. */
  readonly requests?: number;
  /**
   * The hard time bound of a level run by `requests` without `duration`. Default `'60s'`;
   * a level cut by it reports `stoppedBy: 'time-limit'`.
   */
  readonly maxDuration?: Duration;
  /**
   * Unmeasured warm-up before each level, as a duration or `{ requests }`; `0` for none.
   * Default: before the first level only, until 1,000 requests completed or 1 s passed,
   * whichever comes first — a cold JIT otherwise makes the first run of a process slower
   * than the next (up to 20% on a small handler), and comparisons of single runs cry wolf.
   * What was discarded is on each level's `warmup`.
   */
  readonly warmup?: Duration | { readonly requests: number };
  /** Per-request timeout; a request over it counts as a `timeout` error. Default `'30s'`, up to 10 min. */
  readonly timeout?: Duration;
  /** Open model: `'uniform'` spacing (default) or `'poisson'` (exponential gaps, seeded). */
  readonly arrivals?: 'uniform' | 'poisson';
  /**
   * Open model: most requests in flight (sent or waiting for a connection); arrivals beyond
   * it are dropped and counted in `dropped`. Default 1,000, up to 100,000.
   */
  readonly maxInFlight?: number;
  /** URL targets, open model: most sockets opened. Default `min(maxInFlight, 256)`. */
  readonly connections?: number;
  /** Which statuses are successes. Default: any status below 400. */
  readonly expectStatus?: ExpectStatus;
  /** Headers added to every declarative request. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * URL targets: run the generator in a worker thread (`'worker'`, the default) or on this
   * thread (`'main'`, needed for a plain request function).
   */
  readonly thread?: 'worker' | 'main';
  /** Allow a non-loopback URL (also `FRAY_LOAD_REMOTE=1`). Default `false`. */
  readonly allowRemote?: boolean;
  /** Seed for Poisson arrivals and statistics; printed in the report. Default random. */
  readonly seed?: number;
  /** A name for the report. */
  readonly name?: string;
  /** Cancels the run: the current level stops, later levels are skipped, the report is marked aborted. */
  readonly signal?: AbortSignal;
  /** Called about 5 times a second with the progress of the current level. */
  readonly onProgress?: (progress: LoadProgress) => void;
  /** When a level's numbers are flagged invalid. */
  readonly validity?: ValidityThresholds;
}

/**
 * The warm-up of a plan: until `requests` completed or `durationMs` passed, whichever comes
 * first; before every level (`each`), or only the first (the default warm-up).
 */
export type WarmupPlan = (
  | { readonly durationMs: number }
  | { readonly requests: number }
  | {
      readonly durationMs: number;
      readonly requests: number;
    }
) & { readonly each: boolean; readonly byDefault: boolean };

/** The warm-up `load()` runs when none is given. */
export const DEFAULT_WARMUP = { requests: 1000, durationMs: 1000 } as const;

/** One level of the plan. */
export type PlannedLevel = { readonly concurrency: number } | { readonly rate: number };

/** The normalized plan (plain data, structured-cloneable for the worker). */
export interface LoadPlan {
  readonly model: 'closed' | 'open';
  readonly levels: readonly PlannedLevel[];
  /** Measured duration per level (ms), or undefined when running by count. */
  readonly durationMs: number | undefined;
  readonly requests: number | undefined;
  /** Hard time bound per level (ms). */
  readonly timeLimitMs: number;
  readonly warmup: WarmupPlan | undefined;
  readonly timeoutMs: number;
  readonly arrivals: 'uniform' | 'poisson';
  readonly maxInFlight: number;
  readonly connections: number;
  readonly seed: number;
  readonly validity: Required<{ [K in keyof ValidityThresholds]: number }>;
}

/**
 * Every option `load()` accepts, by name (scenario files derive their fields from it).
 *
 * @example
 * ```ts
 * LOAD_OPTION_NAMES.includes('concurrency'); // true
 * ```
 */
export const LOAD_OPTION_NAMES = [
  'request',
  'concurrency',
  'rate',
  'duration',
  'requests',
  'maxDuration',
  'warmup',
  'timeout',
  'arrivals',
  'maxInFlight',
  'connections',
  'expectStatus',
  'headers',
  'thread',
  'allowRemote',
  'seed',
  'name',
  'signal',
  'onProgress',
  'validity',
] as const satisfies readonly (keyof LoadOptions<unknown>)[];

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(LOAD_OPTION_NAMES);

const HOUR = 3_600_000;

function integer(value: unknown, option: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LoadOptionsError(
      option,
      `expected an integer from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got ${describe(value)}.`,
      `pass a whole number in that range.`,
    );
  }
  return value;
}

function bounded(ms: number, option: string, max: number, min = 0): number {
  if (ms > max || ms < min) {
    throw new LoadOptionsError(
      option,
      `${ms} ms is out of range (${min}–${max} ms).`,
      `pick a value between ${min} ms and ${max / 60_000} min.`,
    );
  }
  return ms;
}

/**
 * Validate `options` and turn them into a {@link LoadPlan}.
 *
 * @example
 * ```ts
 * const plan = planLoad({ concurrency: [10, 50], duration: '5s' });
 * plan.levels; // [{ concurrency: 10 }, { concurrency: 50 }]
 * ```
 */
export function planLoad(options: LoadOptions<any>): LoadPlan {
  if (typeof options !== 'object' || options === null) {
    throw new LoadOptionsError(
      'options',
      `expected an object, got ${describe(options)}.`,
      'pass e.g. { concurrency: 10, duration: "5s" }.',
    );
  }
  const unknown = unknownKey(options, [...KNOWN_OPTIONS]);
  if (unknown !== undefined) {
    throw new LoadOptionsError(
      unknown.key,
      `is not an option of load()${unknown.closest === undefined ? '' : ` — did you mean '${unknown.closest}'?`}`,
      `${unknown.closest === undefined ? 'remove it' : `rename it to '${unknown.closest}'`}; the options are ${[...KNOWN_OPTIONS].join(', ')}.`,
    );
  }
  if (options.concurrency !== undefined && options.rate !== undefined) {
    throw new LoadOptionsError(
      'concurrency',
      'cannot be combined with rate.',
      'use concurrency for a closed model (fixed number in flight) or rate for an open model (arrivals per second), not both.',
    );
  }
  let levels: PlannedLevel[];
  let model: 'closed' | 'open';
  if (options.rate !== undefined) {
    model = 'open';
    const rates = Array.isArray(options.rate) ? (options.rate as readonly Rate[]) : [options.rate as Rate];
    levels = rates.map((rate, i) => {
      const name = Array.isArray(options.rate) ? `rate[${i}]` : 'rate';
      const value = parseRate(rate, name);
      if (value > 1_000_000) {
        throw new LoadOptionsError(
          name,
          `${value}/s is above the limit of 1,000,000/s.`,
          'lower the rate, or spread the load over machines with `fray k6`.',
        );
      }
      return { rate: value };
    });
  } else {
    model = 'closed';
    const raw = options.concurrency ?? 1;
    const list = Array.isArray(raw) ? (raw as readonly number[]) : [raw as number];
    levels = list.map((n, i) => ({
      concurrency: integer(n, Array.isArray(raw) ? `concurrency[${i}]` : 'concurrency', 1, 10_000),
    }));
  }
  if (levels.length === 0 || levels.length > 100) {
    throw new LoadOptionsError(
      model === 'open' ? 'rate' : 'concurrency',
      `expected 1 to 100 levels, got ${levels.length}.`,
      'list at least one level (and at most 100).',
    );
  }
  const requests =
    options.requests === undefined ? undefined : integer(options.requests, 'requests', 1, 100_000_000);
  let durationMs =
    options.duration === undefined
      ? undefined
      : bounded(parseDuration(options.duration, 'duration'), 'duration', HOUR, 1);
  if (durationMs === undefined && requests === undefined) durationMs = 5000;
  const timeLimitMs =
    durationMs ??
    bounded(parseDuration(options.maxDuration ?? 60_000, 'maxDuration'), 'maxDuration', HOUR, 1);
  let warmup: LoadPlan['warmup'];
  if (options.warmup === undefined) {
    warmup = { ...DEFAULT_WARMUP, each: false, byDefault: true };
  } else if (typeof options.warmup === 'object' && options.warmup !== null) {
    const requests = integer(options.warmup.requests, 'warmup.requests', 0, 10_000_000);
    warmup = requests === 0 ? undefined : { requests, each: true, byDefault: false };
  } else {
    const durationMs = bounded(parseDuration(options.warmup, 'warmup'), 'warmup', HOUR);
    warmup = durationMs === 0 ? undefined : { durationMs, each: true, byDefault: false };
  }
  const timeoutMs = bounded(parseDuration(options.timeout ?? 30_000, 'timeout'), 'timeout', 600_000, 1);
  const arrivals = options.arrivals ?? 'uniform';
  if (arrivals !== 'uniform' && arrivals !== 'poisson') {
    throw new LoadOptionsError(
      'arrivals',
      `expected 'uniform' or 'poisson', got ${describe(arrivals)}.`,
      "use 'uniform' or 'poisson'.",
    );
  }
  const maxInFlight = integer(options.maxInFlight ?? 1000, 'maxInFlight', 1, 100_000);
  const connections = integer(options.connections ?? Math.min(maxInFlight, 256), 'connections', 1, 10_000);
  const seed = options.seed === undefined ? randomSeed() : integer(options.seed, 'seed', 0, 0xffff_ffff);
  if (options.thread !== undefined && options.thread !== 'worker' && options.thread !== 'main') {
    throw new LoadOptionsError(
      'thread',
      `expected 'worker' or 'main', got ${describe(options.thread)}.`,
      "use 'worker' (default) or 'main'.",
    );
  }
  const validity = options.validity ?? {};
  const fraction = (value: unknown, name: string, fallback: number): number =>
    value === undefined ? fallback : parseProportion(value, `validity.${name}`);
  return {
    model,
    levels,
    durationMs,
    requests,
    timeLimitMs,
    warmup,
    timeoutMs,
    arrivals,
    maxInFlight,
    connections,
    seed,
    validity: {
      maxGeneratorCpu: fraction(validity.maxGeneratorCpu, 'maxGeneratorCpu', 0.9),
      maxLoopDelay: parseDuration(validity.maxLoopDelay ?? 50, 'validity.maxLoopDelay'),
      maxLateStarts: fraction(validity.maxLateStarts, 'maxLateStarts', 0.01),
      lateStartTolerance: parseDuration(validity.lateStartTolerance ?? 10, 'validity.lateStartTolerance'),
      maxGeneratorShare: fraction(validity.maxGeneratorShare, 'maxGeneratorShare', 0.5),
      maxOtherCpu: cores(validity.maxOtherCpu),
    },
  };
}

function cores(value: unknown): number {
  if (value === undefined) return 0.3;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
    throw new LoadOptionsError(
      'validity.maxOtherCpu',
      `expected a number of cores ≥ 0 (or Infinity), got ${describe(value)}.`,
      'pass e.g. 0.3 (the default), or Infinity to turn the check off.',
    );
  return value;
}

/**
 * Turn `expectStatus` into a predicate.
 *
 * @example
 * ```ts
 * statusPredicate([200, 404])(404); // true
 * ```
 */
export function statusPredicate(expect: ExpectStatus | undefined): (status: number) => boolean {
  if (expect === undefined) return (status) => status < 400;
  if (typeof expect === 'function') return expect;
  if (typeof expect === 'number') return (status) => status === expect;
  if (Array.isArray(expect) && expect.every((s) => typeof s === 'number')) {
    const set = new Set(expect);
    return (status) => set.has(status);
  }
  throw new LoadOptionsError(
    'expectStatus',
    `expected a status, a list of statuses or a function, got ${describe(expect)}.`,
    'pass e.g. 200, [200, 201] or (status) => status < 500.',
  );
}

/** The label of a level in tables and messages: `c=10` or `200/s`. */
export function levelLabel(
  level: PlannedLevel | { readonly concurrency?: number; readonly rate?: number },
): string {
  if ('concurrency' in level && level.concurrency !== undefined) return `c=${level.concurrency}`;
  if ('rate' in level && level.rate !== undefined) return `${Number(level.rate.toFixed(2))}/s`;
  return '?';
}

/**
 * The labels (`c=10`, `200/s`) of the levels `options` would run, without running anything.
 * Throws `FRAY_LOAD_OPTIONS` as `load()` would.
 *
 * @example
 * ```ts
 * plannedLevelLabels({ concurrency: [10, 50], duration: '5s' }); // ['c=10', 'c=50']
 * ```
 */
export function plannedLevelLabels(options: LoadOptions<any>): string[] {
  return planLoad(options).levels.map(levelLabel);
}
