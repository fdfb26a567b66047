/**
 * Resolving what a request names (`'/users?page=2'`, an absolute URL, a `URL`) against the
 * client's `baseURL`, with the `query` option merged in — the same normalization `fetch`
 * applies before it writes the request line (dot segments removed, unsafe characters
 * percent-encoded, the fragment dropped).
 *
 * @module
 */
import { HttpUsageError } from '../errors/index.ts';

/** A resolved request URL. */
export interface TargetURL {
  /** The absolute URL without fragment, e.g. `http://localhost/users?page=2`. */
  readonly href: string;
  /** `http:` or `https:`. */
  readonly protocol: string;
  /** The `Host` header: hostname and non-default port. */
  readonly host: string;
  /** `http://localhost`. */
  readonly origin: string;
  /** `/users`. */
  readonly pathname: string;
  /** The request target on the request line: path and query, e.g. `/users?page=2`. */
  readonly target: string;
}

/** A query: a record (arrays repeat the key, `undefined` skips it), `URLSearchParams`, or a string. */
export type QueryInit =
  | URLSearchParams
  | string
  | Readonly<Record<string, QueryValue | readonly QueryValue[]>>
  | readonly (readonly [string, QueryValue])[];

/** One query value; `undefined` and `null` leave the key out. */
export type QueryValue = string | number | boolean | bigint | null | undefined;

// Characters a WHATWG URL parser leaves untouched in a path and a query of an http(s) URL, so
// a path made only of them can skip `new URL()` (which costs ~0.3 µs). Paths with `/.` (dot
// segments) or `%` (`%2e` is a dot too) also take the parser.
const PLAIN_TARGET = /^\/(?!\/)[A-Za-z0-9\-._~!$&()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?$/;

/** The parts of a base URL every request reuses. */
export interface BaseURL {
  readonly url: URL;
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  /** The base path without trailing slash, prefixed to absolute-path inputs. `''` for `/`. */
  readonly prefix: string;
  /** Plain targets resolved before (a client requests the same few paths again and again). */
  readonly resolved: Map<string, TargetURL>;
}

// How many plain targets a base remembers; past that it starts over.
const RESOLVED_LIMIT = 256;

/**
 * Parse and check the client's `baseURL`.
 *
 * @example
 * ```ts
 * parseBaseURL('http://localhost:3000/api');
 * ```
 */
export function parseBaseURL(baseURL: string | URL | undefined): BaseURL {
  let url: URL;
  try {
    url = new URL(baseURL ?? 'http://localhost');
  } catch {
    throw new HttpUsageError(
      `inject(): baseURL '${String(baseURL)}' is not an absolute URL.`,
      "use an absolute http(s) URL such as 'http://localhost' or 'https://api.test/v1'.",
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpUsageError(
      `inject(): baseURL must be http: or https:, got ${url.protocol}.`,
      "use an absolute http(s) URL such as 'http://localhost'.",
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new HttpUsageError(
      'inject(): baseURL must not contain credentials (fetch rejects URLs with user:password@).',
      'send credentials in an Authorization header: inject(app, { headers: { authorization: ... } }).',
    );
  }
  const prefix = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  return { url, origin: url.origin, protocol: url.protocol, host: url.host, prefix, resolved: new Map() };
}

/**
 * Resolve a request input against the base. A string starting with `/` is a path under the
 * base path (`baseURL: 'http://x/api'` + `'/users'` → `/api/users`), like supertest and
 * httpx; other relative strings resolve as URLs do; absolute URLs are used as given (every
 * URL is dispatched into the app, whatever its host).
 *
 * @example
 * ```ts
 * resolveTarget('/users?page=2', base, { sort: 'name' }).target; // '/users?page=2&sort=name'
 * ```
 */
export function resolveTarget(input: string | URL, base: BaseURL, query: QueryInit | undefined): TargetURL {
  if (typeof input === 'string' && query === undefined) {
    // A resolved URL is never changed: the same object serves every request for the input.
    const known = base.resolved.get(input);
    if (known !== undefined) return known;
    if (!input.includes('/.') && !input.includes('%') && PLAIN_TARGET.test(input)) {
      const target = base.prefix + input;
      const q = target.indexOf('?');
      const url: TargetURL = {
        href: base.origin + target,
        protocol: base.protocol,
        host: base.host,
        origin: base.origin,
        pathname: q === -1 ? target : target.slice(0, q),
        target,
      };
      if (base.resolved.size === RESOLVED_LIMIT) base.resolved.clear();
      base.resolved.set(input, url);
      return url;
    }
  }
  let url: URL;
  try {
    if (typeof input === 'string') {
      url =
        input.startsWith('/') && !input.startsWith('//')
          ? new URL(base.prefix + input, base.url)
          : new URL(input, base.url);
    } else {
      url = new URL(input.href);
    }
  } catch (error) {
    throw new TypeError(`Failed to parse URL from ${String(input)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`fetch failed: ${url.protocol} URLs cannot be dispatched into an app`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url.href}`);
  }
  if (query !== undefined) appendQuery(url, query);
  url.hash = '';
  return {
    href: url.href,
    protocol: url.protocol,
    host: url.host,
    origin: url.origin,
    pathname: url.pathname,
    target: url.pathname + url.search,
  };
}

/** Resolve a redirect `Location` against the URL that answered. */
export function resolveLocation(location: string, from: string): TargetURL | undefined {
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return undefined;
  }
  url.hash = '';
  return {
    href: url.href,
    protocol: url.protocol,
    host: url.host,
    origin: url.origin,
    pathname: url.pathname,
    target: url.pathname + url.search,
  };
}

function appendQuery(url: URL, query: QueryInit): void {
  if (typeof query === 'string') {
    const extra = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
    for (const [key, value] of extra) url.searchParams.append(key, value);
    return;
  }
  if (query instanceof URLSearchParams) {
    for (const [key, value] of query) url.searchParams.append(key, value);
    return;
  }
  if (Array.isArray(query)) {
    for (const [key, value] of query as readonly (readonly [string, QueryValue])[]) add(url, key, value);
    return;
  }
  if (typeof query !== 'object' || query === null) {
    throw new HttpUsageError(
      `query must be a record, URLSearchParams, a list of pairs or a string, got ${typeof query}.`,
      "client.get('/search', { query: { q: 'fray', page: 2 } })",
    );
  }
  for (const key of Object.keys(query)) {
    const value = (query as Record<string, QueryValue | readonly QueryValue[]>)[key];
    if (Array.isArray(value)) for (const item of value as readonly QueryValue[]) add(url, key, item);
    else add(url, key, value as QueryValue);
  }
}

function add(url: URL, key: string, value: QueryValue): void {
  if (value === undefined || value === null) return;
  url.searchParams.append(key, String(value));
}
