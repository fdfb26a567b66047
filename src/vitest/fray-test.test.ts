/**
 * createFrayTest's client fixture and its options, without a database (the database
 * fixtures run end to end, with PGlite, under threads and forks, in test/runners/).
 */
import { Hono } from 'hono';
import { describe, expect } from 'vitest';
import { token, use } from '../di/index.ts';
import { createFrayTest } from './fray-test.ts';

const Greeting = token<string>('Greeting', () => 'hello');

function greeter(): Hono {
  return new Hono().get('/greet', (c) => c.text(use(Greeting)));
}

const shared = greeter();
const started: Hono[] = [];

// Vitest wants worker-scoped fixtures (the database) defined at the top level of a module.
const withOverrides = createFrayTest({ app: shared, overrides: [[Greeting, 'hi from the test']] });
const perTest = createFrayTest({
  app: () => {
    const app = greeter();
    started.push(app);
    return app;
  },
  overrides: ({ db }) => [[Greeting, db === undefined ? 'no database' : 'a database']],
});
const appOnly = createFrayTest({ app: shared });
const bare = createFrayTest();

describe('one app for every test, with overrides', () => {
  const test = withOverrides;

  test('the client reaches the app, which sees the overrides', async ({ client }) => {
    const response = await client.get('/greet');

    expect(await response.text()).toBe('hi from the test');
  });

  test('each test gets its own open client for the recognised app', ({ client }) => {
    expect(client.closed).toBe(false);
    expect(client.app.kind).toBe('fetch-app');
  });
});

describe('an app built per test', () => {
  const test = perTest;

  test('the factory runs for the test and its context says there is no database', async ({ client }) => {
    const response = await client.get('/greet');

    expect(await response.text()).toBe('no database');
    expect(started).toHaveLength(1);
  });

  test('and runs again for the next test', async ({ client }) => {
    await client.get('/greet');

    expect(started).toHaveLength(2);
    expect(started[0]).not.toBe(started[1]);
  });
});

describe('fixtures that were not configured', () => {
  const test = appOnly;

  test.fails('asking for db without `database` fails the test (FRAY_RUNNER_SETUP)', ({ db }) => {
    expect(db).toBeUndefined();
  });

  bare.fails('asking for client without `app` fails the test (FRAY_RUNNER_SETUP)', ({ client }) => {
    expect(client).toBeUndefined();
  });

  test('a test that asks for neither starts nothing', ({ task }) => {
    expect(task.name).toContain('starts nothing');
  });
});
