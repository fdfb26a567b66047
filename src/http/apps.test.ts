/**
 * Every kind of app `inject()` accepts, each with the real framework, and what it refuses.
 */
import http from 'node:http';
import connect from 'connect';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { nestExpressApp, nestFastifyApp } from './fixtures/nest-app.ts';
import { inject } from './index.ts';

async function text(response: Response): Promise<string> {
  return response.text();
}

describe('inject() drives', () => {
  test('a node (req, res) listener', async () => {
    // Arrange
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url}`);
    };
    await using client = await inject(listener);

    // Act
    const response = await client.get('/hello?x=1');

    // Assert
    expect(client.app.kind).toBe('node-listener');
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.url).toBe('http://localhost/hello?x=1');
    expect(await text(response)).toBe('GET /hello?x=1');
  });

  test('an Express 5 app, with its request and response helpers', async () => {
    const app = express();
    app.use(express.json());
    app.post('/users/:id', (req, res) => {
      res.status(201).json({ id: req.params.id, body: req.body as unknown, ip: req.ip, secure: req.secure });
    });
    await using client = await inject(app);

    const response = await client.post('/users/7', { json: { name: 'Ada' } });

    expect(client.app.kind).toBe('express');
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: '7', body: { name: 'Ada' }, ip: '127.0.0.1', secure: false });
  });

  test('a Connect app', async () => {
    const app = connect();
    app.use('/ping', (_req: http.IncomingMessage, res: http.ServerResponse) => res.end('pong'));
    await using client = await inject(app);

    const response = await client.get('/ping');

    expect(client.app.kind).toBe('connect');
    expect(await text(response)).toBe('pong');
  });

  test('a Koa 3 app, and its callback()', async () => {
    const app = new Koa();
    app.use((ctx) => {
      ctx.status = 202;
      ctx.body = { path: ctx.path, secure: ctx.secure };
    });
    await using asApp = await inject(app, { baseURL: 'https://api.test' });
    await using asCallback = await inject(app.callback());

    const fromApp = await asApp.get('/a');
    const fromCallback = await asCallback.get('/b');

    expect(asApp.app.kind).toBe('koa');
    expect(asCallback.app.kind).toBe('node-listener');
    expect(fromApp.status).toBe(202);
    expect(await fromApp.json()).toEqual({ path: '/a', secure: true });
    expect(await fromCallback.json()).toEqual({ path: '/b', secure: false });
  });

  test('a Fastify 5 instance, readied by inject()', async () => {
    const app = Fastify();
    app.get('/items/:id', (request) => Promise.resolve({ id: (request.params as { id: string }).id }));
    await using client = await inject(app);

    const response = await client.get('/items/3');

    expect(client.app.kind).toBe('fastify');
    expect(await response.json()).toEqual({ id: '3' });
    // Fastify advertises its own keep-alive timeout (72 s), as on a real server.
    expect(response.headers.get('keep-alive')).toBe('timeout=72');
  });

  test('a Hono 4 app (any object with .fetch)', async () => {
    const app = new Hono();
    app.get('/hi/:name', (c) => c.json({ hi: c.req.param('name'), ua: c.req.header('user-agent') }));
    await using client = await inject(app);

    const response = await client.get('/hi/ada');

    expect(client.app.kind).toBe('fetch-app');
    expect(await response.json()).toEqual({ hi: 'ada', ua: 'node' });
  });

  test('a bare fetch handler (Request) => Response', async () => {
    const handler = async (request: Request): Promise<Response> =>
      new Response(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
    await using client = await inject(handler);

    const response = await client.post('/echo', { body: 'hi' });

    expect(client.app.kind).toBe('fetch-handler');
    expect(await text(response)).toBe('POST /echo hi');
  });

  test('an http.Server (its request listeners, without listening)', async () => {
    const server = http.createServer((req, res) => res.end(`server ${req.url}`));
    await using client = await inject(server);

    const response = await client.get('/s');

    expect(client.app.kind).toBe('http-server');
    expect(server.listening).toBe(false);
    expect(await text(response)).toBe('server /s');
  });

  test('a NestJS application on the Express adapter', async () => {
    const app = await nestExpressApp();
    await using client = await inject(app);

    const got = await client.get('/greet/ada');
    const created = await client.post('/greet', { json: { name: 'Grace' } });

    expect(client.app.kind).toBe('nest');
    expect(client.app.label).toContain('express');
    expect(await got.json()).toEqual({ message: 'hello ada' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: 'Grace' });
  });

  test('a NestJS application on the Fastify adapter', async () => {
    const app = await nestFastifyApp();
    await using client = await inject(app);

    const got = await client.get('/greet/linus');

    expect(client.app.label).toContain('fastify');
    expect(await got.json()).toEqual({ message: 'hello linus' });
  });

  test('a bare function read as asked with { kind }', async () => {
    // `(...args)` declares no parameters: auto-detection would take it for a fetch handler.
    const listener = (...args: unknown[]): void => {
      (args[1] as http.ServerResponse).end('node after all');
    };
    await using client = await inject(listener, { kind: 'node' });

    expect(await text(await client.get('/'))).toBe('node after all');
  });
});

describe('inject() refuses', () => {
  test.each([
    ['a number', 42, 'number 42'],
    ['null', null, 'null'],
    ['a plain object', { port: 3000 }, 'an object (Object)'],
    ['a promise of an app', Promise.resolve(express()), 'a promise'],
  ])('%s with FRAY_HTTP_UNSUPPORTED_APP naming what is accepted', async (_name, app, received) => {
    const failure = await inject(app as object).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isFrayError(failure) && failure.code).toBe('FRAY_HTTP_UNSUPPORTED_APP');
    expect((failure as Error).message).toContain(`cannot drive ${received}`);
    expect((failure as Error).message).toContain('Express');
    expect((failure as Error).message).toContain('Fastify');
    expect((failure as Error).message).toContain('NestJS');
  });

  test('an unknown kind option with FRAY_HTTP_USAGE', async () => {
    const failure = await inject(() => new Response(), { kind: 'grpc' as 'node' }).catch(
      (error: unknown) => error,
    );

    expect(isFrayError(failure) && failure.code).toBe('FRAY_HTTP_USAGE');
  });
});
