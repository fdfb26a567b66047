// Requests answered in process: Fastify's inject, supertest over Express, Hono.
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import request from 'supertest';
import { afterAll, beforeAll, expect, test } from 'vitest';

const fastify = Fastify();
fastify.get('/users/:id', async (request) => ({ id: request.params.id }));
const app = express();
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id });
});
const hono = new Hono().get('/users/:id', (c) => c.json({ id: c.req.param('id') }));

beforeAll(() => fastify.ready());
afterAll(() => fastify.close());

for (let i = 0; i < 80; i++) {
  test(`fastify inject #${i}`, async () => {
    const response = await fastify.inject({ url: `/users/${i}` });
    expect(response.json()).toEqual({ id: String(i) });
  });
  test(`supertest into express #${i}`, async () => {
    const response = await request(app).get(`/users/${i}`);
    expect(response.body).toEqual({ id: String(i) });
  });
  test(`hono request #${i}`, async () => {
    const response = await hono.request(`/users/${i}`);
    expect(await response.json()).toEqual({ id: String(i) });
  });
}
