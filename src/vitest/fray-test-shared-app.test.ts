/**
 * createFrayTest with one app instance shared by every test (`app: buildApp()`): its
 * start-up runs once per worker and its shut-down when the worker ends — not after the
 * first test, which would leave a Fastify or Nest app answering 503 to the next ones.
 */
import Fastify from 'fastify';
import { describe, expect } from 'vitest';
import { createFrayTest } from './index.ts';

let readyCalls = 0;
let closeCalls = 0;
const app = Fastify();
app.addHook('onReady', (done) => {
  readyCalls++;
  done();
});
app.addHook('onClose', (_instance, done) => {
  closeCalls++;
  done();
});
app.get('/ping', (_request, reply) => reply.send({ pong: true }));

const test = createFrayTest({ app });

describe('a shared app', () => {
  test('serves the first test', async ({ client }) => {
    const res = await client.get('/ping');

    expect(res.status).toBe(200);
  });

  test('still serves the next one: started once, not shut down in between', async ({ client, frayApp }) => {
    const res = await client.get('/ping');

    expect(res.status).toBe(200);
    expect(readyCalls).toBe(1);
    expect(closeCalls).toBe(0);
    expect(frayApp).toBeDefined();
  });
});
