/**
 * The connection-level request headers Node's `fetch` refuses or decides itself, applied to
 * `client.fetch()` so a request fray sends is one real `fetch` could send: `transfer-encoding`,
 * `keep-alive`, `upgrade` and `expect` make the request fail (as undici fails it), `connection`
 * must be a list of tokens (sent as `close` when one is `close`, else `keep-alive`), and
 * `content-length` must be digits. `connection: close` then means what it means to Node's
 * server: it closes the connection after the response. `client.request()` sends what fetch
 * refuses.
 *
 * @module
 */
import type { HeaderList } from './header-list.ts';

const DIGITS = /^\d+$/;
// RFC 9110 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** undici's error for a request it will not send, as the `cause` of fetch's `TypeError`. */
function refused(code: string, name: string, message: string): TypeError {
  const cause = Object.assign(new Error(message), { name, code });
  return new TypeError('fetch failed', { cause });
}

/**
 * Check the connection-level headers of a `fetch` request; returns whether the connection is
 * kept alive (`false` for `connection: close`). Throws fetch's `TypeError` for a header fetch
 * refuses.
 *
 * @example
 * ```ts
 * checkConnectionHeaders(headers); // true, or false for { connection: 'close' }
 * ```
 */
export function checkConnectionHeaders(headers: HeaderList): boolean {
  for (const name of ['transfer-encoding', 'keep-alive', 'upgrade'] as const) {
    if (headers.has(name))
      throw refused('UND_ERR_INVALID_ARG', 'InvalidArgumentError', `invalid ${name} header`);
  }
  if (headers.has('expect'))
    throw refused('UND_ERR_NOT_SUPPORTED', 'NotSupportedError', 'expect header not supported');
  const length = headers.get('content-length');
  if (length !== undefined && !DIGITS.test(length)) {
    throw refused('UND_ERR_INVALID_ARG', 'InvalidArgumentError', 'invalid content-length header');
  }
  const connection = headers.get('connection');
  if (connection === undefined) return true;
  // A list of connection options (RFC 9110 7.6.1); `close` among them closes the connection.
  // The header itself is not sent as written: fetch sends `close` or `keep-alive`.
  let keepAlive = true;
  for (const option of connection.toLowerCase().split(',')) {
    const token = option.trim();
    if (!TOKEN.test(token))
      throw refused('UND_ERR_INVALID_ARG', 'InvalidArgumentError', 'invalid connection header');
    if (token === 'close') keepAlive = false;
  }
  return keepAlive;
}

/**
 * A `content-length` value (digits only: {@link checkConnectionHeaders} refused anything else).
 *
 * @example
 * ```ts
 * parseContentLength('42'); // 42
 * ```
 */
export function parseContentLength(value: string): number {
  return Number(value);
}

/**
 * fetch's error when a body's length differs from the `content-length` the caller set.
 *
 * @example
 * ```ts
 * throw lengthMismatch();
 * ```
 */
export function lengthMismatch(): TypeError {
  return refused(
    'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
    'RequestContentLengthMismatchError',
    'Request body length does not match content-length header',
  );
}
