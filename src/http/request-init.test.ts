/**
 * What a request carries into the app: URL resolution against `baseURL`, the verb helpers,
 * `json` / `query` / `form`, default and per-request headers, `Request` objects, method
 * normalization, and fetch's errors for requests it refuses.
 */
import type http from 'node:http';
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { inject } from './index.ts';

interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A node listener that answers with what it received. */
const echo: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('latin1'),
      }),
    );
  });
};

async function received(response: Response): Promise<Echo> {
  return (await response.json()) as Echo;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('URLs', () => {
  test('paths resolve under the base path; absolute URLs are dispatched into the app too', async () => {
    await using client = await inject(echo, { baseURL: 'https://api.test:8443/v1/' });

    const relative = await received(await client.get('/users?page=2'));
    const absolute = await received(await client.get('http://other.test/elsewhere'));
    const dots = await received(await client.get('/a/./b/../c d'));

    expect(relative.url).toBe('/v1/users?page=2');
    expect(relative.headers.host).toBe('api.test:8443');
    expect(absolute.url).toBe('/elsewhere');
    expect(absolute.headers.host).toBe('other.test');
    expect(dots.url).toBe('/v1/a/c%20d');
  });

  test('query is appended: repeated keys for arrays, undefined and null skipped', async () => {
    await using client = await inject(echo);

    const response = await client.get('/search?q=fray', {
      query: { tag: ['a', 'b'], page: 2, draft: false, skip: undefined, none: null },
    });

    expect((await received(response)).url).toBe('/search?q=fray&tag=a&tag=b&page=2&draft=false');
  });

  test('a base URL that is not absolute http(s) is refused with FRAY_HTTP_USAGE', async () => {
    for (const baseURL of ['/relative', 'ftp://files.test', 'http://user:pw@host.test']) {
      const error = await failure(inject(echo, { baseURL }));
      expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_USAGE');
    }
  });
});

describe('verbs and methods', () => {
  test.each(['get', 'post', 'put', 'patch', 'delete', 'options'] as const)('client.%s()', async (verb) => {
    await using client = await inject(echo);

    const response = await client[verb]('/thing');

    expect((await received(response)).method).toBe(verb.toUpperCase());
  });

  test('client.head() has no body, like fetch', async () => {
    await using client = await inject(echo);

    const response = await client.head('/thing');

    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  test('method names are normalized as fetch does (only the standard six are upper-cased)', async () => {
    await using client = await inject(echo);

    const post = await received(await client.fetch('/', { method: 'post' }));
    const patched = await client.fetch('/', { method: 'patch' });

    expect(post.method).toBe('POST');
    // 'patch' is sent as written; Node's parser rejects it before the app, as over TCP.
    expect(patched.status).toBe(400);
  });

  test('forbidden and malformed methods are refused with fetch’s TypeError', async () => {
    await using client = await inject(echo);

    expect(await failure(client.fetch('/', { method: 'CONNECT' }))).toBeInstanceOf(TypeError);
    expect(await failure(client.fetch('/', { method: 'bad method' }))).toBeInstanceOf(TypeError);
  });
});

describe('bodies', () => {
  test('json: serialized, with content-type application/json and content-length', async () => {
    await using client = await inject(echo);

    const body = await received(await client.post('/', { json: { name: 'Ada', tags: ['x'] } }));

    expect(body.body).toBe('{"name":"Ada","tags":["x"]}');
    expect(body.headers['content-type']).toBe('application/json');
    expect(body.headers['content-length']).toBe('27');
  });

  test('json keeps an explicit content-type', async () => {
    await using client = await inject(echo);

    const body = await received(
      await client.put('/', { json: [1], headers: { 'content-type': 'application/vnd.api+json' } }),
    );

    expect(body.headers['content-type']).toBe('application/vnd.api+json');
  });

  test('form: url-encoded; with a Blob: multipart/form-data', async () => {
    await using client = await inject(echo);

    const plain = await received(await client.post('/', { form: { user: 'ada', n: 1, roles: ['a', 'b'] } }));
    const multi = await received(
      await client.post('/', {
        form: { user: 'ada', avatar: new File(['png!'], 'a.png', { type: 'image/png' }) },
      }),
    );

    expect(plain.body).toBe('user=ada&n=1&roles=a&roles=b');
    expect(plain.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(multi.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(multi.body).toContain('filename="a.png"');
    expect(multi.body).toContain('png!');
  });

  test('a streamed body is sent chunked', async () => {
    await using client = await inject(echo);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part one, '));
        controller.enqueue(new TextEncoder().encode('part two'));
        controller.close();
      },
    });

    const body = await received(await client.post('/', { body: stream, duplex: 'half' } as RequestInit));

    expect(body.body).toBe('part one, part two');
    expect(body.headers['transfer-encoding']).toBe('chunked');
    expect(body.headers['content-length']).toBeUndefined();
  });

  test('conflicting or wrong body options are refused', async () => {
    await using client = await inject(echo);

    const both = await failure(client.post('/', { json: 1, body: 'x' }));
    const getBody = await failure(client.fetch('/', { body: 'x' }));
    const plainObject = await failure(client.post('/', { body: { a: 1 } as unknown as BodyInit }));
    const noDuplex = await failure(client.post('/', { body: new ReadableStream() }));

    expect(isFrayError(both) && both.code).toBe('FRAY_HTTP_USAGE');
    expect(getBody).toBeInstanceOf(TypeError);
    expect(isFrayError(plainObject) && plainObject.code).toBe('FRAY_HTTP_USAGE');
    expect((plainObject as Error).message).toContain("fetch would send the text '[object Object]'");
    expect(noDuplex).toBeInstanceOf(TypeError);
  });
});

describe('headers', () => {
  test('defaults of the client, replaced by a request’s own of the same name', async () => {
    await using client = await inject(echo, { headers: { 'x-tenant': 'acme', 'x-trace': 'default' } });

    const body = await received(await client.get('/', { headers: { 'x-trace': 'mine', 'x-extra': '1' } }));

    expect(body.headers).toMatchObject({ 'x-tenant': 'acme', 'x-trace': 'mine', 'x-extra': '1' });
  });

  test('fetch’s own request headers are sent unless turned off', async () => {
    await using withDefaults = await inject(echo);
    await using bare = await inject(echo, { fetchHeaders: false });

    const full = (await received(await withDefaults.get('/'))).headers;
    const minimal = (await received(await bare.get('/'))).headers;

    expect(full).toEqual({
      host: 'localhost',
      connection: 'keep-alive',
      accept: '*/*',
      'accept-language': '*',
      'sec-fetch-mode': 'cors',
      'user-agent': 'node',
      'accept-encoding': 'gzip, deflate',
    });
    expect(minimal).toEqual({ host: 'localhost', connection: 'keep-alive' });
  });

  test('invalid header names and values are refused with fetch’s TypeError', async () => {
    await using client = await inject(echo);

    expect(await failure(client.get('/', { headers: { 'bad name': 'x' } }))).toBeInstanceOf(TypeError);
    expect(await failure(client.get('/', { headers: { ok: 'line\nbreak' } }))).toBeInstanceOf(TypeError);
  });

  test('the client address can be chosen (req.socket.remoteAddress)', async () => {
    const app: http.RequestListener = (req, res) => res.end(req.socket.remoteAddress);
    await using client = await inject(app, { remoteAddress: '203.0.113.9' });

    expect(await (await client.get('/')).text()).toBe('203.0.113.9');
  });
});

describe('Request objects', () => {
  test('a Request is sent with its method, headers and body', async () => {
    await using client = await inject(echo);
    const request = new Request('http://localhost/from-request?x=1', {
      method: 'PUT',
      headers: { 'x-from': 'request' },
      body: 'request body',
    });

    const body = await received(await client.fetch(request));

    expect(body).toMatchObject({ method: 'PUT', url: '/from-request?x=1', body: 'request body' });
    expect(body.headers).toMatchObject({ 'x-from': 'request', 'content-type': 'text/plain;charset=UTF-8' });
  });
});
