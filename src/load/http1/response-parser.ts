/**
 * An incremental HTTP/1.1 response parser for the load generator: status line, headers,
 * and a body framed by `content-length`, `transfer-encoding: chunked`, or the end of the
 * connection. It counts body bytes and only keeps them (and the headers) when asked, so
 * the hot path of a declarative load run allocates almost nothing.
 *
 * `feed()` never keeps a reference to the bytes it is given: what it must keep (a partial
 * head, collected body bytes, bytes after the response) is copied, so the caller may read
 * every chunk into one reused buffer.
 *
 * @module
 */

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/** A parsed response. */
export interface ParsedResponse {
  readonly status: number;
  readonly statusText: string;
  /** Header pairs in order (only when collecting). */
  readonly headers: readonly (readonly [string, string])[];
  /** Body chunks (only when collecting). */
  readonly body: readonly Buffer[];
  /** Body bytes received. */
  readonly bodyBytes: number;
  /** The server asked to close the connection (or framing requires it). */
  readonly close: boolean;
}

/** A protocol violation in the response stream. */
export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
  readonly code = 'HPE_INVALID_RESPONSE';
}

type BodyMode = 'none' | 'length' | 'chunked' | 'eof';
type ChunkState = 'size' | 'data' | 'data-crlf' | 'trailers';

/**
 * Parses one response at a time from a byte stream. `feed()` returns the response when it
 * is complete (leftover bytes are kept for the next one); `end()` completes a response
 * whose body runs to the end of the connection.
 *
 * @example
 * ```ts
 * const parser = new ResponseParser();
 * parser.expect(false, true);
 * const response = parser.feed(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'));
 * response?.status; // 204
 * ```
 */
export class ResponseParser {
  #head: Buffer | undefined;
  #inHead = true;
  #mode: BodyMode = 'none';
  #remaining = 0;
  #chunkState: ChunkState = 'size';
  #line = '';
  #collect = false;
  #headRequest = false;
  #status = 0;
  #statusText = '';
  #headers: [string, string][] = [];
  #body: Buffer[] = [];
  #bodyBytes = 0;
  #close = false;
  #leftover: Buffer | undefined;

  /** Prepare for the next response. `head`: the request was HEAD (no body follows). */
  expect(head: boolean, collect: boolean): void {
    this.#headRequest = head;
    this.#collect = collect;
    this.#reset();
  }

