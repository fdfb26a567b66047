/**
 * An incremental HTTP/1.1 response parser for the bytes Node's `ServerResponse` writes to
 * the in-memory socket: status line and header block (informational 1xx responses skipped,
 * as fetch does), then the body framed as the message says — `Content-Length`, chunked
 * transfer coding (with trailers), or until the server closes — and no body at all for HEAD,
 * 204 and 304.
 *
 * @module
 */

/** What the parser reports. */
export interface ParserEvents {
  /**
   * The final response head. `headers` is a flat list: name (as written: compare without
   * case), value, name, value… `bodyless` is true when the message cannot have a body (HEAD, 204, 304).
   */
  head(status: number, statusText: string, headers: string[], bodyless: boolean): void;
  /** A piece of the (de-chunked) body. */
  data(chunk: Buffer): void;
  /** The body is complete. */
  end(): void;
}

const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const DONE = 7;

/**
 * The status code of a status line `HTTP/1.x NNN[ reason]` ending at `end`; throws for anything
 * else (what a regular expression would check, without its match object).
 */
function statusOf(head: string, end: number): number {
  const minor = head.charCodeAt(7);
  const d1 = head.charCodeAt(9) - 48;
  const d2 = head.charCodeAt(10) - 48;
  const d3 = head.charCodeAt(11) - 48;
  if (
    end < 12 ||
    !head.startsWith('HTTP/1.') ||
    (minor !== 48 && minor !== 49) ||
    head.charCodeAt(8) !== 32 ||
    !(d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9) ||
    (end > 12 && head.charCodeAt(12) !== 32)
  ) {
    throw new TypeError(`invalid status line '${head.slice(0, end)}'`);
  }
  return d1 * 100 + d2 * 10 + d3;
}
const LATIN1_ENCODINGS: ReadonlySet<string> = new Set(['latin1', 'binary', 'ascii']);
// RFC 9110 token characters, by char code: a header name is made of them.
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
const BAD_VALUE_CHAR = /\0|\r(?!\n)|(?<!\r)\n/;
const CRLF = Buffer.from('\r\n');

/** Parses one response off the connection. Malformed input throws a `TypeError`. */
export class ResponseParser {
  readonly #events: ParserEvents;
  readonly #headRequest: boolean;
  #state = HEAD;
  #pending: Buffer | undefined = undefined;
  /** Text of a head not complete yet, written as a string in `#pendingEncoding`. */
  #pendingText: string | undefined = undefined;
  #pendingEncoding: BufferEncoding = 'latin1';
  #remaining = 0;

  constructor(method: string, events: ParserEvents) {
    this.#headRequest = method === 'HEAD';
    this.#events = events;
  }

  /** Whether the whole response (head and body) was parsed. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /** Whether the head was parsed. */
  get headParsed(): boolean {
    return this.#state !== HEAD;
  }

