/**
 * The checks fray/leaks runs, their levels, the allow-list, and how options are read from
 * code and from the `FRAY_LEAKS` environment variable.
 *
 * @module
 */
import { LeaksUsageError } from '../errors/index.ts';
import type { Leak } from './leak.ts';

/**
 * Every check, by name.
 *
 * @example
 * ```ts
 * const allWarn = Object.fromEntries(LEAK_CHECKS.map((check) => [check, 'warn']));
 * ```
 */
export const LEAK_CHECKS = [
  'floatingMocks',
  'unhandledRejections',
  'timers',
  'sockets',
  'servers',
  'childProcesses',
  'fileHandles',
  'lateActivity',
] as const;

/**
 * One check:
 *
 * - `floatingMocks` — a fray mock was called and its promise never consumed (await, then,
 *   Promise.all…); Python's "coroutine was never awaited".
 * - `unhandledRejections` — a rejection nobody handled, attributed to the test whose async
 *   context created the promise, even when it surfaces during a later test.
 * - `timers` — `setTimeout`/`setInterval`/`setImmediate` created during the test and still
 *   scheduled at its end.
 * - `sockets` — TCP/IPC/UDP sockets opened during the test and still open.
 * - `servers` — listening servers (net, http, https, Express, Fastify, Koa, Hono…) still
 *   listening.
 * - `childProcesses` — child processes and worker threads still running.
 * - `fileHandles` — file descriptors (`fs.open`, streams, `fs/promises` FileHandles) and
 *   file watchers still open.
 * - `lateActivity` — the test's code still at work after it ended: operations in flight
 *   (fs, DNS, connect, crypto…) at its end, and mock calls or new handles made afterwards.
 */
export type LeakCheck = (typeof LEAK_CHECKS)[number];

/** `error` fails the test; `warn` prints the leak and lets the test pass; `off` skips the check. */
export type LeakLevel = 'error' | 'warn' | 'off';

const LEVELS: readonly LeakLevel[] = ['error', 'warn', 'off'];

/** Level per check; a missing check keeps its default. */
export type LeakLevels = Readonly<Record<LeakCheck, LeakLevel>>;

/**
 * Default levels: everything fails the test.
 *
 * @example
 * ```ts
 * DEFAULT_LEVELS.lateActivity; // 'error'
 * ```
 */
export const DEFAULT_LEVELS: LeakLevels = {
  floatingMocks: 'error',
  unhandledRejections: 'error',
  timers: 'error',
  sockets: 'error',
  servers: 'error',
  childProcesses: 'error',
  fileHandles: 'error',
  lateActivity: 'error',
};

/**
 * An allow-list entry: a leak matching it is dropped silently.
 *
 * - a `string` matches when the leak's description or any frame of its creation stack
 *   contains it (`'node_modules/pg-pool'`, `'src/cache.ts'`);
 * - a `RegExp` is tested against the same texts;
 * - an object narrows by check, creation stack, test name and description; every field
 *   given must match. `reason` is for the reader.
 */
export type AllowRule =
  | string
  | RegExp
  | {
      /** Only leaks found by this check (or these checks). */
      readonly check?: LeakCheck | readonly LeakCheck[];
      /** Text or pattern searched in the creation stack (every frame). */
      readonly site?: string | RegExp;
      /** Text or pattern searched in the test's full name. */
      readonly test?: string | RegExp;
      /** Text or pattern searched in the one-line description. */
      readonly description?: string | RegExp;
      /** Why this is allowed; shown nowhere, kept for the reader. */
      readonly reason?: string;
    };

/** Options of fray/leaks. */
export interface LeaksOptions {
  /**
   * Level of each check, or one level for all. Default: every check `error`, except what
   * `FRAY_LEAKS` sets.
   */
  readonly checks?: LeakLevel | Partial<Record<LeakCheck, LeakLevel>>;
  /** Leaks to drop silently (known long-lived handles…). Default: none. */
  readonly allow?: readonly AllowRule[];
  /**
   * Report timers that were `unref()`ed. Sockets, servers and processes that were
   * `unref()`ed are never reported: their owner declared them background work (keep-alive
   * pools do exactly that). Default `false`.
   */
  readonly includeUnref?: boolean;
  /**
   * Frames captured when a handle or operation is created inside a test (enough to get
   * through framework code to your line). Default 40; 10 to 200.
   */
  readonly stackFrames?: number;
  /**
   * Append every leak as one JSON line to this file (CI artifacts, tooling). Default: the
   * `FRAY_LEAKS_REPORT` environment variable, else none.
   */
  readonly reportFile?: string | undefined;
  /**
   * Called with every finished test that has leaks at level `error` or `warn`, and with
   * every late leak. Default: print warnings with `console.warn`; errors are thrown by the
   * runner integration.
   */
  readonly onLeaks?: ((leaks: readonly Leak[]) => void) | undefined;
}

/** Options after defaults and validation. */
export interface ResolvedLeaksOptions {
  readonly levels: LeakLevels;
  readonly allow: readonly AllowRule[];
  readonly includeUnref: boolean;
  readonly stackFrames: number;
  readonly reportFile: string | undefined;
  readonly onLeaks: ((leaks: readonly Leak[]) => void) | undefined;
}

function isCheck(name: string): name is LeakCheck {
  return (LEAK_CHECKS as readonly string[]).includes(name);
}

function isLevel(value: unknown): value is LeakLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

