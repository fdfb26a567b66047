/* global fetch */
// Requests over real sockets to a server started once for the file (keep-alive pool).
import { once } from 'node:events';
import express from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';

let server;
let base;

beforeAll(async () => {
  const app = express();
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${server.address().port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

for (let i = 0; i < 120; i++) {
  test(`fetch over HTTP #${i}`, async () => {
    const response = await fetch(`${base}/users/${i}`);
    expect(await response.json()).toEqual({ id: String(i) });
  });
}
