/**
 * An ordered header list with WHATWG fetch semantics: names are matched case-insensitively
 * and stored lowercase, values are trimmed of HTTP whitespace, validated, and a repeated
 * name is combined into one line (`, `, or `; ` for `cookie`) — exactly what `fetch` puts on
 * the wire for the same `HeadersInit`.
 *
 * @module
 */

// RFC 9110 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Leading/trailing HTTP whitespace (HTAB, LF, CR, SP) is stripped, as `Headers` does.
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const FORBIDDEN_VALUE = /[\0\r\n]/;

/** A header list: lowercase names in insertion order, one combined value each. */
export class HeaderList {
  readonly #index = new Map<string, number>();
  readonly names: string[] = [];
  readonly values: string[] = [];

  /** Append `value` to `name`, combining with an existing line (fetch's `append`). */
  append(name: string, value: string): void {
    const lower = checkName(name);
    const normalized = checkValue(lower, value);
    const at = this.#index.get(lower);
    if (at === undefined) {
      this.#index.set(lower, this.names.length);
      this.names.push(lower);
      this.values.push(normalized);
    } else {
      this.values[at] = `${this.values[at]}${lower === 'cookie' ? '; ' : ', '}${normalized}`;
    }
  }

  /** Replace every value of `name` (fetch's `set`); keeps the original position. */
  set(name: string, value: string): void {
    const lower = checkName(name);
    const normalized = checkValue(lower, value);
    const at = this.#index.get(lower);
    if (at === undefined) {
      this.#index.set(lower, this.names.length);
      this.names.push(lower);
      this.values.push(normalized);
    } else {
      this.values[at] = normalized;
    }
  }

  /** Set a header fray itself computed (already valid and lowercase). */
  setTrusted(lower: string, value: string): void {
    const at = this.#index.get(lower);
    if (at === undefined) {
      this.#index.set(lower, this.names.length);
      this.names.push(lower);
      this.values.push(value);
    } else {
      this.values[at] = value;
    }
  }

  /** The combined value of a lowercase name, or `undefined`. */
  get(lower: string): string | undefined {
    const at = this.#index.get(lower);
    return at === undefined ? undefined : this.values[at];
  }

  /** Whether a lowercase name is present. */
  has(lower: string): boolean {
    return this.#index.has(lower);
  }

  /** Remove a lowercase name. */
  delete(lower: string): void {
    const at = this.#index.get(lower);
    if (at === undefined) return;
    this.names.splice(at, 1);
    this.values.splice(at, 1);
    this.#index.clear();
    for (let i = 0; i < this.names.length; i++) this.#index.set(this.names[i] as string, i);
  }

  /** Whether the list is empty. */
  get size(): number {
    return this.names.length;
  }

  /** A copy. */
  clone(): HeaderList {
    const copy = new HeaderList();
    for (let i = 0; i < this.names.length; i++)
      copy.setTrusted(this.names[i] as string, this.values[i] as string);
    return copy;
  }

  /** Append every header of a `HeadersInit` (record, list of pairs, `Headers`, any iterable). */
  appendAll(init: HeadersInit | undefined | null, mode: 'append' | 'set' = 'append'): void {
    if (init === undefined || init === null) return;
    const add = mode === 'append' ? this.append.bind(this) : this.set.bind(this);
    if (init instanceof Headers) {
      // Iteration yields each set-cookie separately and everything else combined.
      for (const [name, value] of init) add(name, value);
      return;
    }
    if (typeof init !== 'object')
      throw new TypeError('Headers: the init must be an object or a list of pairs.');
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<unknown>) {
        if (!isPair(pair)) {
          throw new TypeError('Headers: each header must be a [name, value] pair of exactly two items.');
        }
        add(String(pair[0]), String(pair[1]));
      }
      return;
    }
    for (const name of Object.keys(init)) {
      const value = (init as Record<string, unknown>)[name];
      if (value === undefined) continue;
      add(name, headerValue(value));
    }
  }
}

function isPair(value: unknown): value is readonly [unknown, unknown] {
  if (typeof value !== 'object' || value === null || !(Symbol.iterator in value)) return false;
  const items = Array.isArray(value) ? value : [...(value as Iterable<unknown>)];
  return items.length === 2;
}

function checkName(name: string): string {
  if (!TOKEN.test(name)) throw new TypeError(`Headers: "${name}" is an invalid header name.`);
  return name.toLowerCase();
}

function checkValue(name: string, value: string): string {
  const normalized = value.replace(EDGE_WHITESPACE, '');
  if (FORBIDDEN_VALUE.test(normalized)) {
    throw new TypeError(`Headers: the value of "${name}" contains a NUL, CR or LF character.`);
  }
  return normalized;
}

/** WebIDL's ByteString conversion of a record value, as `new Headers(record)` does it. */
function headerValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'object' && value !== null) return (value as { toString(): string }).toString();
  return typeof value === 'symbol' ? value.toString() : 'null';
}
