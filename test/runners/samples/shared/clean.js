/* global fetch, URL */
// A clean suite's bodies, shared by the Vitest, node:test and Jest samples: Express,
// Fastify, Koa and Hono served for real and in process, PGlite, fray mocks, timers,
// streams and child processes — all used the normal way and closed. fray/leaks must report
// nothing for any of them.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import process from 'node:process';
import { PGlite } from '@electric-sql/pglite';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import request from 'supertest';
import { asyncMock } from 'fray/mock';

const run = promisify(execFile);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function getJson(url) {
  const response = await fetch(url);
  check(response.status === 200, `GET ${url}: ${response.status}`);
  return response.json();
}

function expressApp() {
  const app = express();
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  return app;
}

export async function expressOverHttp() {
  const server = expressApp().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const body = await getJson(`http://127.0.0.1:${server.address().port}/users/7`);
  check(body.id === '7', 'express answered');
  await new Promise((resolve) => server.close(resolve));
}

export async function expressWithSupertest() {
  const response = await request(expressApp()).get('/users/8');
  check(response.body.id === '8', 'supertest answered');
}

function fastifyApp() {
  const app = Fastify();
  app.get('/health', async () => ({ ok: true }));
  return app;
}

export async function fastifyInject() {
  const app = fastifyApp();
  const response = await app.inject({ method: 'GET', url: '/health' });
  check(response.json().ok === true, 'fastify inject answered');
  await app.close();
}

export async function fastifyOverHttp() {
  const app = fastifyApp();
  const address = await app.listen({ port: 0, host: 'localhost' });
  const body = await getJson(`${address}/health`);
  check(body.ok === true, 'fastify answered');
  await app.close();
}

export async function koaOverHttp() {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { koa: true };
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const body = await getJson(`http://127.0.0.1:${server.address().port}/`);
  check(body.koa === true, 'koa answered');
  await new Promise((resolve) => server.close(resolve));
}

function honoApp() {
  const app = new Hono();
  app.get('/hello', (c) => c.json({ hello: 'world' }));
  return app;
}

export async function honoInProcess() {
  const response = await honoApp().request('/hello');
  check((await response.json()).hello === 'world', 'hono answered in process');
}

export async function honoOverHttp() {
  const server = serve({ fetch: honoApp().fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const body = await getJson(`http://127.0.0.1:${server.address().port}/hello`);
  check(body.hello === 'world', 'hono answered');
  await new Promise((resolve) => server.close(resolve));
}

export async function pgliteQueries() {
  const db = new PGlite();
  await db.exec('create table users (id serial primary key, name text not null)');
  await db.query('insert into users (name) values ($1)', ['Ada']);
  const { rows } = await db.query('select name from users');
  check(rows[0].name === 'Ada', 'pglite answered');
  await db.close();
}

export async function awaitedMocks() {
  const save = asyncMock().resolves({ saved: true });
  await save({ id: 1 });
  await Promise.all([save({ id: 2 }), save({ id: 3 })]);
  check(save.awaitCount === 3, 'every call awaited');
}

export async function clearedTimers() {
  const timer = setTimeout(() => {}, 60_000);
  clearTimeout(timer);
  const background = setTimeout(() => {}, 60_000);
  background.unref();
  clearTimeout(background);
  await sleep(1);
}

export async function closedFiles() {
  const handle = await open(new URL(import.meta.url));
  await handle.close();
  const stream = createReadStream(new URL(import.meta.url));
  for await (const chunk of stream) check(chunk.length > 0, 'stream read');
  check((await readFile(new URL(import.meta.url), 'utf8')).includes('closedFiles'), 'file read');
}

export async function finishedChildProcess() {
  const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write("done")']);
  check(stdout === 'done', 'child finished');
}

/** Every clean body: [test name, body, timeout in ms]. PGlite's first start compiles WASM. */
export const cleanTests = [
  ['Express over HTTP', expressOverHttp, 10_000],
  ['Express with supertest', expressWithSupertest, 10_000],
  ['Fastify inject', fastifyInject, 10_000],
  ['Fastify over HTTP', fastifyOverHttp, 10_000],
  ['Koa over HTTP', koaOverHttp, 10_000],
  ['Hono in process', honoInProcess, 10_000],
  ['Hono over HTTP', honoOverHttp, 10_000],
  ['PGlite queries', pgliteQueries, 90_000],
  ['awaited mocks', awaitedMocks, 10_000],
  ['cleared timers', clearedTimers, 10_000],
  ['closed files', closedFiles, 10_000],
  ['a finished child process', finishedChildProcess, 10_000],
];
