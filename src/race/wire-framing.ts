/**
 * When is a reply complete? fray holds the bytes a server sends back to a task's socket and
 * hands them over at a decision, all at once. TCP may cut one answer into several chunks, and
 * differently from run to run: delivering each chunk as it comes would make the number of
 * decisions — and with it every replay — depend on the network. A framer reads the protocol's
 * own message boundaries and says when what has arrived is a whole answer to what was asked.
 *
 * - PostgreSQL (frontend/backend protocol 3): an answer ends with `ReadyForQuery` (`Z`).
 * - Redis (RESP2/RESP3): as many whole replies as commands were written.
 * - HTTP/1.x responses: the head, then `content-length` bytes or the last chunk.
 * - Anything else: `undefined` — the caller falls back to "no more bytes for a whole turn".
 *
 * @module
 */

/** Reads one protocol's boundaries on one connection. */
export interface Framer {
  /** The protocol's short name, for labels (`pg`, `redis`, `http`). */
  readonly protocol: string;
  /** Bytes the client wrote (a request). */
  written(chunk: Buffer): void;
  /** Bytes the server sent so far for the current answer: is it complete? */
  complete(received: readonly Buffer[]): boolean;
  /** The current answer was delivered: start counting the next one. */
  delivered(): void;
}

const RESP_TYPES = new Set('+-:$*%~>_,#(!=|'.split('').map((c) => c.charCodeAt(0)));

