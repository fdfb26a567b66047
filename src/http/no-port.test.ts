/**
 * "No TCP port": for every accepted kind of app, creating it, injecting requests and closing
 * the client never listens on a socket or opens a connection — checked by watching
 * `net.Server#listen` and `net.Socket#connect`, and the process's active TCP handles.
 *
 * @module
 */
import http from 'node:http';
import net from 'node:net';
import connect from 'connect';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { nestExpressApp, nestFastifyApp } from './fixtures/nest-app.ts';
import { inject } from './index.ts';

const tcpHandles = (): number =>
  process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap')
    .length;

const apps: Record<string, () => unknown> = {
  'node listener': () => (_req: http.IncomingMessage, res: http.ServerResponse) => res.end('ok'),
  'http.Server': () => http.createServer((_req, res) => res.end('ok')),
  'Express 5': () => express().get('/', (_req, res) => void res.send('ok')),
  Connect: () => connect().use((_req: http.IncomingMessage, res: http.ServerResponse) => res.end('ok')),
  'Koa 3': () =>
    new Koa().use((ctx) => {
      ctx.body = 'ok';
    }),
  'Fastify 5': () => Fastify().get('/', () => 'ok'),
  'Hono 4': () => new Hono().get('/', (c) => c.text('ok')),
  'fetch handler': () => () => new Response('ok'),
  'NestJS (Express)': nestExpressApp,
  'NestJS (Fastify)': nestFastifyApp,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('inject() opens no TCP port and no connection', () => {
  test.each(Object.keys(apps))('%s', async (name) => {
    // Arrange: watch every way to listen or connect, from before the app exists.
    const listen = vi.spyOn(net.Server.prototype, 'listen');
    const connectSocket = vi.spyOn(net.Socket.prototype, 'connect');
    const handlesBefore = tcpHandles();
    const app = await (apps[name] as () => unknown)();

    // Act
    let status: number;
    let handlesDuring: number;
    {
      await using client = await inject(app as never);
      const response = await client.get(name.startsWith('NestJS') ? '/greet/ada' : '/');
      status = response.status;
      await response.arrayBuffer();
      handlesDuring = tcpHandles();
    }

    // Assert
    expect(status).toBe(200);
    expect(listen).not.toHaveBeenCalled();
    expect(connectSocket).not.toHaveBeenCalled();
    expect(handlesDuring).toBe(handlesBefore);
  });
});
