import { describe, expectTypeOf, test } from 'vitest';
import { inject } from '../http/index.ts';
import { override, overrideScope, token, use, withOverrides, type Token, type TokenValue } from './index.ts';

interface Db {
  query(sql: string): Promise<unknown[]>;
}
const Db = token<Db>('Db', () => ({ query: () => Promise.resolve([]) }));
// An arrow returning an arrow keeps its literal return type (`() => 0`): annotate such tokens.
const Clock = token<() => number>('Clock', () => () => 0);

describe('fray/di types', () => {
  test('use() returns the token’s type; token() infers it from the factory', () => {
    expectTypeOf(use(Db)).toEqualTypeOf<Db>();
    expectTypeOf(use(Clock)).toEqualTypeOf<() => number>();
    expectTypeOf<TokenValue<typeof Clock>>().toEqualTypeOf<() => number>();
  });

  test('override() checks the value against its token', () => {
    using _ok = override(Clock, () => 1);
    // @ts-expect-error -- a string is not a clock
    using _bad = override(Clock, 'noon');
    // @ts-expect-error -- tokens are invariant: Token<Db> is not Token<unknown> to assign into
    const _widened: Token<string> = Db;
  });

  test('override lists check every pair against its own token', () => {
    const Port = token('Port', () => 80);
    withOverrides([[Port, 8080]], () => undefined);
    withOverrides(
      [
        [Db, { query: () => Promise.resolve([]) }],
        [Clock, () => 5],
      ],
      () => undefined,
    );
    overrideScope([[Clock, () => 1]]);
    // @ts-expect-error -- the second pair's value does not fit Clock
    withOverrides([[Clock, 'late']], () => undefined);
    void inject(() => new Response(), { overrides: [[Clock, () => 2]] });
    // @ts-expect-error -- the client's overrides are checked too
    void inject(() => new Response(), { overrides: [[Db, 42]] });
  });

  test('withOverrides returns what its function returns', () => {
    expectTypeOf(withOverrides([[Clock, () => 1]], () => 'x')).toEqualTypeOf<string>();
    expectTypeOf(withOverrides([[Clock, () => 1]], () => Promise.resolve(1))).toEqualTypeOf<
      Promise<number>
    >();
  });
});
