import { describe, expect, test } from 'vitest';
import { HttpParseError, ResponseParser, type ParsedResponse } from './response-parser.ts';

/** Feed `wire` split at every position, and check each split parses the same. */
function parseSplit(wire: string, head = false): ParsedResponse[] {
  const bytes = Buffer.from(wire, 'latin1');
  const results: ParsedResponse[] = [];
  for (let cut = 0; cut <= bytes.length; cut++) {
    const parser = new ResponseParser();
    parser.expect(head, true);
    const first = parser.feed(bytes.subarray(0, cut));
    const response = first ?? parser.feed(bytes.subarray(cut));
    if (response === undefined) throw new Error(`incomplete at cut ${cut}`);
    results.push(response);
  }
  return results;
}

const bodyOf = (response: ParsedResponse): string => Buffer.concat(response.body).toString('latin1');

describe('ResponseParser', () => {
  test('content-length bodies, split anywhere', () => {
    for (const response of parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello')) {
      expect(response.status).toBe(200);
      expect(response.statusText).toBe('OK');
      expect(bodyOf(response)).toBe('hello');
      expect(response.headers).toContainEqual(['X-A', 'b']);
      expect(response.close).toBe(false);
    }
  });

  test('chunked bodies with extensions and trailers, split anywhere', () => {
    const wire =
      'HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n';
    for (const response of parseSplit(wire)) {
      expect(response.status).toBe(503);
      expect(bodyOf(response)).toBe('Wikipedia');
      expect(response.bodyBytes).toBe(9);
    }
  });

  test('interim 100 Continue is skipped', () => {
    const [response] = parseSplit(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
    );
    expect(response?.status).toBe(201);
    expect(bodyOf(response as ParsedResponse)).toBe('ok');
  });

  test('HEAD, 204 and 304 responses have no body whatever their headers say', () => {
    expect(parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', true)[0]?.bodyBytes).toBe(0);
    expect(parseSplit('HTTP/1.1 204 No Content\r\n\r\n')[0]?.status).toBe(204);
    expect(parseSplit('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')[0]?.bodyBytes).toBe(0);
  });

  test('a body without framing runs to the end of the connection', () => {
    const parser = new ResponseParser();
    parser.expect(false, true);
    expect(parser.feed(Buffer.from('HTTP/1.0 200 OK\r\n\r\npart one, '))).toBeUndefined();
    expect(parser.feed(Buffer.from('part two'))).toBeUndefined();
    const response = parser.end();
    expect(response && bodyOf(response)).toBe('part one, part two');
    expect(response?.close).toBe(true);
  });

  test('connection: close is reported; bytes after a response are kept as leftover', () => {
    const parser = new ResponseParser();
    parser.expect(false, false);
    const response = parser.feed(
      Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\nEXTRA'),
    );
    expect(response?.close).toBe(true);
    expect(response?.headers).toEqual([]);
    expect(parser.takeLeftover()?.toString()).toBe('EXTRA');
  });

  test('garbage and truncated responses are parse errors', () => {
    const parser = new ResponseParser();
    parser.expect(false, false);
    expect(() => parser.feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(HttpParseError);
    const cut = new ResponseParser();
    cut.expect(false, false);
    cut.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(() => cut.end()).toThrow(/before the response was complete/);
  });

  test('keeps nothing of the bytes it is fed: one buffer reused for every read parses correctly', () => {
    // Arrange: a chunked response with a trailing extra response, fed byte-range by byte-range
    // through one buffer that is scribbled over after every feed (as a socket's onread does).
    const wire = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nNEXT',
      'latin1',
    );
    const shared = Buffer.alloc(wire.length);
    const parser = new ResponseParser();
    parser.expect(false, true);
    let response: ParsedResponse | undefined;
    let end = 0;

    // Act
    for (let start = 0; start < wire.length && response === undefined; start += 7) {
      end = Math.min(start + 7, wire.length);
      wire.copy(shared, 0, start, end);
      response = parser.feed(shared.subarray(0, end - start));
      shared.fill(0x23); // '#'
    }

    // Assert
    expect(response?.headers).toContainEqual(['X-A', 'b']);
    expect(response && bodyOf(response)).toBe('hello world');
    // The bytes after the response in the last chunk fed, intact.
    expect(parser.takeLeftover()?.toString('latin1')).toBe('NEXT'.slice(0, end - wire.indexOf('NEXT')));
    expect(end).toBeGreaterThan(wire.indexOf('NEXT'));
  });
});
