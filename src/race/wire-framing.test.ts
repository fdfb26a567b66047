import { describe, expect, it } from 'vitest';
import { framerFor } from './wire-framing.ts';

/** A PostgreSQL backend message: type byte, big-endian length counting itself, payload. */
function pgMessage(type: string, payload = ''): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const resp = (text: string): Buffer => Buffer.from(text.replaceAll('\n', '\r\n'));

describe('framerFor', () => {
  it('knows PostgreSQL, Redis and HTTP from the first write, and nothing else', () => {
    // Act + Assert
    expect(framerFor(pgMessage('Q', 'select 1\0'), 5432)?.protocol).toBe('pg');
    expect(framerFor(resp('*1\n$4\nPING\n'), 6379)?.protocol).toBe('redis');
    expect(framerFor(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n'), 8080)?.protocol).toBe('http');
    expect(framerFor(Buffer.from([0x03, 0x00, 0x00, 0x00, 0x0a]), 3306)).toBeUndefined();
  });
});

describe('PostgreSQL answers', () => {
  it('end with ReadyForQuery, however TCP cut them', () => {
    // Arrange
    const query = pgMessage('Q', 'select 1\0');
    const framer = framerFor(query, 5432);
    framer?.requests(query);
    const answer = Buffer.concat([
      pgMessage('T', 'x'),
      pgMessage('D', 'row'),
      pgMessage('C', 'SELECT 1\0'),
      pgMessage('Z', 'I'),
    ]);
    // Act + Assert: every prefix but the whole is incomplete
    for (let cut = 1; cut < answer.length; cut++)
      expect(framer?.answer(answer.subarray(0, cut), 1)).toBeUndefined();
    expect(framer?.answer(answer, 1)).toBe(answer.length);
  });

  it('count one answer per Sync or simple Query, and cut two answers apart', () => {
    // Arrange — Parse/Bind/Execute/Sync in one write asks for one answer.
    const framer = framerFor(pgMessage('P', 'x'), 5432);
    const extended = Buffer.concat([
      pgMessage('P', 'q'),
      pgMessage('B', 'b'),
      pgMessage('E', 'e'),
      pgMessage('S'),
    ]);
    const first = Buffer.concat([
      pgMessage('1'),
      pgMessage('2'),
      pgMessage('C', 'UPDATE 1\0'),
      pgMessage('Z', 'T'),
    ]);
    const second = Buffer.concat([pgMessage('C', 'COMMIT\0'), pgMessage('Z', 'I')]);
    // Act + Assert
    expect(framer?.requests(extended)).toBe(1);
    expect(framer?.requests(pgMessage('P', 'q'))).toBe(0);
    expect(framer?.answer(Buffer.concat([first, second]), 1)).toBe(first.length);
  });

  it('answer a Flush with one response per message before it, and an error ends it', () => {
    // Arrange — postgres.js: Parse, Describe (statement), Flush; then Bind, Execute, Sync.
    const framer = framerFor(pgMessage('P', 'q'), 5432);
    const prepare = Buffer.concat([pgMessage('P', 'q'), pgMessage('D', 'S'), pgMessage('H')]);
    const described = Buffer.concat([pgMessage('1'), pgMessage('t', 'p'), pgMessage('T', 'r')]);
    const run = Buffer.concat([pgMessage('B', 'b'), pgMessage('E', 'e'), pgMessage('S')]);
    const ran = Buffer.concat([
      pgMessage('2'),
      pgMessage('D', 'row'),
      pgMessage('C', 'SELECT 1\0'),
      pgMessage('Z', 'I'),
    ]);
    // Act + Assert
    expect(framer?.requests(prepare)).toBe(1);
    expect(framer?.answer(described.subarray(0, described.length - 1), 1)).toBeUndefined();
    expect(framer?.answer(described, 1)).toBe(described.length);
    expect(framer?.requests(run)).toBe(1);
    expect(framer?.answer(ran, 1)).toBe(ran.length);
    expect(framer?.requests(prepare)).toBe(1);
    expect(framer?.answer(pgMessage('E', 'syntax error'), 1)).toBe(pgMessage('E', 'syntax error').length);
  });

  it('treat the startup and password messages as opening the connection', () => {
    // Arrange
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8, 0);
    startup.writeInt32BE(196608, 4);
    const framer = framerFor(startup, 5432);
    // Act + Assert
    expect(framer?.handshake?.(startup)).toBe(true);
    expect(framer?.handshake?.(pgMessage('p', 'secret\0'))).toBe(true);
    expect(framer?.handshake?.(pgMessage('Q', 'select 1\0'))).toBe(false);
  });
});

describe('Redis answers', () => {
  it('are as many whole replies as commands were written, pipelined or not', () => {
    // Arrange
    const framer = framerFor(resp('*2\n$3\nGET\n$1\nk\n'), 6379);
    const two = resp('*2\n$3\nGET\n$1\nk\n*3\n$3\nSET\n$1\nk\n$1\nv\n');
    const replies = resp('$3\nabc\n+OK\n');
    // Act + Assert
    expect(framer?.requests(two)).toBe(2);
    expect(framer?.answer(replies.subarray(0, 6), 1)).toBeUndefined();
    expect(framer?.answer(replies, 1)).toBe(resp('$3\nabc\n').length);
    expect(framer?.answer(replies, 2)).toBe(replies.length);
    expect(framer?.answer(resp('*2\n$1\na\n'), 1)).toBeUndefined();
  });

  it('know the commands a client sends when it connects', () => {
    // Arrange
    const framer = framerFor(resp('*1\n$4\nINFO\n'), 6379);
    // Act + Assert
    expect(framer?.handshake?.(resp('*1\n$4\nINFO\n'))).toBe(true);
    expect(framer?.handshake?.(resp('*2\n$5\nHELLO\n$1\n3\n'))).toBe(true);
    expect(framer?.handshake?.(resp('*2\n$3\nGET\n$1\nk\n'))).toBe(false);
  });
});

describe('HTTP/1 answers', () => {
  it('end after content-length bytes, or after the last chunk', () => {
    // Arrange
    const framer = framerFor(Buffer.from('GET / HTTP/1.1\r\n\r\n'), 80);
    framer?.requests(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const sized = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello');
    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    // Act + Assert
    expect(framer?.answer(sized.subarray(0, sized.length - 1), 1)).toBeUndefined();
    expect(framer?.answer(sized, 1)).toBe(sized.length);
    framer?.requests(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(framer?.answer(chunked.subarray(0, chunked.length - 2), 1)).toBeUndefined();
    expect(framer?.answer(chunked, 1)).toBe(chunked.length);
  });

  it('skip an interim 100 Continue, and a HEAD answer has no body', () => {
    // Arrange
    const framer = framerFor(Buffer.from('HEAD / HTTP/1.1\r\n\r\n'), 80);
    framer?.requests(Buffer.from('HEAD / HTTP/1.1\r\n\r\n'));
    const head = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n');
    // Act + Assert
    expect(framer?.answer(head, 1)).toBe(head.length);
  });
});
