/**
 * The last steps fetch takes before it hands a response to the caller: decode
 * `Content-Encoding` (gzip, deflate, br, zstd — as undici does), drop the body of HEAD and
 * of null-body statuses, and set `url` and `redirected`. Applied alike to responses parsed
 * from a node app and to the `Response` a fetch handler returned.
 *
 * @module
 */
import { Duplex, Readable, Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { NativeResponse } from './web-globals.ts';

/** Statuses whose response never has a body, per the fetch standard. */
export const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** Statuses fetch follows as redirects. */
export const REDIRECT_STATUS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

const MAX_CODINGS = 5;
const hasZstd = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';

/**
 * Wrap `body` in the decoders its `Content-Encoding` names, like fetch; unknown codings
 * leave the body as is. Throws a `TypeError` for more than five codings.
 */
export function decodeBody(
  body: ReadableStream<Uint8Array>,
  contentEncoding: string | undefined,
): ReadableStream<Uint8Array> {
  if (contentEncoding === undefined || contentEncoding === '') return body;
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CODINGS) {
    throw new TypeError(
      `too many content-encodings in response: ${codings.length}, maximum allowed is ${MAX_CODINGS}`,
    );
  }
  const decoders: Duplex[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] as string).trim();
    if (coding === 'gzip' || coding === 'x-gzip') {
      decoders.push(
        zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      );
    } else if (coding === 'deflate') {
      decoders.push(
        new InflateAuto({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      );
    } else if (coding === 'br') {
      decoders.push(
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        }),
      );
    } else if (coding === 'zstd' && hasZstd) {
      const zstd = zlib as unknown as { createZstdDecompress(options: object): Duplex };
      const constants = zlib.constants as unknown as Record<string, number>;
      decoders.push(
        zstd.createZstdDecompress({
          flush: constants['ZSTD_e_continue'],
          finishFlush: constants['ZSTD_e_end'],
        }),
      );
    } else {
      return body;
    }
  }
  let decoded = body;
  for (const decoder of decoders) {
    decoded = decoded.pipeThrough(Duplex.toWeb(decoder) as ReadableWritablePair<Uint8Array, Uint8Array>);
  }
  return decoded;
}

/** `deflate` as browsers accept it: zlib-wrapped or raw, told apart by the first byte. */
class InflateAuto extends Transform {
  readonly #options: zlib.ZlibOptions;
  #inflate: zlib.Inflate | zlib.InflateRaw | undefined;

  constructor(options: zlib.ZlibOptions) {
    super();
    this.#options = options;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#inflate === undefined) {
      if (chunk.length === 0) {
        callback();
        return;
      }
      const inflate =
        ((chunk[0] as number) & 0x0f) === 0x08
          ? zlib.createInflate(this.#options)
          : zlib.createInflateRaw(this.#options);
      inflate.on('data', (data: Buffer) => this.push(data));
      inflate.on('end', () => this.push(null));
      inflate.on('error', (error) => this.destroy(error));
      this.#inflate = inflate;
    }
    this.#inflate.write(chunk, encoding, callback);
  }

  override _final(callback: TransformCallback): void {
    if (this.#inflate === undefined) {
      callback();
      return;
    }
    this.#inflate.once('end', () => callback());
    this.#inflate.end();
  }
}

/** What the final `Response` is made of. */
export interface ResponseParts {
  readonly status: number;
  readonly statusText: string;
  /** Flat list: name, value, name, value… */
  readonly headers: readonly string[];
  readonly body: ReadableStream<Uint8Array> | null;
  /** The whole body, already received: read without a stream (`body` is then ignored). */
  readonly bytes?: Buffer | undefined;
}

// What undici's body methods use: UTF-8 decoding with replacement (and its own BOM check first).
const utf8 = new TextDecoder();

/** fetch's "UTF-8 decode", as undici runs it for `text()` and `json()`. */
function utf8DecodeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return utf8.decode(body);
}

