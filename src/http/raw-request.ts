/**
 * `client.request()`: the request `fetch` will not send, sent as written. Any method
 * (`TRACE`, `PROPFIND`, lowercase), a request target byte for byte (`/static/../../etc/passwd`,
 * `%2e%2e`, `//double`, a raw `%`, `*`), header lines with their case, order and duplicates
 * (malformed ones too), a body on GET or HEAD, an explicit `Transfer-Encoding`, and any HTTP
 * version on the request line. fray adds only what you did not name: `Host` (from `baseURL`),
 * the client's default headers, the jar's cookies, and `Content-Length` (or chunked coding for
 * a stream) for a body sent without framing.
 *
 * For node apps the bytes go to Node's own HTTP server (see raw-exchange.ts), so its parser
 * answers a malformed request exactly as on a socket (400, 505…). Fetch handlers receive a
 * WHATWG `Request`, which cannot carry some of this: such a request is refused with a
 * `FRAY_HTTP_USAGE` that says what to inject instead.
 *
 * @module
 */
import { HttpUnknownOptionError, HttpUsageError, unknownKey } from '../errors/index.ts';
import type { PreparedBody } from './request-body.ts';
import type { WireRequest } from './socket-exchange.ts';
import type { BaseURL, TargetURL } from './target-url.ts';
import { NativeRequest } from './web-globals.ts';

/** What `client.request()` sends. */
export interface RawRequest {
  /**
   * The method, sent as written — any token (`TRACE`, `PURGE`), lowercase too (Node answers
   * 400 to a method it does not know). Default `GET`.
   */
  readonly method?: string;
  /**
   * The request target exactly as it goes on the request line: not resolved against
   * `baseURL`, not normalized (`/static/../../etc/passwd`, `/%2e%2e/`, `//double`, `/100%`,
   * `*`, an absolute `http://other.test/`). Sent as UTF-8 bytes. Required.
   */
  readonly path: string;
  /**
   * Header lines in order, names with their case, duplicates kept: `[['X-A', '1'], ['X-A', '2']]`,
   * or a record (an array value repeats the line). Nothing is validated: a malformed line goes
   * out as written and the server answers it. Sent as UTF-8 bytes. Default: none.
   */
  readonly headers?:
    readonly (readonly [string, string])[] | Readonly<Record<string, string | readonly string[]>>;
  /**
   * The body, also on GET and HEAD: a string (UTF-8), bytes, or a `ReadableStream` / async
   * iterable of bytes. Without a `Content-Length` or `Transfer-Encoding` line, fray adds
   * `Content-Length` (chunked coding for a stream); with `Transfer-Encoding: …chunked` the
   * body is chunk-encoded; with a `Content-Length` it is sent as it is, whatever the length
   * says. Default: none.
   */
  readonly body?:
    string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
  /** The version on the request line: `'1.1'` (default), `'1.0'`, or anything else (`'2.0'`, `'1.2'`). */
  readonly httpVersion?: string;
  /** Milliseconds until the response head (as `InjectOptions.timeout`); default the client's. */
  readonly timeout?: number;
  /** Aborting it closes the connection, as for `fetch`. */
  readonly signal?: AbortSignal;
  /**
   * Use the client's cookie jar: send its cookies (unless you wrote a `cookie` line) and store
   * the response's `Set-Cookie`. Default `true`.
   */
  readonly cookies?: boolean;
}

/**
 * The answer to a raw request: a standard `Response` as the server wrote it — redirects not
 * followed, `Content-Encoding` not decoded, any status kept (`101` too) — plus its header lines.
 */
export interface RawResponse extends Response {
  /**
   * The header lines as written, flat: name (its case kept), value, name, value…, in order,
   * duplicates kept — like Node's `IncomingMessage.rawHeaders`. For a fetch handler, the
   * `Response`'s headers (lowercase names).
   */
  readonly rawHeaders: readonly string[];
}

/** A raw request after validation: the parts its wire request is built from. */
export interface RawParts {
  /** `Host` (unless named), the caller's lines, the client's defaults not named. */
  readonly leading: readonly string[];
  /** `content-length` / `transfer-encoding` fray adds; empty when the caller framed the body. */
  readonly framing: readonly string[];
  readonly httpVersion: string;
  /** Chunk-encode the body. */
  readonly chunked: boolean;
  /** The caller wrote a `cookie` line: the jar's are not added. */
  readonly hasCookie: boolean;
}

/** A validated raw request. */
export interface PreparedRaw {
  readonly method: string;
  readonly url: TargetURL;
  readonly parts: RawParts;
  readonly body: PreparedBody | Promise<PreparedBody>;
  readonly cookies: boolean;
  readonly timeout: number | undefined;
  readonly signal: AbortSignal | undefined;
}

