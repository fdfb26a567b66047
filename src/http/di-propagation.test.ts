/**
 * fray/di and inject: an override set around a request is seen by `use(token)` inside an
 * Express, Fastify, Koa, Hono and Nest handler (AsyncLocalStorage propagates from
 * `client.fetch()` into the handler); `inject(app, { overrides })` applies to every request
 * of the client; concurrent requests with different overrides never mix.
 */
import { setImmediate as tick } from 'node:timers/promises';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { describe, expect, test } from 'vitest';
import { override, token, use, withOverrides, type Token } from '../di/index.ts';
import { nestExpressApp, nestFastifyApp } from './fixtures/nest-app.ts';
import { inject } from './index.ts';

const Greeting = token('Greeting', () => 'production');
const Tenant = token<string>('Tenant');

/** Each framework's handler for GET /greet, reading `token` after some awaits. */
const frameworks: [string, (greeting: Token<string>) => object | Promise<object>][] = [
  [
    'Express',
    (greeting) => {
      const app = express();
      app.get('/greet', async (_req, res) => {
        await tick();
        res.send(use(greeting));
      });
      return app;
    },
  ],
  [
    'Fastify',
    (greeting) => {
      const app = Fastify();
      app.addHook('preHandler', async () => {
        await tick();
      });
      app.get('/greet', async () => {
        await tick();
        return use(greeting);
      });
      return app;
    },
  ],
  [
    'Koa',
    (greeting) => {
      const app = new Koa();
      app.use(async (ctx) => {
        await tick();
        ctx.body = use(greeting);
      });
      return app;
    },
  ],
  [
    'Hono',
    (greeting) => {
      const app = new Hono();
      app.get('/greet', async (c) => {
        await tick();
        return c.text(use(greeting));
      });
      return app;
    },
  ],
  ['Nest (Express adapter)', (greeting) => nestExpressApp(greeting)],
  ['Nest (Fastify adapter)', (greeting) => nestFastifyApp(greeting)],
];

async function greet(client: { get(path: string): Promise<Response> }): Promise<string> {
  const text = await (await client.get('/greet')).text();
  // Nest answers JSON: { greeting }
  return text.startsWith('{') ? (JSON.parse(text) as { greeting: string }).greeting : text;
}

describe.each(frameworks)('%s handler', (_name, build) => {
  test('sees an override set around the request, and the default outside it', async () => {
    // Arrange
    await using client = await inject(await build(Greeting));

    // Act
    const before = await greet(client);
    let during: string;
    {
      using _ = override(Greeting, 'overridden');
      during = await greet(client);
    }
    const after = await greet(client);

    // Assert
    expect([before, during, after]).toEqual(['production', 'overridden', 'production']);
  });

  test('sees the client’s overrides, under the caller’s own', async () => {
    await using client = await inject(await build(Greeting), { overrides: [[Greeting, 'from client']] });

    const fromClient = await greet(client);
    using _ = override(Greeting, 'from caller');
    const fromCaller = await greet(client);

    expect(fromClient).toBe('from client');
    expect(fromCaller).toBe('from caller');
  });

  test('concurrent requests with different overrides each see their own', async () => {
    await using client = await inject(await build(Tenant));

    const seen = await Promise.all(
      ['acme', 'globex', 'initech', 'umbrella'].map((tenant) =>
        withOverrides([[Tenant, tenant]], () => greet(client)),
      ),
    );

    expect(seen).toEqual(['acme', 'globex', 'initech', 'umbrella']);
  });
});
