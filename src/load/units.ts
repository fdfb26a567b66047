/**
 * Parsing of the human units fray/load accepts: durations (`'10s'`, `'1m30s'`, `250`),
 * rates (`'500/s'`, `200`), proportions (`'1%'`, `0.01`) and comparisons
 * (`'< 50ms'`, `'>= 500/s'`). Every parser names the option and the value it rejected.
 *
 * @module
 */
import { LoadOptionsError } from '../errors/index.ts';

/** A duration: milliseconds as a number, or a string such as `'500ms'`, `'10s'`, `'1m30s'`. */
export type Duration = number | string;

/** An arrival rate: requests per second as a number, or `'500/s'`, `'3000/min'`. */
export type Rate = number | string;

const DURATION_UNITS: Readonly<Record<string, number>> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)\s*(us|µs|ms|sec|s|min|m|h)/y;

/**
 * Parse a duration into milliseconds. Numbers are milliseconds; strings are one or more
 * `<number><unit>` parts with units `us`, `ms`, `s`, `m`/`min`, `h` (`'1m30s'`, `'2.5s'`).
 *
 * @example
 * ```ts
 * parseDuration('1m30s', 'duration'); // 90000
 * parseDuration(250, 'timeout'); // 250
 * ```
 */
export function parseDuration(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new LoadOptionsError(
        option,
        `expected a non-negative number of milliseconds, got ${String(value)}.`,
        `write it like 500 (ms) or '10s'.`,
      );
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new LoadOptionsError(
      option,
      `expected a duration, got ${describe(value)}.`,
      `write it like '500ms', '10s', '1m30s' or a number of milliseconds.`,
    );
  }
  const text = value.trim();
  let total = 0;
  let index = 0;
  let parts = 0;
  while (index < text.length) {
    DURATION_PART.lastIndex = index;
    const match = DURATION_PART.exec(text);
    if (match === null) break;
    total += Number(match[1]) * (DURATION_UNITS[match[2] ?? ''] ?? Number.NaN);
    index = DURATION_PART.lastIndex;
    while (text[index] === ' ') index++;
    parts++;
  }
  if (parts === 0 || index !== text.length || !Number.isFinite(total)) {
    throw new LoadOptionsError(
      option,
      `'${value}' is not a duration.`,
      `use a number with a unit: us, ms, s, m or h (e.g. '500ms', '10s', '1m30s').`,
    );
  }
  return total;
}

const RATE_UNITS: Readonly<Record<string, number>> = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

/**
 * Parse an arrival rate into requests per second: a number, or `'<n>/s'`, `'<n>/min'`,
 * `'<n>/h'`.
 *
 * @example
 * ```ts
 * parseRate('3000/min', 'rate'); // 50
 * ```
 */
export function parseRate(value: unknown, option: string): number {
  let rate = Number.NaN;
  if (typeof value === 'number') rate = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|m|min|h)|rps)?\s*$/.exec(value);
    if (match !== null) rate = Number(match[1]) * (RATE_UNITS[match[2] ?? 's'] ?? Number.NaN);
  }
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new LoadOptionsError(
      option,
      `${describe(value)} is not an arrival rate.`,
      `give requests per second as a positive number (200) or a string like '200/s' or '3000/min'.`,
    );
  }
  return rate;
}

/**
 * Parse a proportion into a fraction in [0, 1]: a number (`0.01`) or a percentage string
 * (`'1%'`).
 *
 * @example
 * ```ts
 * parseProportion('0.5%', 'errorRate'); // 0.005
 * ```
 */
export function parseProportion(value: unknown, option: string): number {
  let fraction = Number.NaN;
  if (typeof value === 'number') fraction = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(value);
    if (match !== null) fraction = Number(match[1]) / (match[2] === '%' ? 100 : 1);
  }
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new LoadOptionsError(
      option,
      `${describe(value)} is not a proportion.`,
      `give a fraction between 0 and 1 (0.01) or a percentage ('1%').`,
    );
  }
  return fraction;
}

/** A comparison operator of a gate. */
export type Comparison = '<' | '<=' | '>' | '>=';

/** The parts of a comparison string such as `'< 50ms'`. */
export interface ParsedComparison {
  readonly op: Comparison | undefined;
  /** What followed the operator, trimmed (`'50ms'`). */
  readonly operand: string;
}

/**
 * Split `'< 50ms'` into its operator and operand. Strings without an operator return
 * `op: undefined` and the whole string as operand.
 *
 * @example
 * ```ts
 * splitComparison('>= 500/s'); // { op: '>=', operand: '500/s' }
 * ```
 */
export function splitComparison(text: string): ParsedComparison {
  const match = /^\s*(<=|>=|<|>)?\s*(.*?)\s*$/.exec(text);
  return { op: (match?.[1] as Comparison | undefined) ?? undefined, operand: match?.[2] ?? '' };
}

/**
 * Format milliseconds for people: `850 µs`, `12.3 ms`, `1.25 s`.
 *
 * @example
 * ```ts
 * formatMs(0.85); // '850 µs'
 * ```
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${round(ms * 1000, 3)} µs`;
  if (ms < 1000) return `${round(ms, 3)} ms`;
  return `${round(ms / 1000, 3)} s`;
}

/**
 * Format a rate: `1,234/s`, `12.5/s`.
 *
 * @example
 * ```ts
 * formatRate(1234.4); // '1,234/s'
 * ```
 */
export function formatRate(perSecond: number): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toLocaleString('en-US', { maximumFractionDigits: digits })}/s`;
}

/**
 * Format a fraction as a percentage: `0.5%`, `99.95%`.
 *
 * @example
 * ```ts
 * formatPercent(0.9995); // '99.95%'
 * ```
 */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toLocaleString('en-US', { maximumFractionDigits: 3 })}%`;
}

/** Round to `significant` significant digits (at least the integer part). */
function round(value: number, significant: number): string {
  if (value === 0) return '0';
  const digits = Math.max(0, significant - Math.floor(Math.log10(Math.abs(value))) - 1);
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, useGrouping: false });
}

/** A short description of an unexpected value, for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'symbol') return value.toString();
  return `${value as string | number | boolean | bigint | undefined}`;
}
