/**
 * The few pieces of the PostgreSQL frontend/backend protocol (version 3) fray's wire server
 * needs: splitting a byte stream into messages, reading the fields of the frontend messages
 * it routes (`Query`, `Parse`, `Bind`, `Describe`, `Execute`, `Close`), and writing the
 * backend messages it answers itself (start-up, `CommandComplete`, `ErrorResponse`,
 * `ReadyForQuery`…). Everything else passes through as bytes.
 *
 * @module
 */
import type pg from 'pg';

/** The start-up packet codes (they come instead of a message type byte). */
export const PROTOCOL_3 = 196_608;
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

/** One protocol message: its type byte and the whole frame (type, length, body). */
export interface Frame {
  readonly type: string;
  readonly bytes: Buffer;
}

/**
 * Splits a stream of protocol bytes into whole messages (`type`, `int32 length`, body),
 * keeping a partial message until the rest arrives.
 *
 * @example
 * ```ts
 * const framer = new Framer();
 * for (const frame of framer.push(chunk)) handle(frame);
 * ```
 */
export class Framer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Add bytes; returns the messages now complete, in order. */
  push(chunk: Uint8Array): Frame[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.buffer.length - offset >= 5) {
      const length = this.buffer.readInt32BE(offset + 1);
      if (length < 4) throw new Error(`invalid protocol message length ${length}`);
      const end = offset + 1 + length;
      if (this.buffer.length < end) break;
      frames.push({
        type: String.fromCharCode(this.buffer[offset]!),
        bytes: this.buffer.subarray(offset, end),
      });
      offset = end;
    }
    this.buffer = this.buffer.subarray(offset);
    return frames;
  }
}

/** Reads the fields of one message body. */
class Reader {
  private offset: number;
  private readonly bytes: Buffer;

  constructor(bytes: Buffer, offset: number) {
    this.bytes = bytes;
    this.offset = offset;
  }

  byte(): string {
    return String.fromCharCode(this.bytes[this.offset++] ?? 0);
  }

  cstring(): string {
    const end = this.bytes.indexOf(0, this.offset);
    const stop = end === -1 ? this.bytes.length : end;
    const value = this.bytes.toString('utf8', this.offset, stop);
    this.offset = stop + 1;
    return value;
  }
}

/** The start-up parameters (`user`, `database`, `application_name`…). */
export function startupParameters(packet: Buffer): Map<string, string> {
  const reader = new Reader(packet, 8);
  const parameters = new Map<string, string>();
  for (;;) {
    const key = reader.cstring();
    if (key === '') break;
    parameters.set(key, reader.cstring());
  }
  return parameters;
}

/** `Query`: the SQL text. */
export function queryText(frame: Frame): string {
  return new Reader(frame.bytes, 5).cstring();
}

/** `Parse`: the statement name and its SQL text. */
export function parseFields(frame: Frame): { statement: string; text: string } {
  const reader = new Reader(frame.bytes, 5);
  const statement = reader.cstring();
  return { statement, text: reader.cstring() };
}

/** `Bind`: the portal and the statement it binds. */
export function bindFields(frame: Frame): { portal: string; statement: string } {
  const reader = new Reader(frame.bytes, 5);
  const portal = reader.cstring();
  return { portal, statement: reader.cstring() };
}

/** `Describe` and `Close`: what (`S` statement, `P` portal) and its name. */
export function targetFields(frame: Frame): { what: 'S' | 'P'; name: string } {
  const reader = new Reader(frame.bytes, 5);
  const what = reader.byte() === 'S' ? 'S' : 'P';
  return { what, name: reader.cstring() };
}

/** `Execute`: the portal. */
export function executePortal(frame: Frame): string {
  return new Reader(frame.bytes, 5).cstring();
}

/**
 * The same extended-protocol message with its named statement renamed by `rename` (Parse,
 * Bind, and Describe/Close of a statement); other messages and the unnamed statement
 * unchanged. Connections sharing one session each get their own statement names this way.
 *
 * @example
 * ```ts
 * const bytes = renameStatement(frame, (name) => `c7_${name}`);
 * ```
 */
