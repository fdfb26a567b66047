import { describe, expectTypeOf, test } from 'vitest';
import {
  autoMock,
  mockObject,
  spyOn,
  type AsyncMock,
  type AsyncSpy,
  type SyncMock,
  type SyncSpy,
} from './index.ts';

interface Row {
  id: number;
}
declare class Client {
  query(sql: string): Promise<Row[]>;
  query(sql: string, done: (error: Error | null, rows: Row[]) => void): void;
  key(id: string): string;
  readonly config: { region: string; credentials(): Promise<string> };
  readonly created: Date;
}

describe('mocked member types', () => {
  test('an overloaded method with a promise form is an async mock accepting any overload’s arguments', () => {
    const client = mockObject(Client);

    expectTypeOf(client.query).toExtend<AsyncMock<any>>();
    client.query.assertAwaitedWith('select 1');
    client.query.assertCalledWith('select 1', () => undefined);
    // @ts-expect-error -- no overload takes a number
    client.query.assertAwaitedWith(1);
  });

  test('a sync method is a sync mock; nested objects are mocked objects; built-ins stay values', () => {
    const client = mockObject(Client);

    expectTypeOf(client.key).toExtend<SyncMock<(id: string) => string>>();
    expectTypeOf(client.config.credentials).toExtend<AsyncMock<() => Promise<string>>>();
    expectTypeOf(client.created).toEqualTypeOf<Date>();
  });

  test('autoMock<T> types members like mockObject, at any depth; untyped it is any', () => {
    const client = autoMock<Client>();
    const anything = autoMock();

    expectTypeOf(client.query.resolves).toBeFunction();
    expectTypeOf(client.config.credentials).toExtend<AsyncMock<() => Promise<string>>>();
    expectTypeOf(anything.whatever.nested).toBeAny();
  });

  test('spyOn gives an async spy for a promise-returning method and a sync spy otherwise', () => {
    const target = { load: async (): Promise<number> => Promise.resolve(1), key: (id: string): string => id };

    expectTypeOf(spyOn(target, 'load')).toEqualTypeOf<AsyncSpy<() => Promise<number>>>();
    expectTypeOf(spyOn(target, 'key')).toEqualTypeOf<SyncSpy<(id: string) => string>>();
  });
});
