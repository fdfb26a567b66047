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
