/**
 * No mutation of the app, of framework prototypes or of globals: an injected app and a real
 * server of the same framework work side by side in one process.
 *
 * The crash scenario from the issue runs in child processes (a crash must be Node's own, not
 * the test runner's): first with light-my-request, to prove the scenario does crash, then
 * with fray.
 */
import { execFile } from 'node:child_process';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { describe, expect, test } from 'vitest';
import { inject } from './index.ts';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/side-by-side.ts', import.meta.url));

async function sideBySide(tool: 'light-my-request' | 'fray') {
  return run(process.execPath, [fixture, tool]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** Every own property descriptor and the prototype of each object, to compare before/after. */
function snapshot(objects: Record<string, object>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, object] of Object.entries(objects)) {
    const descriptors = Object.getOwnPropertyDescriptors(object);
    result[name] = {
      proto: Object.getPrototypeOf(object) as unknown,
      keys: Reflect.ownKeys(object).map(String).sort(),
      values: Object.fromEntries(
        Object.entries(descriptors).map(([key, d]) => [key, d.value ?? d.get ?? d.set] as const),
      ),
    };
  }
  return result;
}

describe('injected app next to a real server of the same framework', () => {
  test('light-my-request: serving Express for real after injecting into Express crashes the process', async () => {
    // Act
    const result = await sideBySide('light-my-request');

    // Assert: the scenario of the issue, reproduced.
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Cannot set properties of undefined (setting 'headers')");
  });

  test('fray: the same scenario serves both apps', async () => {
    const result = await sideBySide('fray');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      injected: { app: 'A' },
      served: { status: 200, body: { app: 'B' } },
    });
  });

  test('in one process, injected and real requests to two Express apps interleave', async () => {
    // Arrange
    const injectedApp = express();
    injectedApp.get('/who', (_req, res) => {
      res.send('injected');
    });
    const servedApp = express();
    servedApp.get('/who', (_req, res) => {
      res.send('served');
    });
    const server = http.createServer(servedApp);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await using client = await inject(injectedApp);

    try {
      // Act
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const response =
            i % 2 === 0 ? await client.get('/who') : await fetch(`http://127.0.0.1:${port}/who`);
          return response.text();
        }),
      );

      // Assert
      expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'injected' : 'served')));
    } finally {
      server.close();
    }
  });

  test('Node’s and the frameworks’ prototypes and the apps themselves are left untouched', async () => {
    // Arrange
    const expressApp = express();
    expressApp.get('/', (_req, res) => {
      res.send('ok');
    });
    const koaApp = new Koa();
    koaApp.use((ctx) => {
      ctx.body = 'ok';
    });
    const fastifyApp = Fastify();
    fastifyApp.get('/', () => 'ok');
    const watched = {
      incomingMessage: IncomingMessage.prototype,
      serverResponse: ServerResponse.prototype,
      expressRequest: Object.getPrototypeOf(expressApp.request) as object,
      expressResponse: Object.getPrototypeOf(expressApp.response) as object,
      expressAppRequest: expressApp.request,
      expressAppResponse: expressApp.response,
      koaRequest: Object.getPrototypeOf(koaApp.request) as object,
      koaResponse: Object.getPrototypeOf(koaApp.response) as object,
      globalThis: globalThis,
    };
    const before = snapshot(watched);
    const expressKeys = Reflect.ownKeys(expressApp);

    // Act
    for (const app of [expressApp, koaApp, fastifyApp]) {
      await using client = await inject(app);
      expect(await (await client.get('/')).text()).toBe('ok');
    }

    // Assert
    expect(snapshot(watched)).toEqual(before);
    expect(Reflect.ownKeys(expressApp)).toEqual(expressKeys);
  });
});