function checkLevels(
  base: LeakLevels,
  checks: LeaksOptions['checks'],
  source: string,
): Record<LeakCheck, LeakLevel> {
  const levels: Record<LeakCheck, LeakLevel> = { ...base };
  if (checks === undefined) return levels;
  if (typeof checks === 'string') {
    if (!isLevel(checks)) throw badLevel(source, 'checks', checks);
    for (const name of LEAK_CHECKS) levels[name] = checks;
    return levels;
  }
  for (const [name, level] of Object.entries(checks)) {
    if (!isCheck(name)) {
      throw new LeaksUsageError(
        `${source}: unknown check '${name}'.`,
        `use one of: ${LEAK_CHECKS.join(', ')}.`,
      );
    }
    if (level === undefined) continue;
    if (!isLevel(level)) throw badLevel(source, name, level);
    levels[name] = level;
  }
  return levels;
}

function badLevel(source: string, name: string, level: unknown): LeaksUsageError {
  return new LeaksUsageError(
    `${source}: level ${JSON.stringify(level)} for '${name}' is not a level.`,
    `use 'error', 'warn' or 'off'.`,
  );
}

/**
 * Read `FRAY_LEAKS`: a level for every check (`warn`, `off`) and/or `check=level` pairs,
 * comma-separated: `FRAY_LEAKS=timers=warn,lateActivity=off`.
 *
 * @example
 * ```ts
 * levelsFromEnvironment('warn,timers=off'); // every check 'warn', timers 'off'
 * ```
 */
export function levelsFromEnvironment(value: string | undefined): Partial<Record<LeakCheck, LeakLevel>> {
  if (value === undefined || value.trim() === '') return {};
  const levels: Partial<Record<LeakCheck, LeakLevel>> = {};
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const equals = item.indexOf('=');
    if (equals === -1) {
      if (!isLevel(item)) throw badLevel('FRAY_LEAKS', 'every check', item);
      for (const name of LEAK_CHECKS) levels[name] = item;
      continue;
    }
    const name = item.slice(0, equals).trim();
    const level = item.slice(equals + 1).trim();
    if (!isCheck(name)) {
      throw new LeaksUsageError(
        `FRAY_LEAKS: unknown check '${name}'.`,
        `use one of: ${LEAK_CHECKS.join(', ')}.`,
      );
    }
    if (!isLevel(level)) throw badLevel('FRAY_LEAKS', name, level);
    levels[name] = level;
  }
  return levels;
}

function validateAllow(allow: readonly AllowRule[]): readonly AllowRule[] {
  for (const rule of allow) {
    if (typeof rule === 'string' || rule instanceof RegExp) continue;
    if (typeof rule !== 'object' || rule === null) {
      throw new LeaksUsageError(
        `allow: ${JSON.stringify(rule)} is not an allow rule.`,
        'use a string, a RegExp, or { check, site, test, description }.',
      );
    }
    const checks = rule.check === undefined ? [] : typeof rule.check === 'string' ? [rule.check] : rule.check;
    for (const name of checks) {
      if (!isCheck(name)) {
        throw new LeaksUsageError(
          `allow: unknown check '${String(name)}'.`,
          `use one of: ${LEAK_CHECKS.join(', ')}.`,
        );
      }
    }
  }
  return allow;
}

function ruleKey(rule: AllowRule): string {
  if (typeof rule === 'string') return `s:${rule}`;
  if (rule instanceof RegExp) return `r:${String(rule)}`;
  return `o:${JSON.stringify(rule, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value))}`;
}

/** Add rules not already there (setup code may run once per test file in one worker). */
function mergeAllow(current: readonly AllowRule[], added: readonly AllowRule[]): readonly AllowRule[] {
  const seen = new Set(current.map(ruleKey));
  const merged = [...current];
  for (const rule of added) {
    const key = ruleKey(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(rule);
  }
  return merged;
}

/**
 * Merge `options` over `base` (the current settings, or the defaults plus `FRAY_LEAKS`),
 * validating everything.
 *
 * @example
 * ```ts
 * const options = resolveOptions({ checks: { timers: 'warn' } });
 * ```
 */
export function resolveOptions(
  options: LeaksOptions,
  base?: ResolvedLeaksOptions,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedLeaksOptions {
  const start: ResolvedLeaksOptions = base ?? {
    levels: checkLevels(DEFAULT_LEVELS, levelsFromEnvironment(environment['FRAY_LEAKS']), 'FRAY_LEAKS'),
    allow: [],
    includeUnref: false,
    stackFrames: 40,
    reportFile: environment['FRAY_LEAKS_REPORT'] || undefined,
    onLeaks: undefined,
  };
  const frames = options.stackFrames ?? start.stackFrames;
  if (!Number.isInteger(frames) || frames < 10 || frames > 200) {
    throw new LeaksUsageError(
      `stackFrames must be an integer from 10 to 200, got ${String(frames)}.`,
      'leave it unset (40) unless creation sites stop short of your code.',
    );
  }
  return {
    levels: checkLevels(start.levels, options.checks, 'checks'),
    allow: options.allow === undefined ? start.allow : mergeAllow(start.allow, validateAllow(options.allow)),
    includeUnref: options.includeUnref ?? start.includeUnref,
    stackFrames: frames,
    reportFile: 'reportFile' in options ? options.reportFile : start.reportFile,
    onLeaks: 'onLeaks' in options ? options.onLeaks : start.onLeaks,
  };
}
