import { describe, expectTypeOf, test } from 'vitest';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { token } from '../di/index.ts';
import { CookieJar, inject, type InjectClient, type InjectedWebSocket, type RawResponse } from './index.ts';

declare const client: InjectClient;

describe('fray/http types', () => {
  test('every framework’s app is accepted as it is typed', () => {
    void inject(express());
    void inject(Fastify());
    void inject(new Koa());
    void inject(new Hono());
    void inject((request: Request) => new Response(request.url));
    // @ts-expect-error -- a port is not an app
    void inject(3000);
  });

  test('inject() resolves to an async-disposable client', () => {
    expectTypeOf(inject(express())).toEqualTypeOf<Promise<InjectClient>>();
    expectTypeOf<InjectClient>().toExtend<AsyncDisposable>();
  });

  test('requests return standard Responses; init takes fetch’s options and fray’s shortcuts', () => {
    expectTypeOf(client.fetch('/x')).toEqualTypeOf<Promise<Response>>();
    expectTypeOf(client.fetch(new Request('http://x/'))).toEqualTypeOf<Promise<Response>>();
    void client.post('/users', { json: { name: 'Ada' }, query: { page: 2, tags: ['a'] }, timeout: 1_000 });
    void client.put('/form', { form: { file: new Blob(['x']), name: 'x' }, signal: AbortSignal.timeout(10) });
    // @ts-expect-error -- the verb helpers choose the method
    void client.get('/x', { method: 'POST' });
  });

  test('options', () => {
    const Db = token('Db', () => ({ query: (sql: string) => sql }));
    void inject(express(), {
      baseURL: 'https://api.test',
      headers: { authorization: 'Bearer x' },
      cookies: new CookieJar(),
      timeout: 0,
      lifespan: { startup: () => undefined, shutdown: () => Promise.resolve() },
      overrides: [[Db, { query: (sql: string) => `test ${sql}` }]],
      kind: 'node',
    });
    // @ts-expect-error -- lifespan hooks are functions
    void inject(express(), { lifespan: { startup: 'now' } });
  });

  test('request() takes a raw spec and resolves to a Response with rawHeaders', () => {
    expectTypeOf(client.request({ method: 'TRACE', path: '/' })).toEqualTypeOf<Promise<RawResponse>>();
    expectTypeOf<RawResponse>().toExtend<Response>();
    expectTypeOf<RawResponse['rawHeaders']>().toEqualTypeOf<readonly string[]>();
    void client.request({ path: '/', headers: [['X-A', '1']], body: 'x', httpVersion: '1.0' });
    void client.request({ path: '/', headers: { 'X-A': ['1', '2'] }, body: new Uint8Array(1) });
    // @ts-expect-error -- the path is required
    void client.request({ method: 'GET' });
  });

  test('websocket() resolves to an InjectedWebSocket', () => {
    expectTypeOf(client.websocket('/chat')).toEqualTypeOf<Promise<InjectedWebSocket>>();
    expectTypeOf<InjectedWebSocket['receiveJson']>().returns.toEqualTypeOf<Promise<unknown>>();
  });
});
