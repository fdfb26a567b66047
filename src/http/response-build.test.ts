/**
 * The Response fray builds for a node app: a real `Response` whose header list is filled
 * when first needed — and before the methods that read it internally (`blob()` takes its
 * type from it, `formData()` its boundary, `clone()` copies it) — with fetch's `url` and
 * `redirected`, also on a clone; and a header no `Headers` would take fails the request.
 */
import type http from 'node:http';
import express from 'express';
import { describe, expect, test } from 'vitest';
import { inject } from './index.ts';

const app = express();
app.get('/text', (_req, res) => {
  res.set('X-Trace', 'abc').type('text/csv').send('a,b');
});
app.get('/form', (_req, res) => {
  res
    .type('multipart/form-data; boundary=XyZ')
    .send('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n');
});
app.get('/moved', (_req, res) => {
  res.redirect('/text');
});

describe('the Response of a node app', () => {
  test('is a Response; headers are all there when read', async () => {
    await using client = await inject(app);

    const response = await client.get('/text');

    expect(response).toBeInstanceOf(Response);
    expect(response.headers.get('x-trace')).toBe('abc');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe('a,b');
  });

  test('blob() has the content type without headers having been read', async () => {
    await using client = await inject(app);

    const blob = await (await client.get('/text')).blob();

    expect(blob.type).toBe('text/csv;charset=utf-8');
  });

  test('formData() finds the boundary without headers having been read', async () => {
    await using client = await inject(app);

    const form = await (await client.get('/form')).formData();

    expect(form.get('a')).toBe('1');
  });

  test('clone() keeps headers, url and redirected', async () => {
    await using client = await inject(app);

    const response = await client.get('/moved');
    const copy = response.clone();

    expect([copy.url, copy.redirected, copy.headers.get('x-trace')]).toEqual([
      'http://localhost/text',
      true,
      'abc',
    ]);
    expect([response.url, response.redirected]).toEqual(['http://localhost/text', true]);
    expect(await copy.text()).toBe(await response.text());
  });

  test('a header line no Headers would take fails the request, as in fetch', async () => {
    const raw: http.RequestListener = (req, _res) => {
      req.socket.end('HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n');
    };
    await using client = await inject(raw);

    const error = await client.get('/').then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(TypeError);
  });
});

/**
 * A body that arrived whole is read without a stream: every way of reading it must behave as
 * the same bytes in a runtime `Response` do — once only, `bodyUsed`, `body` before or after,
 * `clone()`, a BOM, bad JSON.
 */
describe('a body that arrived whole reads as a Response body does', () => {
  const payloads: Record<string, string> = {
    '/plain': 'hello world',
    '/bom': '\uFEFF{"a":1}',
    '/bad-json': '{"a":',
    '/empty': '',
  };
  const bodies = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(payloads[_req.url ?? ''] ?? 'missing');
  };

  type Step = (response: Response) => unknown;
  const read =
    (method: 'text' | 'json' | 'arrayBuffer' | 'bytes' | 'blob'): Step =>
    async (response) => {
      const value: unknown = await response[method]();
      if (value instanceof ArrayBuffer) return ['ArrayBuffer', [...new Uint8Array(value)]];
      if (value instanceof Uint8Array)
        return [Object.getPrototypeOf(value) === Uint8Array.prototype, [...value]];
      if (value instanceof Blob) return [value.type, await value.text()];
      return value;
    };
  const steps: Record<string, Step> = {
    text: read('text'),
    json: read('json'),
    arrayBuffer: read('arrayBuffer'),
    bytes: read('bytes'),
    blob: read('blob'),
    bodyUsed: (response) => response.bodyUsed,
    bodyState: (response) => [response.body === null, response.body?.locked],
    bodyRead: async (response) => {
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const chunks: number[] = [];
      for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(...next.value);
      reader.releaseLock();
      return chunks;
    },
    cloneText: async (response) => response.clone().text(),
  };
  const sequences = [
    ['text', 'text', 'bodyUsed'],
    ['bodyUsed', 'json', 'bodyUsed', 'bodyState'],
    ['arrayBuffer', 'bytes'],
    ['bytes', 'bodyState', 'bodyUsed'],
    ['blob', 'text'],
    ['bodyState', 'text', 'bodyUsed', 'text'],
    ['bodyRead', 'bodyUsed', 'text'],
    ['cloneText', 'text', 'cloneText'],
    ['text', 'cloneText'],
    ['bodyState', 'cloneText', 'json'],
  ];

  async function outcome(response: Response, sequence: readonly string[]): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const name of sequence) {
      try {
        results.push(await (steps[name] as Step)(response));
      } catch (error) {
        results.push([(error as Error).name, (error as Error).message]);
      }
    }
    return results;
  }

  for (const path of Object.keys(payloads)) {
    for (const sequence of sequences) {
      test(`${path}: ${sequence.join(', ')}`, async () => {
        await using client = await inject(bodies);
        const expected = await outcome(
          new Response(Buffer.from(payloads[path] as string), {
            headers: { 'content-type': 'text/plain; charset=utf-8' },
          }),
          sequence,
        );

        const actual = await outcome(await client.get(path), sequence);

        expect(actual).toEqual(expected);
      });
    }
  }
});