  /**
   * Feed what the server wrote: bytes, or a string in `encoding` (a socket that does not
   * decode strings gets Node's header block as text, and is spared a round trip through bytes).
   */
  push(chunk: Buffer | string, encoding: BufferEncoding = 'utf8'): void {
    if (typeof chunk === 'string') {
      if (this.#state === HEAD && this.#pending === undefined) {
        this.#pushHeadText(chunk, encoding);
        return;
      }
      chunk = Buffer.from(chunk, encoding);
    } else if (this.#pendingText !== undefined) {
      this.#pending = Buffer.from(this.#pendingText, this.#pendingEncoding);
      this.#pendingText = undefined;
    }
    let buffer = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    while (buffer.length > 0) {
      switch (this.#state) {
        case HEAD: {
          const end = buffer.indexOf('\r\n\r\n', 0, 'latin1');
          if (end === -1) {
            this.#pending = buffer;
            return;
          }
          const head = buffer.toString('latin1', 0, end);
          buffer = buffer.subarray(end + 4);
          this.#parseHead(head);
          break;
        }
        case LENGTH: {
          const remaining = this.#remaining;
          if (buffer.length <= remaining) {
            // The common case, the whole body in one write: no views to cut.
            this.#remaining = remaining - buffer.length;
            this.#events.data(buffer);
            if (this.#remaining === 0) this.#finish();
            return;
          }
          this.#events.data(buffer.subarray(0, remaining));
          this.#remaining = 0;
          this.#finish();
          buffer = buffer.subarray(remaining);
          break;
        }
        case CHUNK_SIZE: {
          const end = buffer.indexOf(CRLF);
          if (end === -1) {
            this.#pending = buffer;
            return;
          }
          const line = buffer.toString('latin1', 0, end);
          buffer = buffer.subarray(end + 2);
          const extension = line.indexOf(';');
          const size = Number.parseInt(extension === -1 ? line : line.slice(0, extension), 16);
          if (!Number.isFinite(size) || size < 0) throw new TypeError(`invalid chunk size line '${line}'`);
          if (size === 0) {
            this.#state = TRAILERS;
          } else {
            this.#remaining = size;
            this.#state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_DATA: {
          if (buffer.length <= this.#remaining) {
            this.#remaining -= buffer.length;
            this.#events.data(buffer);
            if (this.#remaining === 0) this.#state = CHUNK_DATA_END;
            return;
          }
          this.#events.data(buffer.subarray(0, this.#remaining));
          buffer = buffer.subarray(this.#remaining);
          this.#remaining = 0;
          this.#state = CHUNK_DATA_END;
          break;
        }
        case CHUNK_DATA_END: {
          if (buffer.length < 2) {
            this.#pending = buffer;
            return;
          }
          if (buffer[0] !== 13 || buffer[1] !== 10) throw new TypeError('missing CRLF after a chunk');
          buffer = buffer.subarray(2);
          this.#state = CHUNK_SIZE;
          break;
        }
        case TRAILERS: {
          // Trailer fields end with an empty line; fetch does not expose them.
          const end = buffer.indexOf(CRLF);
          if (end === -1) {
            this.#pending = buffer;
            return;
          }
          buffer = buffer.subarray(end + 2);
          if (end === 0) this.#finish();
          break;
        }
        case UNTIL_CLOSE:
          this.#events.data(buffer);
          return;
        default:
          // Bytes after a complete response (a misbehaving app writing to the socket): dropped,
          // as a client would before reading the next response on a keep-alive connection.
          return;
      }
    }
  }

  /** A string while the head is incomplete: find its end in the text itself. */
  #pushHeadText(chunk: string, encoding: BufferEncoding): void {
    let text = chunk;
    if (this.#pendingText !== undefined) {
      if (this.#pendingEncoding !== encoding) {
        // Two encodings in one head: go through bytes.
        const pending = Buffer.from(this.#pendingText, this.#pendingEncoding);
        this.#pendingText = undefined;
        this.#pending = pending;
        this.push(Buffer.from(chunk, encoding));
        return;
      }
      text = this.#pendingText + chunk;
      this.#pendingText = undefined;
    }
    const end = text.indexOf('\r\n\r\n');
    if (end === -1) {
      this.#pendingText = text;
      this.#pendingEncoding = encoding;
      return;
    }
    let head = text.slice(0, end);
    // The head as the bytes would read in latin1 (Node writes its header block in the body's
    // encoding when it sends both at once: a non-ASCII header value goes out as UTF-8 bytes).
    if (!LATIN1_ENCODINGS.has(encoding) && Buffer.byteLength(head, 'utf8') !== head.length) {
      head = Buffer.from(head, encoding).toString('latin1');
    }
    this.#parseHead(head);
    if (end + 4 < text.length) this.push(Buffer.from(text.slice(end + 4), encoding));
  }

  /**
   * The server closed its side. Ends a body delimited by the close; throws a `TypeError`
   * when the response was cut short.
   */
  close(): void {
    if (this.#state === DONE) return;
    if (this.#state === UNTIL_CLOSE) {
      this.#finish();
      return;
    }
    throw new TypeError(this.#state === HEAD ? 'other side closed' : 'terminated');
  }

  #parseHead(head: string): void {
    // Node's ServerResponse writes `HTTP/1.1 200 OK\r\nName: value\r\n…`: parsed by hand, with
    // the general rules (optional whitespace, any reason phrase) where Node's form differs.
    let firstBreak = head.indexOf('\r\n');
    if (firstBreak === -1) firstBreak = head.length;
    const status = statusOf(head, firstBreak);
    if (status >= 100 && status < 200 && status !== 101) return; // informational: wait for the final head
    const statusText = firstBreak > 13 ? head.slice(13, firstBreak) : '';
    const headers: string[] = [];
    let length: string | undefined;
    let transferEncoding: string | undefined;
    let start = firstBreak + 2;
    while (start < head.length) {
      let end = head.indexOf('\r\n', start);
      if (end === -1) end = head.length;
      const colon = head.indexOf(':', start);
      if (colon <= start || colon >= end)
        throw new TypeError(`invalid header line '${head.slice(start, end)}'`);
      for (let i = start; i < colon; i++) {
        const code = head.charCodeAt(i);
        if (code > 127 || TOKEN_CHARS[code] === 0)
          throw new TypeError(`invalid header name '${head.slice(start, colon)}'`);
      }
      const name = head.slice(start, colon);
      // `Name: value` (one space, nothing to trim at either end) needs no trim().
      const last = head.charCodeAt(end - 1);
      const second = head.charCodeAt(colon + 2);
      const value =
        head.charCodeAt(colon + 1) === 32 &&
        colon + 2 < end &&
        second !== 32 &&
        second !== 9 &&
        last !== 32 &&
        last !== 9
          ? head.slice(colon + 2, end)
          : head.slice(colon + 1, end).trim();
      headers.push(name, value);
      // Only the framing headers matter here: lowercase the names of their length alone (and
      // not Node's own spelling).
      if (name.length === 14 && (name === 'Content-Length' || name.toLowerCase() === 'content-length'))
        length = value;
      else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
      }
      start = end + 2;
    }
    // What a Headers list refuses in a value: NUL, or a CR or LF that does not end a line.
    if (BAD_VALUE_CHAR.test(head)) throw new TypeError('invalid header value (NUL, CR or LF)');
    const bodyless = this.#headRequest || status === 204 || status === 304 || status === 101;
    this.#events.head(status, statusText, headers, bodyless);
    if (bodyless) {
      this.#finish();
    } else if (transferEncoding !== undefined) {
      this.#state = /(?:^|,)\s*chunked\s*$/i.test(transferEncoding) ? CHUNK_SIZE : UNTIL_CLOSE;
    } else if (length !== undefined) {
      const size = Number(length);
      if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`invalid content-length '${length}'`);
      this.#remaining = size;
      if (size === 0) this.#finish();
      else this.#state = LENGTH;
    } else {
      this.#state = UNTIL_CLOSE;
    }
  }

  #finish(): void {
    this.#state = DONE;
    this.#events.end();
  }
}
