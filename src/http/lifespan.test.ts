/**
 * Lifespan: `await using client = await inject(app)` runs the app's start-up (Fastify
 * `ready`, Nest `init`, user hooks) before the first request and its shut-down when the
 * client is disposed.
 */
import http from 'node:http';
import Fastify from 'fastify';
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { lifecycle, nestExpressApp } from './fixtures/nest-app.ts';
import { inject } from './index.ts';

describe('lifespan', () => {
  test('Fastify: plugins and onReady run before the first request, onClose on dispose', async () => {
    // Arrange
    const events: string[] = [];
    const app = Fastify();
    void app.register((instance, _options, done) => {
      events.push('plugin loaded');
      instance.get('/ping', () => 'pong');
      done();
    });
    app.addHook('onReady', (done) => {
      events.push('onReady');
      done();
    });
    app.addHook('onClose', (_instance, done) => {
      events.push('onClose');
      done();
    });

    // Act
    {
      await using client = await inject(app, {
        lifespan: {
          startup: () => events.push('user startup'),
          shutdown: () => events.push('user shutdown'),
        },
      });
      events.push(`request ${await (await client.get('/ping')).text()}`);
    }

    // Assert
    expect(events).toEqual([
      'plugin loaded',
      'onReady',
      'user startup',
      'request pong',
      'user shutdown',
      'onClose',
    ]);
  });

  test('NestJS: init hooks before the first request, shutdown hooks on dispose', async () => {
    lifecycle.length = 0;
    const app = await nestExpressApp();

    {
      await using client = await inject(app);
      lifecycle.push(`request ${(await client.get('/greet/x')).status}`);
    }

    expect(lifecycle).toEqual([
      'onModuleInit',
      'onApplicationBootstrap',
      'request 200',
      'onModuleDestroy',
      'onApplicationShutdown',
    ]);
  });

  test('lifespan: false readies the app but never shuts it down', async () => {
    const app = Fastify();
    let closed = false;
    app.addHook('onClose', (_instance, done) => {
      closed = true;
      done();
    });
    app.get('/', () => 'ok');

    {
      await using client = await inject(app, { lifespan: false });
      expect(await (await client.get('/')).text()).toBe('ok');
    }

    expect(closed).toBe(false);
    await app.close();
    expect(closed).toBe(true);
  });

  test('a failing start-up rejects inject() with FRAY_HTTP_LIFESPAN and the cause', async () => {
    const app = Fastify();
    void app.register(() => Promise.reject(new Error('database unreachable')));

    const error = await inject(app).catch((failure: unknown) => failure);

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_LIFESPAN');
    expect((error as Error).message).toContain('a Fastify instance: start-up failed');
    expect(String((error as Error).cause)).toContain('database unreachable');
  });

  test('a failing shut-down rejects close() with FRAY_HTTP_LIFESPAN', async () => {
    const server = http.createServer((_req, res) => res.end());
    const client = await inject(server, {
      lifespan: {
        shutdown: () => {
          throw new Error('flush failed');
        },
      },
    });

    const error = await client.close().catch((failure: unknown) => failure);

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_LIFESPAN');
    expect((error as { phase: string }).phase).toBe('shutdown');
    expect((error as Error).cause).toEqual(new Error('flush failed'));
  });

  test('close() is idempotent', async () => {
    let shutdowns = 0;
    const client = await inject(() => new Response('ok'), { lifespan: { shutdown: () => shutdowns++ } });

    await Promise.all([client.close(), client.close()]);
    await client.close();

    expect(shutdowns).toBe(1);
  });
});
