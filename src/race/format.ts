/**
 * Short, stable renderings of values for reports: one line, bounded length.
 *
 * @module
 */
import { inspect } from 'node:util';

/** One-line rendering of `value`, at most `max` characters. */
export function short(value: unknown, max = 80): string {
  let text: string;
  if (value instanceof Error) text = `${value.name}: ${value.message.split('\n')[0] ?? ''}`;
  else if (isResponse(value)) text = `Response ${value.status}`;
  else if (isQueryResult(value)) text = queryResult(value);
  else if (typeof value === 'string')
    text = inspect(value.replace(/\s+/g, ' ').trim(), { maxStringLength: max });
  else
    text = inspect(value, {
      depth: 3,
      breakLength: Number.POSITIVE_INFINITY,
      maxArrayLength: 6,
      maxStringLength: 60,
      compact: true,
      sorted: false,
    });
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface QueryResultLike {
  readonly rows: readonly unknown[];
  readonly rowCount?: number | null;
  readonly affectedRows?: number;
}

/** A `pg` or PGlite result: `{ rows, fields, rowCount | affectedRows, … }`. */
function isQueryResult(value: unknown): value is QueryResultLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { rows?: unknown }).rows) &&
    ('fields' in value || 'rowCount' in value || 'affectedRows' in value)
  );
}

function queryResult(value: QueryResultLike): string {
  const affected = value.rowCount ?? value.affectedRows;
  const rows = inspect(value.rows, {
    depth: 2,
    breakLength: Number.POSITIVE_INFINITY,
    maxArrayLength: 4,
    compact: true,
  });
  return value.rows.length > 0 || affected === undefined || affected === null
    ? `rows ${rows}`
    : `${affected} row${affected === 1 ? '' : 's'} affected`;
}

function isResponse(value: unknown): value is { status: number } {
  return typeof Response === 'function' && value instanceof Response;
}

/** Arguments as a call: `(1, 'a')`, bounded. */
export function callArgs(args: readonly unknown[], max = 90): string {
  const inner = args.map((a) => short(a, typeof a === 'string' ? 64 : 40)).join(', ');
  return `(${inner.length > max ? `${inner.slice(0, max - 1)}…` : inner})`;
}

/** Multi-line rendering for diffs. */
export function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  return inspect(value, { depth: 6, breakLength: 60, sorted: true, compact: 3, maxArrayLength: 50 });
}

/** `1,000`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `3 runs` / `1 run`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}
