/**
 * "Coming from supertest": the same test written for supertest and run through the helper of
 * docs/http.md over `inject` — same statuses, bodies, headers and failed expectations — and
 * the supertest agent's cookie session kept by the client's jar.
 */
import express from 'express';
import supertest from 'supertest';
import { describe, expect, test } from 'vitest';
import { request } from './fixtures/supertest-like.ts';
import { inject } from './index.ts';

function app() {
  const api = express();
  api.use(express.json());
  api.post('/users', (req, res) => {
    res.status(201).json({ name: (req.body as { name: string }).name, tenant: req.get('x-tenant') });
  });
  api.get('/search', (req, res) => {
    res.type('text').send(`q=${req.query['q'] as string}`);
  });
  api.post('/login', (_req, res) => {
    res.cookie('session', 'abc').sendStatus(204);
  });
  api.get('/me', (req, res) => {
    res.send(req.get('cookie') ?? 'anonymous');
  });
  return api;
}

describe('a supertest test, moved to inject', () => {
  test('the same chain gives the same status, body and headers', async () => {
    // Arrange
    await using client = await inject(app());

    // Act
    const viaSupertest = await supertest(app())
      .post('/users')
      .set('x-tenant', 'acme')
      .send({ name: 'Ada' })
      .expect(201)
      .expect('content-type', /json/);
    const viaInject = await request(client)
      .post('/users')
      .set('x-tenant', 'acme')
      .send({ name: 'Ada' })
      .expect(201)
      .expect('content-type', /json/);

    // Assert
    expect(viaInject.body).toEqual(viaSupertest.body);
    expect(viaInject.body).toEqual({ name: 'Ada', tenant: 'acme' });
    expect(viaInject.headers['content-type']).toBe(viaSupertest.headers['content-type']);
    expect((await request(client).get('/search').query({ q: 'fray' })).text).toBe('q=fray');
  });

  test('a failed expectation rejects, naming the status', async () => {
    await using client = await inject(app());

    await expect(request(client).get('/missing').expect(200)).rejects.toThrow('expected 200, got 404');
  });

  test('supertest.agent’s cookies are the client’s jar', async () => {
    await using client = await inject(app());

    await request(client).post('/login').expect(204);
    const me = await request(client).get('/me').expect(200);

    expect(me.text).toBe('session=abc');
  });
});
