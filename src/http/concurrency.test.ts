/**
 * 1,000 concurrent requests through one client complete with correct, unmixed responses —
 * for a node framework (Express), Fastify and a fetch handler (Hono). Each handler awaits a
 * different number of event-loop turns (from a fixed seed) so responses complete out of order.
 */
import { setImmediate as tick } from 'node:timers/promises';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { inject } from './index.ts';

const SEED = 1_000;
const COUNT = 1_000;

/** Turns to wait for request `id`: a hash of the seed and the id, 0–7. */
function turns(id: number): number {
  return Math.imul(id ^ SEED, 0x9e3779b1) >>> 29;
}

async function work(id: number): Promise<{ id: number; square: number }> {
  for (let i = turns(id); i > 0; i--) await tick();
  return { id, square: id * id };
}

function apps(): [string, object][] {
  const expressApp = express();
  expressApp.use(express.json());
  expressApp.post('/work/:id', async (req, res) => {
    const body = req.body as { id: number };
    if (Number(req.params.id) !== body.id) throw new Error('mixed request');
    res.set('x-id', req.params.id).json(await work(body.id));
  });
  const fastifyApp = Fastify();
  fastifyApp.post('/work/:id', async (request, reply) => {
    const body = request.body as { id: number };
    if (Number((request.params as { id: string }).id) !== body.id) throw new Error('mixed request');
    return reply.header('x-id', String(body.id)).send(await work(body.id));
  });
  const honoApp = new Hono();
  honoApp.post('/work/:id', async (c) => {
    const body = await c.req.json<{ id: number }>();
    if (Number(c.req.param('id')) !== body.id) throw new Error('mixed request');
    c.header('x-id', String(body.id));
    return c.json(await work(body.id));
  });
  return [
    ['Express', expressApp],
    ['Fastify', fastifyApp],
    ['Hono', honoApp],
  ];
}

describe(`${COUNT} concurrent requests through one client (seed ${SEED})`, () => {
  test.each(apps())('%s: every response belongs to its request', async (_name, app) => {
    // Arrange
    await using client = await inject(app);
    const ids = Array.from({ length: COUNT }, (_, i) => i);

    // Act
    const results = await Promise.all(
      ids.map(async (id) => {
        const response = await client.post(`/work/${id}`, { json: { id } });
        return {
          status: response.status,
          header: response.headers.get('x-id'),
          body: (await response.json()) as unknown,
        };
      }),
    );

    // Assert
    expect(results).toEqual(
      ids.map((id) => ({ status: 200, header: String(id), body: { id, square: id * id } })),
    );
    expect(client.pending).toBe(0);
  });
});
