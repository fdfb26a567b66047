/**
 * The protocol pieces of fray's wire server: framing across chunk boundaries, the fields it
 * reads, the messages it writes.
 */
import { describe, expect, test } from 'vitest';
import {
  backend,
  bindFields,
  errorFields,
  Framer,
  parseFields,
  queryText,
  readyStatus,
} from './wire-protocol.ts';

function frontend(type: string, ...parts: (string | Buffer)[]): Buffer {
  const body = Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(`${part}\0`) : part)),
  );
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

describe('Framer', () => {
  test('splits messages however the bytes are chunked, keeping partial ones', () => {
    // Arrange
    const stream = Buffer.concat([
      frontend('Q', 'select 1'),
      frontend('P', 'stmt', 'begin', Buffer.from([0, 0])),
      frontend('B', 'portal', 'stmt', Buffer.from([0, 0, 0, 0, 0, 0])),
    ]);
    const framer = new Framer();
    // Act
    const frames = [];
    for (let offset = 0; offset < stream.length; offset += 3) {
      frames.push(...framer.push(stream.subarray(offset, offset + 3)));
    }
    // Assert
    expect(frames.map((frame) => frame.type)).toEqual(['Q', 'P', 'B']);
    expect(queryText(frames[0]!)).toBe('select 1');
    expect(parseFields(frames[1]!)).toEqual({ statement: 'stmt', text: 'begin' });
    expect(bindFields(frames[2]!)).toEqual({ portal: 'portal', statement: 'stmt' });
  });

  test('refuses a length no message can have', () => {
    const framer = new Framer();
    expect(() => framer.push(Buffer.from([0x51, 0, 0, 0, 1]))).toThrow('invalid protocol message length 1');
  });
});

describe('backend messages', () => {
  test('ReadyForQuery carries the status byte fray computed', () => {
    const [frame] = new Framer().push(backend.readyForQuery('E'));
    expect(frame?.type).toBe('Z');
    expect(readyStatus(frame!)).toBe('E');
  });

  test("a server error keeps its SQLSTATE and fields; fray's own errors become 0A000 with their message", () => {
    const server = Object.assign(new Error('duplicate key'), {
      severity: 'ERROR',
      code: '23505',
      constraint: 'users_email_key',
    });
    expect(errorFields(server)).toMatchObject({
      S: 'ERROR',
      C: '23505',
      M: 'duplicate key',
      n: 'users_email_key',
    });
    const own = Object.assign(new Error('LISTEN inside isolated()…'), { code: 'FRAY_DB_UNSUPPORTED' });
    expect(errorFields(own)).toMatchObject({ S: 'ERROR', C: '0A000', M: 'LISTEN inside isolated()…' });
  });
});
