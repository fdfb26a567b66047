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
  /**
   * The client wrote `chunk`: how many answers it asks for (pipelined Redis commands, a
   * PostgreSQL Sync or Query, an HTTP request). 0 for the first part of a request whose end
   * comes in a later write.
   */
  requests(chunk: Buffer): number;
  /**
   * Whether `chunk` is part of opening the connection (PostgreSQL's startup, TLS and password
   * messages; Redis' HELLO, AUTH, SELECT, CLIENT, INFO): its answer is not a point where tasks
   * interleave, and a pool that opens a connection in one run and reuses it in the next must
   * not change the schedule. Optional: nothing is a handshake.
   */
  handshake?(chunk: Buffer): boolean;
  /**
   * The length of the complete answer to `count` requests at the start of `data`, or
   * `undefined` while part of it is still on its way. `count` 0: bytes the server sent
   * unasked (a notification, a pub/sub message): the length of the whole messages there.
   */
  answer(data: Buffer, count: number): number | undefined;
}

const RESP_TYPES = new Set('+-:$*%~>_,#(!=|'.split('').map((c) => c.charCodeAt(0)));

/** What a PostgreSQL request waits for: up to ReadyForQuery, or the answers before a Flush. */
type PgGroup =
  | { readonly until: 'ready' }
  | { readonly until: 'ssl' }
  /** A Flush: the responses to the messages before it — a kind per message, in order. */
  | { readonly until: 'flush'; readonly expects: readonly string[] };

/**
 * PostgreSQL (frontend/backend protocol 3): messages are a type byte and a big-endian length
 * that counts itself. A request ends at a Sync or a simple Query — answered up to
 * ReadyForQuery — or at a Flush, answered by one response per message before it (postgres.js
 * prepares a statement that way and waits before it binds).
 */
class PgFramer implements Framer {
  readonly protocol = 'pg';
  /** Requests written and not yet answered, oldest first. */
  readonly #groups: PgGroup[] = [];
  /** Responses expected for extended-protocol messages written since the last Sync or Flush. */
  #pending: string[] = [];

  handshake(chunk: Buffer): boolean {
    if (chunk.length >= 8 && chunk.readInt32BE(0) === chunk.length) return true; // SSL/GSS/startup
    return chunk[0] === 0x70; // 'p': password, SASL initial response and response
  }

  requests(chunk: Buffer): number {
    if (chunk.length >= 8 && chunk.readInt32BE(0) === chunk.length) {
      const code = chunk.readInt32BE(4);
      this.#groups.push(code === 80877103 || code === 80877104 ? { until: 'ssl' } : { until: 'ready' });
      return 1;
    }
    let count = 0;
    let at = 0;
    while (at + 5 <= chunk.length) {
      const type = String.fromCharCode(chunk[at] ?? 0);
      const length = chunk.readInt32BE(at + 1);
      if (length < 4) break;
      switch (type) {
        case 'P':
          this.#pending.push('1');
          break;
        case 'B':
          this.#pending.push('2');
          break;
        case 'C':
          this.#pending.push('3');
          break;
        case 'D':
          // Describe a statement: its parameters, then its row shape; a portal: the row shape.
          if (chunk[at + 5] === 0x53) this.#pending.push('t');
          this.#pending.push('T|n');
          break;
        case 'E':
          this.#pending.push('rows');
          break;
        case 'H':
          this.#groups.push({ until: 'flush', expects: this.#pending });
          this.#pending = [];
          count++;
          break;
        case 'S':
        case 'Q':
        case 'F':
          this.#groups.push({ until: 'ready' });
          this.#pending = [];
          count++;
          break;
        default:
          break;
      }
      at += 1 + length;
    }
    return count;
  }

