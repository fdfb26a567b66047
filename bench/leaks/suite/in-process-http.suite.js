// Requests answered in process: Fastify's inject, fray/http's inject over Express, Hono.
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inject } from '../../../src/http/index.ts';

const fastify = Fastify();
fastify.get('/users/:id', async (request) => ({ id: request.params.id }));
const app = express();
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id });
});
const hono = new Hono().get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
let client;

beforeAll(async () => {
  await fastify.ready();
  client = await inject(app);
});
afterAll(async () => {
  await client.close();
  await fastify.close();
});

for (let i = 0; i < 80; i++) {
  test(`fastify inject #${i}`, async () => {
    const response = await fastify.inject({ url: `/users/${i}` });
    expect(response.json()).toEqual({ id: String(i) });
  });
  test(`fray/http inject into express #${i}`, async () => {
    const response = await client.get(`/users/${i}`);
    expect(await response.json()).toEqual({ id: String(i) });
  });
  test(`hono request #${i}`, async () => {
    const response = await hono.request(`/users/${i}`);
    expect(await response.json()).toEqual({ id: String(i) });
  });
}
