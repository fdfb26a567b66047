/**
 * Streaming: a response body is readable while the handler is still writing (SSE), an
 * unread body pauses the handler (backpressure), and cancelling the body closes the
 * handler's connection.
 */
import type http from 'node:http';
import { once } from 'node:events';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { describe, expect, test } from 'vitest';
import { inject } from './index.ts';

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const decoder = new TextDecoder();

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value, done } = await reader.read();
  return done ? '<done>' : decoder.decode(value);
}

describe('server-sent events', () => {
  test('Express: the first event is read before the server emits the second', async () => {
    // Arrange
    const second = gate();
    let secondEmitted = false;
    const app = express();
    app.get('/events', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: one\n\n');
      await second.promise;
      secondEmitted = true;
      res.write('data: two\n\n');
      res.end();
    });
    await using client = await inject(app);

    // Act
    const response = await client.get('/events');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await readChunk(reader);

    // Assert
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(first).toBe('data: one\n\n');
    expect(secondEmitted).toBe(false);
    second.open();
    expect(await readChunk(reader)).toBe('data: two\n\n');
    expect(await readChunk(reader)).toBe('<done>');
  });

  test('Hono streamSSE: the first event is read before the server emits the second', async () => {
    const second = gate();
    let secondEmitted = false;
    const app = new Hono();
    app.get('/events', (c) =>
      streamSSE(c, async (stream) => {
        await stream.writeSSE({ data: 'one', event: 'tick' });
        await second.promise;
        secondEmitted = true;
        await stream.writeSSE({ data: 'two', event: 'tick' });
      }),
    );
    await using client = await inject(app);

    const response = await client.get('/events');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await readChunk(reader);

    expect(first).toBe('event: tick\ndata: one\n\n');
    expect(secondEmitted).toBe(false);
    second.open();
    expect(await readChunk(reader)).toBe('event: tick\ndata: two\n\n');
  });

  test('Fastify (reply.raw): events arrive one by one', async () => {
    const next = [gate(), gate()];
    const app = Fastify();
    app.get('/events', (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        for (let i = 0; i < 3; i++) {
          reply.raw.write(`data: ${i}\n\n`);
          await next[i]?.promise;
        }
        reply.raw.end();
      })();
    });
    await using client = await inject(app);

    const reader = ((await client.get('/events')).body as ReadableStream<Uint8Array>).getReader();

    expect(await readChunk(reader)).toBe('data: 0\n\n');
    next[0]?.open();
    expect(await readChunk(reader)).toBe('data: 1\n\n');
    next[1]?.open();
    expect(await readChunk(reader)).toBe('data: 2\n\n');
    expect(await readChunk(reader)).toBe('<done>');
  });
});

describe('backpressure and cancellation', () => {
  test('an unread streamed body pauses the handler; reading resumes it', async () => {
    // Arrange: the handler writes 64 KiB chunks and honours write() === false.
    const CHUNK = 64 * 1024;
    const TOTAL = 64;
    let written = 0;
    const paused = gate();
    const app = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      void (async () => {
        while (written < TOTAL) {
          written++;
          if (!res.write(Buffer.alloc(CHUNK, written % 256))) {
            paused.open();
            await once(res, 'drain');
          }
        }
        res.end();
      })();
    };
    await using client = await inject(app);

    // Act
    const response = await client.get('/download');
    await paused.promise;
    const writtenWhilePaused = written;
    const body = new Uint8Array(await response.arrayBuffer());

    // Assert: paused long before the end, then everything arrived.
    expect(writtenWhilePaused).toBeLessThan(TOTAL / 4);
    expect(body.byteLength).toBe(CHUNK * TOTAL);
    expect(body[CHUNK * TOTAL - 1]).toBe(TOTAL % 256);
  });

  test('cancelling the body closes the handler’s connection', async () => {
    const closed = gate();
    const app = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n');
      res.on('close', () => closed.open());
      req.on('close', () => undefined);
    };
    await using client = await inject(app);

    const response = await client.get('/events');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(await readChunk(reader)).toBe('data: hello\n\n');
    await reader.cancel();

    await closed.promise;
    expect(client.pending).toBe(0);
  });
});
