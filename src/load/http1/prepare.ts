/**
 * Serialize requests to HTTP/1.1 bytes once, so a declarative load run writes a ready
 * buffer per request.
 *
 * @module
 */
import type { Endpoint, PreparedRequest } from './types.ts';

/** A request to serialize. */
export interface RawRequest {
  readonly method: string;
  /** Path and query, e.g. `/users?page=2`. */
  readonly path: string;
  /** Header pairs; `host` and `content-length` are added when missing. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Serialize `request` for `endpoint`.
 *
 * @example
 * ```ts
 * const prepared = prepareRequest(endpoint, { method: 'GET', path: '/', headers: [], body: undefined });
 * ```
 */
export function prepareRequest(endpoint: Endpoint, request: RawRequest): PreparedRequest {
  const method = request.method.toUpperCase();
  if (!TOKEN.test(method)) throw new TypeError(`invalid HTTP method: ${request.method}`);
  if (!request.path.startsWith('/') || /[\s]/.test(request.path)) {
    throw new TypeError(`invalid request path (must start with / and contain no spaces): ${request.path}`);
  }
  let head = `${method} ${request.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasLength = false;
  for (const [name, value] of request.headers) {
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name: ${name}`);
    if (!HEADER_VALUE.test(value)) throw new TypeError(`invalid value for header ${name}`);
    const lower = name.toLowerCase();
    if (lower === 'host') hasHost = true;
    else if (lower === 'content-length') hasLength = true;
    else if (lower === 'transfer-encoding' || lower === 'connection') continue;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head += `host: ${endpoint.host}\r\n`;
  const body = request.body;
  if (!hasLength && (body !== undefined || method === 'POST' || method === 'PUT' || method === 'PATCH')) {
    head += `content-length: ${body?.byteLength ?? 0}\r\n`;
  }
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return {
    bytes: body === undefined || body.byteLength === 0 ? headBytes : Buffer.concat([headBytes, body]),
    head: method === 'HEAD',
  };
}