function concat(chunks: readonly Buffer[]): Buffer {
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** PostgreSQL: messages are a type byte and a big-endian length that counts itself. */
class PgFramer implements Framer {
  readonly protocol = 'pg';
  /** The client asked for TLS: the answer is one byte, `S` or `N`. */
  #sslAsked = false;

  written(chunk: Buffer): void {
    // SSLRequest: length 8, code 80877103.
    if (chunk.length >= 8 && chunk.readInt32BE(0) === 8 && chunk.readInt32BE(4) === 80877103)
      this.#sslAsked = true;
  }

  complete(received: readonly Buffer[]): boolean {
    const data = concat(received);
    if (this.#sslAsked) return data.length >= 1;
    let at = 0;
    let last = -1;
    while (at + 5 <= data.length) {
      const length = data.readInt32BE(at + 1);
      if (length < 4) return true; // not the protocol after all: do not hold it back
      if (at + 1 + length > data.length) return false;
      last = data[at] ?? -1;
      at += 1 + length;
    }
    return at === data.length && last === 0x5a; // 'Z'
  }

  delivered(): void {
    this.#sslAsked = false;
  }
}

/**
 * The end (exclusive) of the RESP value starting at `at`, or -1 when it is not all there.
 * Aggregates count their elements (maps and attributes two per entry).
 */
function respEnd(data: Buffer, at: number): number {
  const type = data[at];
  if (type === undefined) return -1;
  const eol = data.indexOf('\r\n', at);
  if (eol < 0) return -1;
  const header = data.toString('latin1', at + 1, eol);
  let next = eol + 2;
  switch (String.fromCharCode(type)) {
    case '$':
    case '!':
    case '=': {
      const length = Number(header);
      if (length < 0) return next;
      return next + length + 2 <= data.length ? next + length + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const count = Number(header);
      if (count < 0) return next;
      const elements = type === 0x25 || type === 0x7c ? count * 2 : count; // '%' and '|'
      for (let i = 0; i < elements; i++) {
        next = respEnd(data, next);
        if (next < 0) return -1;
      }
      return next;
    }
    default:
      return next;
  }
}

/** Redis: count the commands written and the whole replies received. */
class RespFramer implements Framer {
  readonly protocol = 'redis';
  #commands = 0;

  written(chunk: Buffer): void {
    // A command is a RESP array of bulk strings; several may be pipelined in one write.
    let at = 0;
    while (at < chunk.length) {
      if (chunk[at] === 0x2a) {
        const end = respEnd(chunk, at);
        if (end < 0) {
          this.#commands++;
          return;
        }
        this.#commands++;
        at = end;
      } else {
        // An inline command: one line.
        const eol = chunk.indexOf('\n', at);
        this.#commands++;
        if (eol < 0) return;
        at = eol + 1;
      }
    }
  }

  complete(received: readonly Buffer[]): boolean {
    const data = concat(received);
    let at = 0;
    let replies = 0;
    while (at < data.length) {
      if (!RESP_TYPES.has(data[at] ?? 0)) return true; // not RESP: do not hold it back
      const end = respEnd(data, at);
      if (end < 0) return false;
      // Pushes (`>`, RESP3 pub/sub messages) are not answers to a command.
      if (data[at] !== 0x3e) replies++;
      at = end;
    }
    return replies >= this.#commands;
  }

  delivered(): void {
    this.#commands = 0;
  }
}

/** HTTP/1.x responses: the head, then a `content-length` body or chunks up to the last one. */
class HttpFramer implements Framer {
  readonly protocol = 'http';
  #head = false;

  written(chunk: Buffer): void {
    if (/^HEAD /.test(chunk.toString('latin1', 0, 5))) this.#head = true;
  }

  complete(received: readonly Buffer[]): boolean {
    const data = concat(received);
    let at = 0;
    for (;;) {
      const headEnd = data.indexOf('\r\n\r\n', at);
      if (headEnd < 0) return false;
      const head = data.toString('latin1', at, headEnd).toLowerCase();
      const status = Number(/^http\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      let end = headEnd + 4;
      if (status >= 100 && status < 200 && status !== 101) {
        at = end; // an interim response: the real one follows
        continue;
      }
      if (this.#head || status === 204 || status === 304 || status === 101) return end <= data.length;
      const length = /\r\ncontent-length:\s*(\d+)/.exec(`\r\n${head}`)?.[1];
      if (length !== undefined) return end + Number(length) <= data.length;
      if (/\r\ntransfer-encoding:[^\r]*chunked/.test(`\r\n${head}`)) {
        for (;;) {
          const eol = data.indexOf('\r\n', end);
          if (eol < 0) return false;
          const size = Number.parseInt(data.toString('latin1', end, eol), 16);
          if (Number.isNaN(size)) return true;
          if (size === 0) return data.indexOf('\r\n\r\n', eol) >= 0 || data.length >= eol + 4;
          end = eol + 2 + size + 2;
          if (end > data.length) return false;
        }
      }
      return false; // a body that ends when the connection closes
    }
  }

  delivered(): void {
    this.#head = false;
  }
}

/**
 * A framer for a connection, chosen by the first bytes the client writes and the server's
 * port; `undefined` when the protocol is not one fray knows.
 *
 * @example
 * ```ts
 * const framer = framerFor(Buffer.from('*1\r\n$4\r\nPING\r\n'), 6379);
 * framer?.written(request);
 * framer?.complete([Buffer.from('+PONG\r\n')]); // true
 * ```
 */
export function framerFor(firstWrite: Buffer, port: number | undefined): Framer | undefined {
  const head = firstWrite.toString('latin1', 0, Math.min(8, firstWrite.length));
  if (
    /^[A-Z]+ \S/.test(firstWrite.toString('latin1', 0, 16)) &&
    /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT) /.test(head)
  )
    return new HttpFramer();
  if (firstWrite[0] === 0x2a || port === 6379) return new RespFramer();
  // PostgreSQL: a startup or SSL request (no type byte), or a typed frontend message.
  if (port === 5432 || (firstWrite.length >= 8 && firstWrite.readInt32BE(0) === firstWrite.length))
    return new PgFramer();
  if (firstWrite.length >= 5 && 'QPBEDSXHFCdcf'.includes(String.fromCharCode(firstWrite[0] ?? 0))) {
    const length = firstWrite.readInt32BE(1);
    if (length >= 4 && length + 1 <= firstWrite.length) return new PgFramer();
  }
  return undefined;
}
