/**
 * In-process WebSockets to servers built on `ws` and `@fastify/websocket`: send, receive,
 * close codes, handshake rejection, and apps that cannot upgrade. No port is opened.
 */
import http from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import express from 'express';
import Fastify from 'fastify';
import { describe, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { isFrayError } from '../errors/index.ts';
import { token, use, type Token } from '../di/index.ts';
import { inject } from './index.ts';

/** An http.Server with a `ws` server on `/chat`: echoes, closes with 4000 on "bye". */
function wsServer(greeting?: Token<string>): { server: http.Server; wss: WebSocketServer } {
  const server = http.createServer((_req, res) => res.end('plain http'));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/chat') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno socket');
      return;
    }
    if (req.headers.authorization !== 'Bearer ok') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 6\r\n\r\nwho?\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req);
      ws.send(greeting === undefined ? `welcome ${url.searchParams.get('room') ?? ''}` : use(greeting));
      ws.on('message', (data, isBinary) => {
        // binaryType is the default 'nodebuffer': every message is one Buffer.
        const text = (data as Buffer).toString();
        if (!isBinary && text === 'bye') {
          ws.close(4000, 'see you');
          return;
        }
        ws.send(isBinary ? data : `echo: ${text}`, { binary: isBinary });
      });
    });
  });
  return { server, wss };
}

describe('client.websocket() with ws on an http.Server', () => {
  test('opens without a port, sends and receives text and binary frames', async () => {
    // Arrange
    const { server } = wsServer();
    await using client = await inject(server, { headers: { authorization: 'Bearer ok' } });

    // Act
    await using ws = await client.websocket('/chat?room=42');
    const welcome = await ws.receiveText();
    await ws.send('hello');
    const echoed = await ws.receive();
    await ws.send(new Uint8Array([1, 2, 3]));
    const binary = await ws.receive();

    // Assert
    expect(server.listening).toBe(false);
    expect(welcome).toBe('welcome 42');
    expect(echoed.data).toBe('echo: hello');
    expect(echoed.binary).toBe(false);
    expect(binary.binary).toBe(true);
    expect([...(binary.data as Uint8Array)]).toEqual([1, 2, 3]);
  });

  test('the server’s close code and reason reach the client', async () => {
    const { server } = wsServer();
    await using client = await inject(server, { headers: { authorization: 'Bearer ok' } });
    const ws = await client.websocket('/chat');
    await ws.receive();

    await ws.send('bye');
    const closed = await ws.closed;
    const afterClose = await ws.receive().catch((error: unknown) => error);

    expect(closed).toEqual({ code: 4000, reason: 'see you' });
    expect(isFrayError(afterClose) && afterClose.code).toBe('FRAY_HTTP_WS_CLOSED');
  });

  test('the client’s close code reaches the server', async () => {
    const { server, wss } = wsServer();
    const seen = new Promise<[number, string]>((resolve) => {
      wss.on('connection', (socket) => socket.on('close', (code, reason) => resolve([code, String(reason)])));
    });
    await using client = await inject(server, { headers: { authorization: 'Bearer ok' } });
    const ws = await client.websocket('/chat');

    const closed = await ws.close(4100, 'done here');

    expect(closed.code).toBe(4100);
    expect(await seen).toEqual([4100, 'done here']);
  });

  test('a rejected handshake fails with FRAY_HTTP_WS_REJECTED, status and body', async () => {
    const { server } = wsServer();
    await using client = await inject(server);

    const error = await client.websocket('/chat').catch((failure: unknown) => failure);

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_WS_REJECTED');
    expect((error as { status: number }).status).toBe(401);
    expect((error as { body: string }).body).toContain('who?');
  });

  test('receive() times out with FRAY_HTTP_WS_TIMEOUT when nothing arrives', async () => {
    const { server } = wsServer();
    await using client = await inject(server, { headers: { authorization: 'Bearer ok' } });
    await using ws = await client.websocket('/chat');
    await ws.receive();

    const error = await ws.receive({ timeout: 10 }).catch((failure: unknown) => failure);

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_WS_TIMEOUT');
  });

  test('messages can be iterated until the socket closes', async () => {
    const { server } = wsServer();
    await using client = await inject(server, { headers: { authorization: 'Bearer ok' } });
    const ws = await client.websocket('/chat?room=it');
    await ws.send('a');
    await ws.send('b');
    await ws.send('bye');

    const texts: string[] = [];
    for await (const message of ws) texts.push(message.text());

    expect(texts).toEqual(['welcome it', 'echo: a', 'echo: b']);
  });

  test('fray/di overrides of the client reach the connection handler', async () => {
    const Greeting = token('Greeting', () => 'production hello');
    const { server } = wsServer(Greeting);
    await using client = await inject(server, {
      headers: { authorization: 'Bearer ok' },
      overrides: [[Greeting, 'test hello']],
    });

    await using ws = await client.websocket('/chat');

    expect(await ws.receiveText()).toBe('test hello');
  });

  test('disposing the client closes its sockets with 1001', async () => {
    const { server, wss } = wsServer();
    const seen = new Promise<number>((resolve) => {
      wss.on('connection', (socket) => socket.on('close', (code) => resolve(code)));
    });
    const client = await inject(server, { headers: { authorization: 'Bearer ok' } });
    const ws = await client.websocket('/chat');

    await client.close();

    expect(await seen).toBe(1001);
    expect(ws.readyState).toBe(3);
  });
});

describe('client.websocket() with @fastify/websocket', () => {
  test('routes the upgrade through Fastify (hooks, params) and talks both ways', async () => {
    const app = Fastify();
    await app.register(fastifyWebsocket);
    const hooks: string[] = [];
    app.addHook('onRequest', async (request) => {
      hooks.push(`onRequest ${request.url}`);
      await Promise.resolve();
    });
    app.get('/rooms/:room', { websocket: true }, (socket, request) => {
      const { room } = request.params as { room: string };
      socket.on('message', (data: Buffer) => socket.send(`${room}: ${data.toString()}`));
    });
    await using client = await inject(app);

    await using ws = await client.websocket('/rooms/lobby');
    await ws.send('hi');

    expect(await ws.receiveText()).toBe('lobby: hi');
    expect(hooks).toEqual(['onRequest /rooms/lobby']);
  });
});

describe('client.websocket() refuses', () => {
  test('an app without an http.Server with FRAY_HTTP_WS_UNSUPPORTED', async () => {
    await using client = await inject(express());

    const error = await client.websocket('/chat').catch((failure: unknown) => failure);

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_WS_UNSUPPORTED');
    expect((error as Error).message).toContain('an Express app');
  });

  test('a server that answers the handshake like any request with FRAY_HTTP_WS_REJECTED', async () => {
    // Without an 'upgrade' listener, Node's server hands the request to 'request'.
    await using client = await inject(http.createServer((_req, res) => res.end('plain')));

    const error = await client.websocket('/chat').catch((failure: unknown) => failure);

    expect(isFrayError(error) && error.code).toBe('FRAY_HTTP_WS_REJECTED');
    expect((error as { status: number }).status).toBe(200);
    expect((error as { body: string }).body).toBe('plain');
  });
});