export function renameStatement(frame: Frame, rename: (name: string) => string): Buffer {
  const body = frame.bytes.subarray(5);
  const cut = (from: number): { name: string; end: number } => {
    const end = body.indexOf(0, from);
    return { name: body.toString('utf8', from, end), end };
  };
  const rebuild = (before: Buffer, name: string, after: Buffer): Buffer =>
    message(frame.type, Buffer.concat([before, cstring(rename(name)), after]));
  switch (frame.type) {
    case 'P': {
      const { name, end } = cut(0);
      return name === '' ? frame.bytes : rebuild(Buffer.alloc(0), name, body.subarray(end + 1));
    }
    case 'B': {
      const portal = cut(0);
      const { name, end } = cut(portal.end + 1);
      return name === ''
        ? frame.bytes
        : rebuild(body.subarray(0, portal.end + 1), name, body.subarray(end + 1));
    }
    case 'D':
    case 'C': {
      if (body[0] !== 0x53) return frame.bytes; // 'P': a portal
      const { name, end } = cut(1);
      return name === '' ? frame.bytes : rebuild(body.subarray(0, 1), name, body.subarray(end + 1));
    }
    default:
      return frame.bytes;
  }
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function cstring(value: string): Buffer {
  return Buffer.concat([Buffer.from(value, 'utf8'), Buffer.from([0])]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value | 0, 0);
  return buffer;
}

/** Frontend messages fray sends the session itself (a script split up, a cycle cut short). */
export const frontend = {
  query: (text: string): Buffer => message('Q', cstring(text)),
  sync: (): Buffer => message('S', Buffer.alloc(0)),
  copyFail: (reason: string): Buffer => message('f', cstring(reason)),
};

/** Backend messages fray writes itself. */
export const backend = {
  authenticationOk: (): Buffer => message('R', int32(0)),
  parameterStatus: (name: string, value: string): Buffer =>
    message('S', Buffer.concat([cstring(name), cstring(value)])),
  backendKeyData: (pid: number, secret: number): Buffer =>
    message('K', Buffer.concat([int32(pid), int32(secret)])),
  readyForQuery: (status: 'I' | 'T' | 'E'): Buffer => message('Z', Buffer.from(status, 'latin1')),
  commandComplete: (tag: string): Buffer => message('C', cstring(tag)),
  parseComplete: (): Buffer => message('1', Buffer.alloc(0)),
  bindComplete: (): Buffer => message('2', Buffer.alloc(0)),
  closeComplete: (): Buffer => message('3', Buffer.alloc(0)),
  noData: (): Buffer => message('n', Buffer.alloc(0)),
  noParameters: (): Buffer => message('t', Buffer.from([0, 0])),
  error: (fields: Readonly<Record<string, string | undefined>>): Buffer => fieldsMessage('E', fields),
  notice: (fields: Readonly<Record<string, string | undefined>>): Buffer => fieldsMessage('N', fields),
};

function fieldsMessage(type: 'E' | 'N', fields: Readonly<Record<string, string | undefined>>): Buffer {
  const parts: Buffer[] = [];
  for (const [code, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    parts.push(Buffer.from(code, 'latin1'), cstring(value));
  }
  parts.push(Buffer.from([0]));
  return message(type, Buffer.concat(parts));
}

/** `pg.DatabaseError` field → protocol field code. */
const ERROR_FIELDS: readonly (readonly [keyof pg.DatabaseError, string])[] = [
  ['code', 'C'],
  ['detail', 'D'],
  ['hint', 'H'],
  ['position', 'P'],
  ['internalPosition', 'p'],
  ['internalQuery', 'q'],
  ['where', 'W'],
  ['schema', 's'],
  ['table', 't'],
  ['column', 'c'],
  ['dataType', 'd'],
  ['constraint', 'n'],
  ['file', 'F'],
  ['line', 'L'],
  ['routine', 'R'],
];

/**
 * The protocol fields of an error: a `pg.DatabaseError` (or notice) field by field; any
 * other error (fray's own, with its `FRAY_…` code and fix) as `feature_not_supported`.
 */
export function errorFields(error: unknown, severity = 'ERROR'): Record<string, string | undefined> {
  const record = error as Partial<pg.DatabaseError> & { code?: unknown };
  const fields: Record<string, string | undefined> = {
    S: typeof record.severity === 'string' ? record.severity : severity,
    V: typeof record.severity === 'string' ? record.severity : severity,
    M: error instanceof Error ? error.message : String(error),
  };
  const isServerError = typeof record.code === 'string' && /^[0-9A-Z]{5}$/.test(record.code);
  if (!isServerError) {
    fields['C'] = '0A000';
    return fields;
  }
  for (const [key, code] of ERROR_FIELDS) {
    const value = record[key];
    if (typeof value === 'string') fields[code] = value;
  }
  return fields;
}

/** The transaction status byte of a `ReadyForQuery` frame. */
export function readyStatus(frame: Frame): 'I' | 'T' | 'E' {
  const status = String.fromCharCode(frame.bytes[5] ?? 73);
  return status === 'T' || status === 'E' ? status : 'I';
}
