/**
 * A `fetch` request as it goes on the wire: its header lines in the order Node's fetch writes
 * them (for node apps the request's `rawHeaders`; for fetch handlers the caller's own headers
 * and the transport's, kept apart so the `Request` is cheap to build) and its framing.
 *
 * @module
 */
import { lengthMismatch, parseContentLength } from './fetch-refusals.ts';
import type { FlightHost, Prepared } from './flight.ts';
import type { HeaderList } from './header-list.ts';
import type { RequestBody } from './request-body.ts';
import type { WireRequest } from './socket-exchange.ts';
import type { TargetURL } from './target-url.ts';

// undici sends `content-length: 0` for these methods when there is no body.
const EXPECTS_PAYLOAD = new Set(['POST', 'PUT', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH']);
// The headers Node's fetch adds to every request, in the order it writes them.
const FETCH_DEFAULTS: readonly (readonly [string, string])[] = [
  ['accept', '*/*'],
  ['accept-language', '*'],
  ['sec-fetch-mode', 'cors'],
  ['user-agent', 'node'],
  ['accept-encoding', 'gzip, deflate'],
];
const EMPTY: string[] = [];
// Shared by requests with no own headers; never written to.
const EMPTY_OWN: string[] = [];

/**
 * The request's headers as they go on the wire, in the order Node's fetch writes them:
 * `host`, `connection`, the caller's headers, the body's content type, cookies, fetch's
 * defaults, then the framing (`content-length` or `transfer-encoding`). Like fetch, a
 * `host` header of the caller's is not sent (the URL decides it), `connection` is `close`
 * for HEAD and when the caller asked for it, and a `content-length` of the caller's must
 * match a body of known length (a streamed body is then sent with that length).
 *
 * @example
 * ```ts
 * fetchWire(host, prepared, 'GET', url, headers, null, undefined).rawHeaders; // ['host', 'localhost', …]
 * ```
 */
export function fetchWire(
  host: FlightHost,
  prepared: Prepared,
  method: string,
  url: TargetURL,
  headers: HeaderList,
  body: RequestBody | null,
  contentType: string | undefined,
): WireRequest {
  const names = headers.names;
  const values = headers.values;
  let cookie = prepared.credentials && host.jar !== undefined ? host.jar.header(url.href) : undefined;
  // The common request has no own header at all: share one empty list.
  const own: string[] =
    names.length === 0 && contentType === undefined && cookie === undefined ? EMPTY_OWN : [];
  let length: string | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name === 'content-length') {
      length = values[i];
      continue;
    }
    if (name === 'host' || name === 'connection') continue;
    if (name === 'cookie' && cookie !== undefined) {
      own.push(name, mergeCookie(values[i], cookie));
      cookie = undefined;
      continue;
    }
    own.push(name, values[i] as string);
  }
  if (contentType !== undefined && !headers.has('content-type')) own.push('content-type', contentType);
  if (cookie !== undefined) own.push('cookie', cookie);
  const node = host.mode === 'node';
  // undici closes the connection after a HEAD (a misbehaving server may send a body).
  const keepAlive = prepared.keepAlive && method !== 'HEAD';
  let transport: string[];
  let streamLength = -1;
  if (own === EMPTY_OWN && body === null && keepAlive) {
    // The common request — no own header, no body — has the same headers every time.
    transport = host.transportCache(url.host, EXPECTS_PAYLOAD.has(method));
    if (node) {
      // A copy: the app receives it as req.rawHeaders and may change it.
      return {
        method,
        target: url.target,
        pathname: url.pathname,
        href: url.href,
        rawHeaders: transport.slice(),
        ownHeaders: own,
        transportHeaders: EMPTY,
        keepAlive,
        body,
        streamLength,
        httpVersion: undefined,
        chunked: false,
      };
    }
  } else {
    const leading = ['host', url.host, 'connection', keepAlive ? 'keep-alive' : 'close'];
    const trailing: string[] = [];
    if (host.fetchHeaders) {
      for (const [name, value] of FETCH_DEFAULTS) if (!headers.has(name)) trailing.push(name, value);
    }
    if (body === null) {
      if (EXPECTS_PAYLOAD.has(method)) trailing.push('content-length', '0');
    } else if (body.kind === 'bytes') {
      if (length !== undefined && parseContentLength(length) !== body.bytes.byteLength)
        throw lengthMismatch();
      trailing.push('content-length', String(body.bytes.byteLength));
    } else if (length !== undefined) {
      streamLength = parseContentLength(length);
      trailing.push('content-length', String(streamLength));
    } else {
      trailing.push('transfer-encoding', 'chunked');
    }
    if (node) {
      return {
        method,
        target: url.target,
        pathname: url.pathname,
        href: url.href,
        rawHeaders: leading.concat(own, trailing),
        ownHeaders: own,
        transportHeaders: EMPTY,
        keepAlive,
        body,
        streamLength,
        httpVersion: undefined,
        chunked: false,
      };
    }
    transport = leading.concat(trailing);
  }
  return {
    method,
    target: url.target,
    pathname: url.pathname,
    href: url.href,
    rawHeaders: EMPTY,
    ownHeaders: own,
    transportHeaders: transport,
    keepAlive,
    body,
    streamLength,
    httpVersion: undefined,
    chunked: false,
  };
}

/**
 * Transport headers for requests without own headers or body (read-only, shared).
 *
 * @example
 * ```ts
 * transportHeaders('localhost', false, true); // ['host', 'localhost', 'connection', 'keep-alive', 'accept', …]
 * ```
 */
export function transportHeaders(host: string, emptyPayload: boolean, fetchHeaders: boolean): string[] {
  const list = ['host', host, 'connection', 'keep-alive'];
  if (fetchHeaders) for (const [name, value] of FETCH_DEFAULTS) list.push(name, value);
  if (emptyPayload) list.push('content-length', '0');
  return list;
}

/** `cookie` as sent: the caller's own cookie header, then the jar's. */
export function mergeCookie(explicit: string | undefined, fromJar: string): string {
  return explicit === undefined || explicit === '' ? fromJar : `${explicit}; ${fromJar}`;
}
