/**
 * Using the client as code outside fray uses it: options refused when misspelt (with the
 * option meant), every method working detached from the client (handed to code that injects
 * a fetch implementation), and a fetch handler that returns something other than a Response
 * told what it returned and what is expected.
 */
import express from 'express';
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { HttpHandlerError, HttpUnknownOptionError, HttpUsageError } from '../errors/index.ts';
import { inject } from './index.ts';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('inject() options', () => {
  test.each([
    ['timout', 'timeout'],
    ['baseUrl', 'baseURL'],
    ['header', 'headers'],
    ['cookie', 'cookies'],
    ['lifeSpan', 'lifespan'],
    ['fetchheader', 'fetchHeaders'],
  ])("'%s' is refused, naming '%s'", async (typo, meant) => {
    // Arrange
    const app = express();

    // Act
    const error = await failure(inject(app, { [typo]: 1 } as never));

    // Assert
    expect(error).toBeInstanceOf(HttpUnknownOptionError);
    expect(error).toMatchObject({ code: 'FRAY_HTTP_UNKNOWN_OPTION', option: typo, suggestion: meant });
    expect((error as Error).message).toContain(`'${typo}' is not an option — did you mean '${meant}'?`);
  });

  test('a key like no option is refused with the list of options', async () => {
    const error = await failure(inject(express(), { colour: 'blue' } as never));

    expect(error).toMatchObject({
      code: 'FRAY_HTTP_UNKNOWN_OPTION',
      option: 'colour',
      suggestion: undefined,
    });
    expect((error as Error).message).toContain('the options are baseURL, headers, cookies, timeout');
  });

  test('options that are not an object are refused', async () => {
    const error = await failure(inject(express(), 4000 as never));

    expect(error).toBeInstanceOf(HttpUsageError);
    expect((error as Error).message).toContain('options must be an object, got number');
  });
});

describe('detached methods', () => {
  test('every method works when called without the client as receiver', async () => {
    // Arrange: code that takes a fetch implementation and calls it as a plain function.
    const app = express();
    app.all('/who', (req, res) => {
      res.send(req.method);
    });
    const client = await inject(app);
    const { fetch, get, post, put, patch, options, head, close } = client;
    const remove = client.delete;
    const dispose = client[Symbol.asyncDispose];
    const withFetch = async (doFetch: typeof globalThis.fetch) => (await doFetch('/who')).text();

    // Act
    const seen = [
      await withFetch(fetch),
      await (await get('/who')).text(),
      await (await post('/who')).text(),
      await (await put('/who')).text(),
      await (await patch('/who')).text(),
      await (await remove('/who')).text(),
      await (await options('/who')).text(),
      (await head('/who')).status,
    ];
    await close();
    await dispose();

    // Assert
    expect(seen).toEqual(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 200]);
    expect(client.closed).toBe(true);
  });
});

describe('a fetch handler that does not return a Response', () => {
  test('returning a function names it and says what is expected', async () => {
    // Arrange: the app passed where its handler was meant (a common slip with factories).
    const app = new Hono();
    app.get('/', (c) => c.text('ok'));
    function makeHandler() {
      return (request: Request) => app.fetch(request);
    }
    await using client = await inject((_request: Request) => makeHandler(), { kind: 'fetch' });

    // Act
    const error = await failure(client.get('/'));

    // Assert
    expect(error).toBeInstanceOf(HttpHandlerError);
    const message = (error as Error).message;
    expect(message).toContain('returned a function (anonymous) instead of a Response');
    expect(message).toContain('must return a Response, or a promise of one');
    expect(message).toContain('call the factory first');
    expect(message).not.toContain('handle the error in the app');
  });

  test('returning undefined points at a missing return', async () => {
    await using client = await inject((_request: Request) => Promise.resolve(undefined), { kind: 'fetch' });

    const error = await failure(client.get('/'));

    expect((error as Error).message).toContain('returned undefined instead of a Response');
    expect((error as Error).message).toContain('missing `return`');
  });
});