// Every option of `client.request()`; anything else is refused as a typo.
const OPTION_KEYS: Record<keyof RawRequest, true> = {
  method: true,
  path: true,
  headers: true,
  body: true,
  httpVersion: true,
  timeout: true,
  signal: true,
  cookies: true,
};
const RAW_OPTION_NAMES: readonly string[] = Object.keys(OPTION_KEYS);
const EXAMPLE = "client.request({ method: 'TRACE', path: '/static/../../etc/passwd' })";
const EMPTY: string[] = [];
const encoder = new TextEncoder();
const CHUNKED_LAST = /(?:^|,)\s*chunked\s*$/i;

/**
 * Validate a raw request and resolve what fray adds to it.
 *
 * @example
 * ```ts
 * const raw = prepareRaw({ method: 'TRACE', path: '/' }, base, defaults, 'node');
 * raw.parts.leading; // ['Host', 'localhost', …]
 * ```
 */
export function prepareRaw(
  spec: RawRequest,
  base: BaseURL,
  defaults: { readonly names: readonly string[]; readonly values: readonly string[] },
  mode: 'node' | 'fetch',
): PreparedRaw {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new HttpUsageError(`client.request(): expected an object, got ${describe(spec)}.`, EXAMPLE);
  }
  const unknown = unknownKey(spec, RAW_OPTION_NAMES);
  if (unknown !== undefined) {
    throw new HttpUnknownOptionError('client.request()', unknown.key, unknown.closest, RAW_OPTION_NAMES);
  }
  const method = spec.method ?? 'GET';
  const path = spec.path;
  const httpVersion = spec.httpVersion ?? '1.1';
  for (const [name, value] of [
    ['method', method],
    ['path', path],
    ['httpVersion', httpVersion],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new HttpUsageError(
        `client.request(): ${name} must be a non-empty string, got ${describe(value)}.`,
        EXAMPLE,
      );
    }
  }
  const lines = headerLines(spec.headers);
  const named = new Set<string>();
  for (let i = 0; i < lines.length; i += 2) named.add((lines[i] as string).toLowerCase());
  const leading: string[] = named.has('host') ? [] : ['Host', base.host];
  leading.push(...lines);
  for (let i = 0; i < defaults.names.length; i++) {
    const name = defaults.names[i] as string;
    if (!named.has(name)) leading.push(name, defaults.values[i] as string);
  }
  const body = rawBody(spec.body);
  const framed = named.has('content-length') || named.has('transfer-encoding');
  let chunked = false;
  let framing: string[] = EMPTY;
  if (named.has('transfer-encoding')) {
    chunked = CHUNKED_LAST.test(lastValue(lines, 'transfer-encoding'));
  } else if (!framed && body.body !== null) {
    if (body.body.kind === 'bytes') {
      framing = ['Content-Length', String(body.body.bytes.byteLength)];
    } else {
      framing = ['Transfer-Encoding', 'chunked'];
      chunked = true;
    }
  }
  const url = rawTarget(path, base);
  const parts: RawParts = { leading, framing, httpVersion, chunked, hasCookie: named.has('cookie') };
  if (mode === 'fetch') checkForFetchHandler(method, url, parts, body.body !== null);
  return {
    method,
    url,
    parts,
    body,
    cookies: spec.cookies ?? true,
    timeout: spec.timeout,
    signal: spec.signal ?? undefined,
  };
}

/**
 * The wire request of a raw request, with the jar's `cookie` line when there is one to send.
 *
 * @example
 * ```ts
 * rawWire(raw, raw.body.body, undefined).rawHeaders; // ['Host', 'localhost', …]
 * ```
 */
export function rawWire(
  raw: PreparedRaw,
  body: PreparedBody['body'],
  cookie: string | undefined,
): WireRequest {
  const parts = raw.parts;
  const headers = [...parts.leading];
  if (cookie !== undefined && !parts.hasCookie) headers.push('Cookie', cookie);
  headers.push(...parts.framing);
  const url = raw.url;
  return {
    method: raw.method,
    target: url.target,
    pathname: url.pathname,
    href: url.href,
    rawHeaders: headers,
    ownHeaders: headers,
    transportHeaders: EMPTY,
    keepAlive: true,
    body,
    streamLength: -1,
    httpVersion: parts.httpVersion,
    chunked: parts.chunked,
  };
}

/**
 * The request line and header block, as bytes.
 *
 * @example
 * ```ts
 * requestHead(wire).toString(); // 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'
 * ```
 */
