/**
 * Short, stable renderings of values for reports: one line, bounded length.
 *
 * @module
 */
import { Socket } from 'node:net';
import { inspect, types } from 'node:util';

/**
 * One-line rendering of `value`, at most `max` characters. Objects fray cannot show in a
 * line are one token: a `pg` client or pool (`pg.Client`, `pg.Pool`), a socket
 * (`Socket 127.0.0.1:5432`), a `Response` (`Response 201`), a `Request`, a buffer
 * (`Buffer(12)`), a class instance with internals (`Fastify {…}`); plain objects, arrays,
 * maps and sets show their first entries, two levels deep.
 *
 * @example
 * ```ts
 * short(await pool.connect()); // 'pg.Client'
 * short({ id: 1, tags: ['a', 'b'] }); // "{ id: 1, tags: [ 'a', 'b' ] }"
 * ```
 */
export function short(value: unknown, max = 80): string {
  const text =
    typeof value === 'string'
      ? inspect(value.replace(/\s+/g, ' ').trim(), { maxStringLength: max })
      : render(value, 0, new Set()).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Entries shown of an array, object, map or set before `…`. */
const MAX_ENTRIES = 6;
/** Levels of nesting shown; deeper objects are `{…}`, `[…]`. */
const MAX_DEPTH = 2;
/** Characters of a nested string. */
const MAX_NESTED_STRING = 40;

function render(value: unknown, depth: number, seen: Set<object>): string {
  if (typeof value === 'string')
    return inspect(value.length > MAX_NESTED_STRING ? `${value.slice(0, MAX_NESTED_STRING - 1)}…` : value);
  if (typeof value === 'function')
    return /^class\b/.test(Function.prototype.toString.call(value))
      ? `[class ${value.name || 'anonymous'}]`
      : `[Function${value.name ? `: ${value.name}` : ''}]`;
  if (typeof value !== 'object' || value === null) return inspect(value);
  if (seen.has(value)) return '[Circular]';
  // A proxy (an auto-mock) may create members on access: show its target without traps.
  if (types.isProxy(value)) return inspect(value, { depth: 0, breakLength: Infinity, compact: true });
  const known = token(value);
  if (known !== undefined) return known;
  seen.add(value);
  try {
    if (Array.isArray(value)) return list('', '[', ']', value.length, value, depth, seen);
    if (value instanceof Map) {
      if (depth >= MAX_DEPTH || value.size === 0) return `Map(${value.size})`;
      const shown = [...value.entries()]
        .slice(0, MAX_ENTRIES)
        .map(([k, v]) => `${render(k, depth + 1, seen)} => ${render(v, depth + 1, seen)}`);
      return `Map(${value.size}) { ${more(shown, value.size).join(', ')} }`;
    }
    if (value instanceof Set) {
      if (depth >= MAX_DEPTH || value.size === 0) return `Set(${value.size})`;
      return list(`Set(${value.size}) `, '{', '}', value.size, [...value], depth, seen);
    }
    return object(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function more(shown: string[], total: number): string[] {
  return total > shown.length ? [...shown, `… ${total - shown.length} more`] : shown;
}

function list(
  prefix: string,
  open: string,
  close: string,
  total: number,
  items: readonly unknown[],
  depth: number,
  seen: Set<object>,
): string {
  if (total === 0) return `${prefix}${open}${close}`;
  if (depth >= MAX_DEPTH) return `${prefix}${open}…${total}${close}`;
  const shown = items.slice(0, MAX_ENTRIES).map((item) => render(item, depth + 1, seen));
  return `${prefix}${open} ${more(shown, total).join(', ')} ${close}`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A plain object's entries; a class instance's too when they are few and simple, else `Name {…}`. */
function object(value: object, depth: number, seen: Set<object>): string {
  const proto = Object.getPrototypeOf(value) as object | null;
  const plain = proto === null || proto === Object.prototype;
  const name = plain ? '' : className(value);
  const descriptors = Object.entries(Object.getOwnPropertyDescriptors(value)).filter(
    ([, d]) => d.enumerable === true,
  );
  if (!plain) {
    // Internals (`_events`, nested clients, sockets) make an instance a token, not a dump.
    const simple =
      descriptors.length <= MAX_ENTRIES &&
      descriptors.every(
        ([key, d]) =>
          !key.startsWith('_') &&
          'value' in d &&
          (d.value === null || (typeof d.value !== 'object' && typeof d.value !== 'function')),
      );
    if (!simple || descriptors.length === 0) return `${name} {${descriptors.length === 0 ? '' : '…'}}`;
  }
  const prefix = name === '' ? '' : `${name} `;
  if (descriptors.length === 0) return `${prefix}{}`;
  // An API object (a Fastify instance, a module namespace): its methods say nothing.
  const methods = descriptors.filter(([, d]) => typeof d.value === 'function').length;
  if (descriptors.length > MAX_ENTRIES && methods * 2 >= descriptors.length)
    return `${prefix}{… ${descriptors.length} members}`;
  if (depth >= MAX_DEPTH) return `${prefix}{…}`;
  const shown = descriptors.slice(0, MAX_ENTRIES).map(([key, d]) => {
    const label = IDENTIFIER.test(key) ? key : inspect(key);
    return `${label}: ${'value' in d ? render(d.value, depth + 1, seen) : '[Getter]'}`;
  });
  return `${prefix}{ ${more(shown, descriptors.length).join(', ')} }`;
}

function className(value: object): string {
  const ctor = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'Object';
}

function own(value: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

/** One token for values whose contents say nothing in a report line. */
function token(value: object): string | undefined {
  if (value instanceof Error) return `${value.name}: ${value.message.split('\n')[0] ?? ''}`;
  if (isResponse(value)) return `Response ${value.status}`;
  if (typeof Request === 'function' && value instanceof Request)
    return `Request ${value.method} ${value.url}`;
  if (typeof Headers === 'function' && value instanceof Headers)
    return `Headers(${[...value.keys()].length})`;
  if (value instanceof URL) return `URL ${value.href}`;
  if (isQueryResult(value)) return queryResult(value);
  if (isRequestLine(value)) return `${value.method} ${value.url}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (value instanceof Promise) return 'Promise';
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  if (ArrayBuffer.isView(value)) return `${className(value)}(${value.byteLength})`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  if (value instanceof WeakMap || value instanceof WeakSet) return className(value);
  if (value instanceof Socket) {
    const remote = value.remoteAddress === undefined ? '' : ` ${value.remoteAddress}:${value.remotePort}`;
    return `${className(value)}${remote}`;
  }
  // node-postgres, recognised by its own fields: a (pool) client and a pool.
  if (typeof own(value, 'connectionParameters') === 'object' && 'query' in value) return 'pg.Client';
  if (Array.isArray(own(value, '_clients')) && typeof own(value, 'options') === 'object') return 'pg.Pool';
  // ioredis mixes EventEmitter's prototype in (its constructor name reads 'EventEmitter').
  if (typeof own(value, 'connector') === 'object' && 'sendCommand' in value) return 'ioredis.Redis';
  return undefined;
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
  const rows = render(value.rows, 0, new Set());
  return value.rows.length > 0 || affected === undefined || affected === null
    ? `rows ${rows}`
    : `${affected} row${affected === 1 ? '' : 's'} affected`;
}

/** What an `inject` request is recorded as: `{ method, url }`, nothing else. */
function isRequestLine(value: object): value is { method: string; url: string } {
  const keys = Object.keys(value);
  return (
    keys.length === 2 &&
    typeof own(value, 'method') === 'string' &&
    typeof own(value, 'url') === 'string' &&
    Object.getPrototypeOf(value) === Object.prototype
  );
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

/** `1,000`. (Integers by hand: `toLocaleString` costs microseconds, and every summary calls this.) */
export function count(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  const grouped = digits.length <= 3 ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** `3 runs` / `1 run`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}