/** Whether a stream was read from or cancelled (what makes a body unusable). */
function isDisturbed(stream: ReadableStream): boolean {
  return Readable.isDisturbed(stream as unknown as Readable);
}

function unusable(): Promise<never> {
  return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
}

/**
 * The `Response` fray builds for a node app's answer: the runtime's own class (so `instanceof`
 * and brand checks pass) with fetch's `url` and `redirected`, whose header list is filled when
 * first needed — on `headers`, and before `blob()`, `formData()` and `clone()`, the methods
 * that read it internally. Reading a body as text, JSON or bytes needs no header, and
 * validating and appending each header costs more than many handlers.
 *
 * A body that had fully arrived before the response was built (the common case) is kept as
 * bytes: `text()`, `json()`, `arrayBuffer()` and `bytes()` decode them directly, as fetch's
 * "consume body" would once the stream was read to the end, and `body` is a stream of them,
 * made when first read — creating and draining a stream costs more than many handlers. The
 * body mixin's rules hold either way: a body reads once (`bodyUsed`, then "Body is unusable"),
 * `clone()` gives an independent copy.
 */
class FetchedResponse extends NativeResponse {
  #pending: readonly string[] | undefined;
  readonly #url: string;
  readonly #redirected: boolean;
  /** The whole body, while it is read without a stream; `undefined` for a streamed body. */
  #bytes: Buffer | undefined;
  /** The stream made of `#bytes` once `body` was read. */
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined = undefined;
  /** `#bytes` were consumed without a stream. */
  #used = false;

  constructor(parts: ResponseParts, status: number, url: string, redirected: boolean) {
    const bytes = parts.bytes;
    super(bytes === undefined ? parts.body : null, { status, statusText: parts.statusText });
    this.#bytes = bytes;
    this.#pending = parts.headers.length === 0 ? undefined : parts.headers;
    this.#url = url;
    this.#redirected = redirected;
  }

  override get headers(): Headers {
    const headers = super.headers;
    const list = this.#pending;
    if (list !== undefined) {
      this.#pending = undefined;
      for (let i = 0; i < list.length; i += 2) headers.append(list[i] as string, list[i + 1] as string);
    }
    return headers;
  }

  override get url(): string {
    return this.#url;
  }

