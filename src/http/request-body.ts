/**
 * Turning a request's `body` — or fray's `json` / `form` shortcuts — into bytes or a stream,
 * with the `Content-Type` fetch would send for it (`text/plain;charset=UTF-8` for a string,
 * `multipart/form-data; boundary=…` for a `FormData`, encoded by the runtime's own fetch).
 *
 * @module
 */
import { HttpUsageError } from '../errors/index.ts';
import { NativeRequest } from './web-globals.ts';

/** A request body as it goes to the app. */
export type RequestBody =
  /** A body of known length; can be sent again when a 307/308 redirect is followed. */
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  /** A streamed body (sent with `Transfer-Encoding: chunked`); can be read once. */
  | { readonly kind: 'stream'; readonly stream: ReadableStream<Uint8Array> };

/** A body and the content type fetch would give it. */
export interface PreparedBody {
  readonly body: RequestBody | null;
  readonly contentType: string | undefined;
}

/** A value of the `form` option. Any `Blob`/`File` makes the form `multipart/form-data`. */
export type FormValue = string | number | boolean | bigint | Blob;

/** The `form` option: a record (arrays repeat the field), `URLSearchParams` or `FormData`. */
export type FormInit =
  URLSearchParams | FormData | Readonly<Record<string, FormValue | readonly FormValue[] | null | undefined>>;

/** What the body-related options of one request hold. */
export interface BodyOptions {
  readonly body?: BodyInit | null | undefined;
  readonly json?: unknown;
  readonly form?: FormInit | undefined;
  readonly duplex?: string | undefined;
  readonly hasJson: boolean;
}

const NO_BODY: PreparedBody = { body: null, contentType: undefined };
const encoder = new TextEncoder();

/**
 * Prepare the body. Synchronous for strings, bytes, JSON and url-encoded forms; a promise for
 * `Blob`, `FormData` and multipart forms.
 *
 * @example
 * ```ts
 * prepareBody({ json: { a: 1 }, hasJson: true }, 'POST'); // { body: bytes, contentType: 'application/json' }
 * ```
 */
export function prepareBody(options: BodyOptions, method: string): PreparedBody | Promise<PreparedBody> {
  const hasBody = options.body !== undefined && options.body !== null;
  const hasForm = options.form !== undefined;
  const given = Number(hasBody) + Number(options.hasJson) + Number(hasForm);
  if (given === 0) return NO_BODY;
  if (given > 1) {
    throw new HttpUsageError(
      `${method}: give at most one of body, json and form.`,
      'json: value sends JSON, form: {…} sends a form, body: sends anything else as fetch does.',
    );
  }
  if (method === 'GET' || method === 'HEAD') {
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  }
  if (options.hasJson) return jsonBody(options.json, method);
  if (hasForm) return formBody(options.form, method);
  return extractBody(options.body as BodyInit, options.duplex, method);
}

function jsonBody(value: unknown, method: string): PreparedBody {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new HttpUsageError(
      `${method}: json: ${typeof value} cannot be serialized to JSON.`,
      'pass a JSON-serializable value (object, array, string, number, boolean or null).',
    );
  }
  return { body: { kind: 'bytes', bytes: encoder.encode(text) }, contentType: 'application/json' };
}

function formBody(form: FormInit, method: string): PreparedBody | Promise<PreparedBody> {
  if (form instanceof URLSearchParams || form instanceof FormData)
    return extractBody(form, undefined, method);
  if (typeof form !== 'object' || form === null) {
    throw new HttpUsageError(
      `${method}: form must be a record, URLSearchParams or FormData, got ${typeof form}.`,
      "client.post('/login', { form: { user: 'ada', password: 's3cret' } })",
    );
  }
  const entries: [string, string | Blob][] = [];
  let multipart = false;
  for (const key of Object.keys(form)) {
    const value = form[key];
    const items = Array.isArray(value) ? (value as readonly FormValue[]) : [value];
    for (const item of items) {
      if (item === undefined || item === null) continue;
      if (item instanceof Blob) {
        multipart = true;
        entries.push([key, item]);
      } else if (typeof item === 'object') {
        entries.push([key, (item as { toString(): string }).toString()]);
      } else {
        entries.push([key, String(item)]);
      }
    }
  }
  if (!multipart) {
    const params = new URLSearchParams();
    for (const [key, item] of entries) if (typeof item === 'string') params.append(key, item);
    return extractBody(params, undefined, method);
  }
  const data = new FormData();
  for (const [key, item] of entries) {
    data.append(key, item);
  }
  return extractBody(data, undefined, method);
}

/** fetch's "extract a body" for every `BodyInit`. */
function extractBody(
  body: BodyInit,
  duplex: string | undefined,
  method: string,
): PreparedBody | Promise<PreparedBody> {
  if (typeof body === 'string') {
    return { body: { kind: 'bytes', bytes: encoder.encode(body) }, contentType: 'text/plain;charset=UTF-8' };
  }
  if (body instanceof URLSearchParams) {
    return {
      body: { kind: 'bytes', bytes: encoder.encode(body.toString()) },
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    };
  }
  if (
    body instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && body instanceof SharedArrayBuffer)
  ) {
    // fetch copies the bytes: the caller may reuse the buffer once fetch() returned.
    return { body: { kind: 'bytes', bytes: new Uint8Array(body.slice(0)) }, contentType: undefined };
  }
  if (ArrayBuffer.isView(body)) {
    const view = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return { body: { kind: 'bytes', bytes: view.slice() }, contentType: undefined };
  }
  if (body instanceof Blob) {
    return body.arrayBuffer().then((buffer) => ({
      body: { kind: 'bytes', bytes: new Uint8Array(buffer) },
      contentType: body.type === '' ? undefined : body.type,
    }));
  }
  if (body instanceof FormData) return encodeFormData(body);
  if (body instanceof ReadableStream || isAsyncIterable(body)) {
    if (duplex !== 'half') throw new TypeError('RequestInit: duplex option is required when sending a body.');
    const stream =
      body instanceof ReadableStream
        ? (body as ReadableStream<Uint8Array>)
        : (ReadableStream as unknown as { from<T>(source: AsyncIterable<T>): ReadableStream<T> }).from(
            body as AsyncIterable<Uint8Array>,
          );
    if (stream.locked) throw new TypeError('Response body object should not be disturbed or locked');
    return { body: { kind: 'stream', stream }, contentType: undefined };
  }
  if (typeof body === 'object' && body !== null) {
    throw new HttpUsageError(
      `${method}: body is ${Array.isArray(body) ? 'an array' : 'a plain object'}; fetch would send the text '${String(body)}'.`,
      'send JSON with { json: value }, a form with { form: {…} }, or serialize it yourself: { body: JSON.stringify(value) }.',
    );
  }
  // fetch converts any other value to a string.
  return {
    body: { kind: 'bytes', bytes: encoder.encode(String(body)) },
    contentType: 'text/plain;charset=UTF-8',
  };
}

/** Multipart-encode a form exactly as the runtime's fetch does (same boundary format). */
async function encodeFormData(form: FormData): Promise<PreparedBody> {
  const request = new NativeRequest('http://fray.invalid/', { method: 'POST', body: form });
  const bytes = new Uint8Array(await request.arrayBuffer());
  return { body: { kind: 'bytes', bytes }, contentType: request.headers.get('content-type') ?? undefined };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
