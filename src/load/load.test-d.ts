import { expectTypeOf, test } from 'vitest';
import { inject } from '../http/index.ts';
import { load, loadMatchers, type LoadMatchers, type LoadReport, type UrlClient } from './index.ts';

test('a request function receives the client of its target', async () => {
  const client = await inject((_req: unknown, res: { end(): void }) => res.end());
  void load(client, {
    request: (c, i) => {
      expectTypeOf(c).toEqualTypeOf(client);
      expectTypeOf(i).toBeNumber();
      return c.get('/');
    },
  });
  void load('http://127.0.0.1:3000', {
    thread: 'main',
    request: (c) => {
      expectTypeOf(c).toEqualTypeOf<UrlClient>();
      return c.post('/x', { json: { a: 1 } });
    },
  });
  expectTypeOf(load(() => undefined, { concurrency: 2 })).resolves.toEqualTypeOf<LoadReport>();
});

test('gates are typed', () => {
  expectTypeOf(loadMatchers.toMeet).parameter(1).toHaveProperty('p99');
  expectTypeOf<LoadMatchers<void>['toMeet']>().parameters.toMatchTypeOf<
    [{ p999?: string | number; errorRate?: string | number }, ...unknown[]]
  >();
  // @ts-expect-error: a function target takes no request
  void load(() => undefined, { request: { path: '/' } });
});
