import { types } from 'node:util';
import { describe, expect, test } from 'vitest';
import { asyncMock, mockObject, spyOnAsync, syncMock } from './index.ts';

const AsyncFunction = Object.getPrototypeOf(async () => {
  await Promise.resolve();
}).constructor as FunctionConstructor;

describe('fray async mocks are recognised as async', () => {
  test('they duck-type as async functions: constructor, toStringTag and instanceof', () => {
    const mock = asyncMock();

    expect(mock.constructor.name).toBe('AsyncFunction');
    expect(Object.prototype.toString.call(mock)).toBe('[object AsyncFunction]');
    expect(mock).toBeInstanceOf(AsyncFunction);
    expect(syncMock().constructor).toBe(Function);
  });

  test('util.types.isAsyncFunction stays false: V8 answers from the body, which is not `async` (documented limit)', () => {
    expect(types.isAsyncFunction(asyncMock())).toBe(false);
  });

  test('mockObject(obj) keeps an async mock already on obj async, and a sync mock sync', async () => {
    const client = { fetch: asyncMock(), parse: syncMock() };

    const mock = mockObject(client);
    mock.fetch.resolves('body');

    await expect(mock.fetch()).resolves.toBe('body');
    mock.fetch.assertAwaitedOnce();
    expect(() => (mock.parse as unknown as { resolves(v: unknown): void }).resolves(1)).toThrow(
      'is for async mocks',
    );
  });

  test('a method replaced by spyOnAsync is async to mockObject', () => {
    class Mailer {
      send(to: string): Promise<string> {
        return Promise.resolve(to);
      }
    }
    const mailer = new Mailer();
    using _spy = spyOnAsync(mailer, 'send');

    const mock = mockObject(mailer);
    void mock.send('x');

    mock.send.assertCalledOnce();
    mock.send.assertNotAwaited();
  });

  test('a class with async, async generator and plain methods: each mocked by its kind', async () => {
    class Store {
      async load(): Promise<number> {
        return Promise.resolve(1);
      }
      async *rows(): AsyncGenerator<number> {
        yield await Promise.resolve(1);
      }
      key(): string {
        return 'k';
      }
    }

    const store = mockObject(Store);

    expect(store.load()).toBeInstanceOf(Promise);
    await store.load();
    store.load.assertAwaitedOnce();
    store.rows.yields([1, 2]);
    const rows: number[] = [];
    for await (const row of store.rows()) rows.push(row);
    expect(rows).toEqual([1, 2]);
    expect(store.key()).toBeUndefined();
    expect(() => (store.key as unknown as { resolves(v: string): void }).resolves('x')).toThrow(
      'already called as a sync function',
    );
  });
});
