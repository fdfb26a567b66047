/**
 * The response parser: framing by content-length, chunked (with extensions and trailers)
 * and connection close, informational responses skipped, bodiless responses, and bytes
 * arriving split at any point.
 */
import { describe, expect, test } from 'vitest';
import { ResponseParser } from './response-parser.ts';

interface Parsed {
  status: number;
  statusText: string;
  headers: string[];
  bodyless: boolean;
  body: string;
  ended: boolean;
}

/** A piece written as text in an encoding (as Node's ServerResponse writes its header block). */
interface Text {
  text: string;
  encoding: BufferEncoding;
}

function parse(method: string, pieces: readonly (string | Text)[], close = false): Parsed {
  const parsed: Parsed = { status: 0, statusText: '', headers: [], bodyless: false, body: '', ended: false };
  const parser = new ResponseParser(method, {
    head(status, statusText, headers, bodyless) {
      Object.assign(parsed, { status, statusText, headers, bodyless });
    },
    data(chunk) {
      parsed.body += chunk.toString('latin1');
    },
    end() {
      parsed.ended = true;
    },
  });
  for (const piece of pieces) {
    if (typeof piece === 'string') parser.push(Buffer.from(piece, 'latin1'));
    else parser.push(piece.text, piece.encoding);
  }
  if (close) parser.close();
  return parsed;
}

/** Every way of cutting `text` in two. */
function splits(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n' +
  '5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n';

describe('ResponseParser', () => {
  test('content-length framing; header names as written, values trimmed', () => {
    const parsed = parse('GET', ['HTTP/1.1 201 Created\r\nX-Id:  7 \r\nContent-Length: 5\r\n\r\nhello']);

    expect(parsed).toEqual({
      status: 201,
      statusText: 'Created',
      headers: ['X-Id', '7', 'Content-Length', '5'],
      bodyless: false,
      body: 'hello',
      ended: true,
    });
  });

  test('chunked framing with extensions and trailers, split at every byte', () => {
    for (const pieces of splits(CHUNKED)) {
      const parsed = parse('GET', pieces);
      expect({ body: parsed.body, ended: parsed.ended }).toEqual({ body: 'hello, world', ended: true });
    }
  });

  test('informational responses are skipped', () => {
    const parsed = parse('POST', [
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ]);

    expect([parsed.status, parsed.headers, parsed.body]).toEqual([200, ['Content-Length', '2'], 'ok']);
  });

  test('HEAD, 204 and 304 have no body whatever their headers say', () => {
    const head = parse('HEAD', ['HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n']);
    const noContent = parse('GET', ['HTTP/1.1 204 No Content\r\n\r\n']);
    const notModified = parse('GET', ['HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n']);

    for (const parsed of [head, noContent, notModified])
      expect([parsed.bodyless, parsed.ended]).toEqual([true, true]);
  });

  test('without framing the body runs until the server closes', () => {
    const parsed = parse('GET', ['HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil ', 'close'], true);

    expect([parsed.body, parsed.ended]).toEqual(['until close', true]);
  });

  test('a close before the end of a framed body, or before the head, is an error', () => {
    expect(() => parse('GET', ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'], true)).toThrow(
      'terminated',
    );
    expect(() => parse('GET', ['HTTP/1.1 200 O'], true)).toThrow('other side closed');
  });

  test('text as Node writes it: header block and body in one string, split anywhere, then bytes', () => {
    const response = 'HTTP/1.1 200 OK\r\nX-Name: Zoë\r\nContent-Length: 7\r\n\r\nhé llo';
    for (const [first, second] of splits(response)) {
      const parsed = parse('GET', [
        { text: first as string, encoding: 'utf8' },
        { text: second as string, encoding: 'utf8' },
      ]);
      // The bytes of a UTF-8 header value read as latin1, as a client reads them off a socket.
      expect(parsed).toMatchObject({ headers: ['X-Name', 'ZoÃ«', 'Content-Length', '7'], ended: true });
      expect(Buffer.from(parsed.body, 'latin1').toString('utf8')).toBe('hé llo');
    }
    const mixed = parse('GET', [
      { text: 'HTTP/1.1 200 OK\r\nContent-Le', encoding: 'latin1' },
      'ngth: 2\r\n\r\nok',
    ]);
    expect([mixed.headers, mixed.body]).toEqual([['Content-Length', '2'], 'ok']);
  });

  test('framing headers are found whatever their case', () => {
    const parsed = parse('GET', ['HTTP/1.1 200 OK\r\ncontent-LENGTH: 2\r\n\r\nokEXTRA']);

    expect([parsed.body, parsed.ended]).toEqual(['ok', true]);
  });

  test('malformed input is rejected', () => {
    expect(() => parse('GET', ['HTTP/2 200\r\n\r\n'])).toThrow(/invalid status line/);
    expect(() => parse('GET', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'])).toThrow(
      /chunk size/,
    );
    expect(() => parse('GET', ['HTTP/1.1 200 OK\r\nno colon\r\n\r\n'])).toThrow(/invalid header line/);
  });
});