  override get redirected(): boolean {
    return this.#redirected;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    const bytes = this.#bytes as Uint8Array<ArrayBuffer> | undefined;
    if (bytes === undefined) return super.body;
    let stream = this.#stream;
    if (stream === undefined) {
      stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
      });
      // Already consumed: the stream is what a read body leaves, locked and disturbed.
      if (this.#used) void stream.getReader().read();
      this.#stream = stream;
    }
    return stream;
  }

  override get bodyUsed(): boolean {
    if (this.#bytes === undefined) return super.bodyUsed;
    const stream = this.#stream;
    return stream === undefined ? this.#used : isDisturbed(stream);
  }

  override text(): Promise<string> {
    const bytes = this.#bytes;
    if (bytes === undefined) return super.text();
    if (this.#stream !== undefined) return this.#readStream((response) => response.text());
    if (this.#used) return unusable();
    this.#used = true;
    return Promise.resolve(utf8DecodeBytes(bytes));
  }

  override json(): Promise<any> {
    const bytes = this.#bytes;
    if (bytes === undefined) return super.json();
    if (this.#stream !== undefined) return this.#readStream((response) => response.json());
    if (this.#used) return unusable();
    this.#used = true;
    try {
      return Promise.resolve(JSON.parse(utf8DecodeBytes(bytes)));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- JSON.parse's SyntaxError, which undici rejects with too
      return Promise.reject(error);
    }
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#bytes;
    if (bytes === undefined) return super.arrayBuffer();
    if (this.#stream !== undefined) return this.#readStream((response) => response.arrayBuffer());
    if (this.#used) return unusable();
    this.#used = true;
    return Promise.resolve(new Uint8Array(bytes).buffer);
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = this.#bytes;
    if (bytes === undefined) return super.bytes();
    if (this.#stream !== undefined) return this.#readStream((response) => response.bytes());
    if (this.#used) return unusable();
    this.#used = true;
    return Promise.resolve(new Uint8Array(bytes));
  }

  override blob(): Promise<Blob> {
    void this.headers;
    if (this.#bytes === undefined) return super.blob();
    return this.#readStream((response) => response.blob());
  }

  override formData(): Promise<FormData> {
    void this.headers;
    if (this.#bytes === undefined) return super.formData();
    return this.#readStream((response) => response.formData());
  }

  override clone(): Response {
    void this.headers;
    const bytes = this.#bytes;
    if (bytes === undefined) return markFetched(super.clone(), this.#url, this.#redirected);
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    const stream = this.#stream;
    const status = super.status;
    if (stream === undefined) {
      // A second response over the same bytes: each reads (and copies) them on its own.
      const copy = new FetchedResponse(
        { status, statusText: this.statusText, headers: NO_HEADERS, body: null, bytes },
        status,
        this.#url,
        this.#redirected,
      );
      // Iteration yields every Set-Cookie line on its own and the rest combined: the same list.
      const headers = copy.headers;
      for (const [name, value] of this.headers) headers.append(name, value);
      return copy;
    }
    const [mine, theirs] = stream.tee();
    this.#stream = mine;
    return markFetched(
      new NativeResponse(theirs, { status, statusText: this.statusText, headers: this.headers }),
      this.#url,
      this.#redirected,
    );
  }

  /** Read the body through its stream (made now if it was not), with this response's headers. */
  #readStream<T>(read: (response: Response) => Promise<T>): Promise<T> {
    const stream = this.body as ReadableStream<Uint8Array>;
    if (stream.locked || isDisturbed(stream)) return unusable();
    return read(new NativeResponse(stream, { headers: this.headers }));
  }
}

const NO_HEADERS: readonly string[] = [];

/**
 * A standard `Response` with fetch's `url` and `redirected`. Statuses outside 200–599 (which
 * the `Response` constructor refuses but a server may send) are kept, as fetch keeps them.
 * Headers are appended when first read: the parser has refused a name that is no token and a
 * value with NUL, CR or LF (the request fails then, as fetch fails).
 */
export function buildResponse(parts: ResponseParts, url: string, redirected: boolean): Response {
  const status = parts.status;
  const inRange = status >= 200 && status <= 599;
  const response = new FetchedResponse(parts, inRange ? status : 200, url, redirected);
  if (!inRange) {
    Object.defineProperty(response, 'status', { value: status, enumerable: true, configurable: true });
    Object.defineProperty(response, 'ok', { value: false, enumerable: true, configurable: true });
  }
  return response;
}

/**
 * Returns the object it is given as `this`, so a subclass's fields are defined on an object
 * fray did not create. A class field is defined as an own data property — shadowing
 * `Response.prototype.url`, a getter with no setter, which an assignment could not — and costs
 * what a property store costs, a tenth of `Object.defineProperty`.
 */
class Stamp {
  constructor(target: object) {
    // The point: the subclass's fields land on `target`.
    return target;
  }
}

// The values the next stamp writes (field initializers cannot see constructor arguments).
let stampURL = '';

/** Stamps fetch's `url` on a response. */
class URLStamp extends Stamp {
  url = stampURL;
}

/** Stamps fetch's `url` and `redirected: true` on a response. */
class RedirectedStamp extends Stamp {
  url = stampURL;
  redirected = true;
}

/**
 * Give a response fetch's `url` and `redirected`, as own properties of this instance (a fetch
 * handler's own `Response`; fray's own responses have them as getters).
 *
 * @example
 * ```ts
 * markFetched(await app.fetch(request), 'http://localhost/users', false).url; // 'http://localhost/users'
 * ```
 */
export function markFetched(response: Response, url: string, redirected: boolean): Response {
  stampURL = url;
  if (redirected) new RedirectedStamp(response);
  else new URLStamp(response);
  return response;
}