  #reset(): void {
    this.#inHead = true;
    this.#head = undefined;
    this.#mode = 'none';
    this.#remaining = 0;
    this.#chunkState = 'size';
    this.#line = '';
    this.#status = 0;
    this.#statusText = '';
    this.#headers = [];
    this.#body = [];
    this.#bodyBytes = 0;
    this.#close = false;
  }

  /** Bytes received after the last complete response (a pipelining server or garbage). */
  takeLeftover(): Buffer | undefined {
    const leftover = this.#leftover;
    this.#leftover = undefined;
    return leftover;
  }

  /**
   * Feed bytes; returns the response once complete. Throws {@link HttpParseError}. The bytes
   * may be overwritten as soon as this returns.
   */
  feed(chunk: Buffer): ParsedResponse | undefined {
    let data = chunk;
    for (;;) {
      if (this.#inHead) {
        const joined = this.#head === undefined ? data : Buffer.concat([this.#head, data]);
        const end = joined.indexOf(CRLF_CRLF);
        if (end === -1) {
          if (joined.length > MAX_HEAD) throw new HttpParseError('response head larger than 64 KiB');
          this.#head = joined === data ? Buffer.from(joined) : joined;
          return undefined;
        }
        this.#head = undefined;
        const interim = this.#parseHead(joined.toString('latin1', 0, end));
        data = joined.subarray(end + 4);
        if (interim) {
          // 1xx informational response: the real one follows.
          continue;
        }
        this.#inHead = false;
        if (this.#mode === 'none') return this.#complete(data);
      }
      const done = this.#consumeBody(data);
      if (done !== undefined) return this.#complete(done);
      return undefined;
    }
  }

  /** The connection ended: completes a read-to-end body, or throws if a response was cut. */
  end(): ParsedResponse | undefined {
    if (!this.#inHead && this.#mode === 'eof') return this.#complete(Buffer.alloc(0));
    if (this.#inHead && this.#head === undefined) return undefined;
    throw new HttpParseError('connection closed before the response was complete');
  }

  #complete(rest: Buffer): ParsedResponse {
    const response: ParsedResponse = {
      status: this.#status,
      statusText: this.#statusText,
      headers: this.#headers,
      body: this.#body,
      bodyBytes: this.#bodyBytes,
      close: this.#close || this.#mode === 'eof',
    };
    this.#leftover = rest.length > 0 ? Buffer.from(rest) : undefined;
    this.#reset();
    return response;
  }

  /** Parse the head; returns true for an interim (1xx) response. */
  #parseHead(head: string): boolean {
    const firstEnd = head.indexOf('\r\n');
    const statusLine = firstEnd === -1 ? head : head.slice(0, firstEnd);
    if (!statusLine.startsWith('HTTP/1.'))
      throw new HttpParseError(`not an HTTP/1.x response: ${statusLine.slice(0, 40)}`);
    const status = Number(statusLine.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 999)
      throw new HttpParseError(`bad status line: ${statusLine}`);
    this.#status = status;
    this.#statusText = statusLine.slice(13);
    const http10 = statusLine.charCodeAt(7) === 48; // 'HTTP/1.0'
    let length: number | undefined;
    let chunked = false;
    let close = http10;
    let position = firstEnd === -1 ? head.length : firstEnd + 2;
    while (position < head.length) {
      let lineEnd = head.indexOf('\r\n', position);
      if (lineEnd === -1) lineEnd = head.length;
      const colon = head.indexOf(':', position);
      if (colon !== -1 && colon < lineEnd) {
        const name = head.slice(position, colon).trim();
        const value = head.slice(colon + 1, lineEnd).trim();
        const lower =
          name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : '';
        if (lower === 'content-length') {
          length = Number(value);
          if (!Number.isInteger(length) || length < 0)
            throw new HttpParseError(`bad content-length: ${value}`);
        } else if (lower === 'transfer-encoding') {
          chunked = value.toLowerCase().endsWith('chunked');
        } else if (lower === 'connection') {
          const token = value.toLowerCase();
          if (token.includes('close')) close = true;
          else if (token.includes('keep-alive')) close = false;
        }
        if (this.#collect) this.#headers.push([name, value]);
      }
      position = lineEnd + 2;
    }
    this.#close = close;
    if (status >= 100 && status < 200 && status !== 101) return true;
    if (this.#headRequest || status === 204 || status === 304 || status === 101) this.#mode = 'none';
    else if (chunked) this.#mode = 'chunked';
    else if (length !== undefined) {
      this.#mode = length === 0 ? 'none' : 'length';
      this.#remaining = length;
    } else this.#mode = 'eof';
    return false;
  }

  #take(bytes: Buffer): void {
    this.#bodyBytes += bytes.length;
    if (this.#collect && bytes.length > 0) this.#body.push(Buffer.from(bytes));
  }

  /** Consume body bytes; returns the bytes after the body when it is complete. */
  #consumeBody(data: Buffer): Buffer | undefined {
    if (this.#mode === 'length') {
      if (data.length < this.#remaining) {
        this.#take(data);
        this.#remaining -= data.length;
        return undefined;
      }
      this.#take(data.subarray(0, this.#remaining));
      const rest = data.subarray(this.#remaining);
      this.#remaining = 0;
      return rest;
    }
    if (this.#mode === 'eof') {
      this.#take(data);
      return undefined;
    }
    // Chunked.
    let i = 0;
    while (i < data.length) {
      switch (this.#chunkState) {
        case 'size':
        case 'trailers': {
          const lf = data.indexOf(10, i);
          if (lf === -1) {
            this.#line += data.toString('latin1', i, data.length);
            if (this.#line.length > 8192) throw new HttpParseError('chunk line too long');
            return undefined;
          }
          const line = (this.#line + data.toString('latin1', i, lf)).replace(/\r$/, '');
          this.#line = '';
          i = lf + 1;
          if (this.#chunkState === 'trailers') {
            if (line === '') return data.subarray(i);
            continue;
          }
          const semicolon = line.indexOf(';');
          const size = Number.parseInt(semicolon === -1 ? line : line.slice(0, semicolon), 16);
          if (!Number.isFinite(size) || size < 0)
            throw new HttpParseError(`bad chunk size: ${line.slice(0, 20)}`);
          if (size === 0) this.#chunkState = 'trailers';
          else {
            this.#remaining = size;
            this.#chunkState = 'data';
          }
          break;
        }
        case 'data': {
          const take = Math.min(this.#remaining, data.length - i);
          this.#take(data.subarray(i, i + take));
          this.#remaining -= take;
          i += take;
          if (this.#remaining === 0) {
            this.#chunkState = 'data-crlf';
            this.#line = '';
          }
          break;
        }
        case 'data-crlf': {
          const lf = data.indexOf(10, i);
          if (lf === -1) return undefined;
          i = lf + 1;
          this.#chunkState = 'size';
          break;
        }
      }
    }
    return undefined;
  }
}
