/**
 * The `Response` of a raw request (`client.request()`): the answer as the server wrote it —
 * no redirect followed, no `Content-Encoding` decoded, any status kept (`101` as well), the
 * reason phrase as `statusText` — with `rawHeaders`, its header lines as written.
 *
 * @module
 */
import type { RawResponse } from './raw-request.ts';
import { buildResponse, markFetched, NULL_BODY_STATUS } from './response-build.ts';
import type { ParsedResponse } from './socket-exchange.ts';
import { NativeResponse } from './web-globals.ts';

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * The raw response for an answer: a parsed node response, or a fetch handler's `Response`.
 *
 * @example
 * ```ts
 * const response = rawResponse(answer, 'GET', 'http://localhost/');
 * response.rawHeaders; // ['Content-Type', 'text/plain', …]
 * ```
 */
export function rawResponse(answer: ParsedResponse | Response, method: string, url: string): RawResponse {
  if (answer instanceof NativeResponse) {
    const lines: string[] = [];
    for (const [name, value] of answer.headers) lines.push(name, value);
    markFetched(answer, url, false);
    return withRawHeaders(answer, lines);
  }
  const status = answer.status;
  const noBody = method === 'HEAD' || NULL_BODY_STATUS.has(status);
  // A body that arrived whole is read without a stream.
  const bytes = noBody ? undefined : answer.bytes;
  let body = bytes === undefined ? answer.body : null;
  if (body !== null && noBody) {
    void body.cancel().catch(() => undefined);
    body = null;
  }
  const response = buildResponse(
    { status, statusText: answer.statusText, headers: answer.headers, body, bytes },
    url,
    false,
  );
  return withRawHeaders(response, answer.headers);
}

/**
 * The `Set-Cookie` values of an answer whose header names keep their case.
 *
 * @example
 * ```ts
 * rawSetCookies({ status: 200, statusText: 'OK', headers: ['Set-Cookie', 'a=1'], body: null }); // ['a=1']
 * ```
 */
export function rawSetCookies(answer: ParsedResponse | Response): readonly string[] {
  if (answer instanceof NativeResponse) return answer.headers.getSetCookie();
  const list = answer.headers;
  let values: string[] | undefined;
  for (let i = 0; i < list.length; i += 2) {
    if ((list[i] as string).toLowerCase() === 'set-cookie') (values ??= []).push(list[i + 1] as string);
  }
  return values ?? EMPTY;
}

function withRawHeaders(response: Response, lines: readonly string[]): RawResponse {
  Object.defineProperty(response, 'rawHeaders', {
    value: Object.freeze([...lines]),
    enumerable: true,
    configurable: true,
  });
  return response as RawResponse;
}