export function requestHead(wire: WireRequest): Buffer {
  let head = `${wire.method} ${wire.target} HTTP/${wire.httpVersion ?? '1.1'}\r\n`;
  const lines = wire.rawHeaders;
  for (let i = 0; i < lines.length; i += 2) head += `${lines[i] as string}: ${lines[i + 1] as string}\r\n`;
  return Buffer.from(`${head}\r\n`, 'utf8');
}

/** The URL parts of a raw target (never normalized). */
function rawTarget(path: string, base: BaseURL): TargetURL {
  const query = path.indexOf('?');
  return {
    href: path.startsWith('/') ? base.origin + path : path,
    protocol: base.protocol,
    host: base.host,
    origin: base.origin,
    pathname: query === -1 ? path : path.slice(0, query),
    target: path,
  };
}

function headerLines(headers: RawRequest['headers']): string[] {
  if (headers === undefined) return [];
  if (typeof headers !== 'object' || headers === null) {
    throw new HttpUsageError(
      `client.request(): headers must be a list of [name, value] pairs or a record, got ${describe(headers)}.`,
      "headers: [['X-Forwarded-For', '10.0.0.1'], ['X-Forwarded-For', '10.0.0.2']]",
    );
  }
  const lines: string[] = [];
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || typeof value !== 'string') {
      throw new HttpUsageError(
        `client.request(): header names and values must be strings, got ${describe(name)}: ${describe(value)}.`,
        "write every value as a string: headers: [['Content-Length', '5']]",
      );
    }
    lines.push(name, value);
  };
  if (Array.isArray(headers)) {
    for (const pair of headers as readonly unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new HttpUsageError(
          'client.request(): each header must be a [name, value] pair.',
          "headers: [['X-A', '1'], ['X-A', '2']]",
        );
      }
      add(pair[0], pair[1]);
    }
    return lines;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (Array.isArray(value)) for (const item of value as unknown[]) add(name, item);
    else add(name, value);
  }
  return lines;
}

function lastValue(lines: readonly string[], lower: string): string {
  let value = '';
  for (let i = 0; i < lines.length; i += 2) {
    if ((lines[i] as string).toLowerCase() === lower)
      value = value === '' ? (lines[i + 1] as string) : `${value}, ${lines[i + 1] as string}`;
  }
  return value;
}

function rawBody(body: RawRequest['body']): PreparedBody {
  if (body === undefined || body === null) return { body: null, contentType: undefined };
  if (typeof body === 'string')
    return { body: { kind: 'bytes', bytes: encoder.encode(body) }, contentType: undefined };
  if (body instanceof ArrayBuffer)
    return { body: { kind: 'bytes', bytes: new Uint8Array(body.slice(0)) }, contentType: undefined };
  if (body instanceof Uint8Array)
    return { body: { kind: 'bytes', bytes: body.slice() }, contentType: undefined };
  if (body instanceof ReadableStream) {
    if (body.locked)
      throw new HttpUsageError(
        'client.request(): the body stream is locked (already being read).',
        'pass a fresh ReadableStream.',
      );
    return { body: { kind: 'stream', stream: body }, contentType: undefined };
  }
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const Stream = ReadableStream as unknown as { from<T>(source: AsyncIterable<T>): ReadableStream<T> };
    return { body: { kind: 'stream', stream: Stream.from(body) }, contentType: undefined };
  }
  throw new HttpUsageError(
    `client.request(): body must be a string, bytes, a ReadableStream or an async iterable of bytes, got ${describe(body)}.`,
    "body: JSON.stringify(value), with headers: [['Content-Type', 'application/json']]",
  );
}

/** A fetch handler gets a WHATWG `Request`: refuse what one cannot carry, saying what to do. */
function checkForFetchHandler(method: string, url: TargetURL, parts: RawParts, hasBody: boolean): void {
  const instead =
    'a fetch handler receives a WHATWG Request, which cannot carry it; to see what your server does with it, inject the node listener your server adapter builds (e.g. getRequestListener(app.fetch) from @hono/node-server) — its requests go through Node’s own HTTP parser.';
  if (parts.httpVersion !== '1.1') {
    throw new HttpUsageError(
      `client.request(): HTTP/${parts.httpVersion} cannot be sent to a fetch handler (a Request has no version).`,
      instead,
    );
  }
  try {
    const headers: [string, string][] = [];
    for (let i = 0; i < parts.leading.length; i += 2)
      headers.push([parts.leading[i] as string, parts.leading[i + 1] as string]);
    void new NativeRequest(url.href, { method, headers, ...(hasBody ? { body: new Uint8Array(0) } : {}) });
  } catch (error) {
    throw new HttpUsageError(
      `client.request(): ${method} ${url.target} cannot be sent to a fetch handler: ${(error as Error).message}`,
      instead,
      error,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  return typeof value;
}