  answer(data: Buffer, count: number): number | undefined {
    let at = 0;
    let done = 0;
    let group = 0;
    let expected = 0;
    while (count > 0 ? done < count : at < data.length) {
      const current = this.#groups[group];
      if (count > 0 && current === undefined) return undefined;
      if (current?.until === 'ssl') {
        if (at >= data.length) return undefined;
        at += 1;
        done++;
        group++;
        continue;
      }
      if (at + 5 > data.length) return count === 0 && at > 0 ? at : undefined;
      const length = data.readInt32BE(at + 1);
      if (length < 4) return data.length; // not the protocol after all: do not hold it back
      if (at + 1 + length > data.length) return count === 0 && at > 0 ? at : undefined;
      const type = String.fromCharCode(data[at] ?? 0);
      at += 1 + length;
      if (count === 0 || current === undefined) continue;
      if (current.until === 'ready') {
        if (type === 'Z') {
          done++;
          group++;
        }
        continue;
      }
      // A Flush: an error ends its answer (the server skips the rest until the next Sync).
      if (type === 'E') expected = current.expects.length;
      else if (type === 'N' || type === 'S' || type === 'A' || type === 'D')
        continue; // notices, rows
      else expected++;
      if (expected >= current.expects.length) {
        done++;
        group++;
        expected = 0;
      }
    }
    if (count > 0) this.#groups.splice(0, group);
    return at;
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

/** Redis: one reply per command, in order; RESP3 pushes answer nothing. */
class RespFramer implements Framer {
  readonly protocol = 'redis';

  handshake(chunk: Buffer): boolean {
    // `*N\r\n$len\r\nNAME\r\n…`: the first command's name.
    const name = /^\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/.exec(chunk.toString('latin1', 0, 40))?.[1];
    return name !== undefined && /^(hello|auth|select|client|info|readonly)$/i.test(name);
  }

  requests(chunk: Buffer): number {
    // Commands are RESP arrays of bulk strings (or inline lines); several may be pipelined.
    let count = 0;
    let at = 0;
    while (at < chunk.length) {
      count++;
      if (chunk[at] === 0x2a) {
        const end = respEnd(chunk, at);
        if (end < 0) return count;
        at = end;
      } else {
        const eol = chunk.indexOf('\n', at);
        if (eol < 0) return count;
        at = eol + 1;
      }
    }
    return count;
  }

  answer(data: Buffer, count: number): number | undefined {
    let at = 0;
    let replies = 0;
    while (at < data.length && (count === 0 || replies < count)) {
      if (!RESP_TYPES.has(data[at] ?? 0)) return data.length; // not RESP: do not hold it back
      const end = respEnd(data, at);
      if (end < 0) return count === 0 && at > 0 ? at : undefined;
      if (data[at] !== 0x3e) replies++; // '>' pushes are not replies
      at = end;
    }
    return count === 0 || replies >= count ? at : undefined;
  }
}

/** HTTP/1.x responses: the head, then a `content-length` body or chunks up to the last one. */
class HttpFramer implements Framer {
  readonly protocol = 'http';
  readonly #heads: boolean[] = [];

  requests(chunk: Buffer): number {
    const line = chunk.toString('latin1', 0, 16);
    if (!/^[A-Z]+ \S/.test(line)) return 0; // a body, or the rest of a head
    this.#heads.push(line.startsWith('HEAD '));
    return 1;
  }

  answer(data: Buffer, count: number): number | undefined {
    let at = 0;
    for (let answered = 0; answered < Math.max(1, count);) {
      const end = this.#one(data, at, this.#heads[answered] === true);
      if (end === undefined) return undefined;
      at = end.at;
      if (end.final) answered++;
    }
    this.#heads.splice(0, Math.max(1, count));
    return at;
  }

  #one(data: Buffer, at: number, head: boolean): { at: number; final: boolean } | undefined {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return undefined;
    const text = `\r\n${data.toString('latin1', at, headEnd).toLowerCase()}`;
    const status = Number(/^\r\nhttp\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
    const start = headEnd + 4;
    if (status >= 100 && status < 200 && status !== 101) return { at: start, final: false };
    if (head || status === 204 || status === 304 || status === 101) return { at: start, final: true };
    const length = /\r\ncontent-length:\s*(\d+)/.exec(text)?.[1];
    if (length !== undefined)
      return start + Number(length) <= data.length ? { at: start + Number(length), final: true } : undefined;
    if (/\r\ntransfer-encoding:[^\r]*chunked/.test(text)) {
      let end = start;
      for (;;) {
        const eol = data.indexOf('\r\n', end);
        if (eol < 0) return undefined;
        const size = Number.parseInt(data.toString('latin1', end, eol), 16);
        if (Number.isNaN(size)) return { at: data.length, final: true };
        if (size === 0) {
          const trailer = data.indexOf('\r\n\r\n', eol);
          return trailer < 0 ? undefined : { at: trailer + 4, final: true };
        }
        end = eol + 2 + size + 2;
        if (end > data.length) return undefined;
      }
    }
    return undefined; // a body that ends when the connection closes
  }
}

/**
 * A framer for a connection, chosen by the first bytes the client writes and the server's
 * port; `undefined` when the protocol is not one fray knows.
 *
 * @example
 * ```ts
 * const framer = framerFor(Buffer.from('*1\r\n$4\r\nPING\r\n'), 6379);
 * const count = framer?.requests(request); // 1
 * framer?.answer(Buffer.from('+PONG\r\n'), 1); // 7: the whole reply
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
