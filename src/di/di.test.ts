/**
 * token / use / override: defaults, scoped overrides, restoration, concurrency isolation,
 * factories (built once, outside every override), and the errors.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { isToken, override, overrideScope, token, use, withOverrides, type Token } from './index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFrayError(error) ? error.code : `not a FrayError: ${String(error)}`;
  }
  return undefined;
}

describe('use()', () => {
  test('returns the factory’s value, built once on first use', () => {
    // Arrange
    let builds = 0;
    const Clock = token('Clock', () => {
      builds++;
      return { now: () => 42 };
    });

    // Act
    const first = use(Clock);
    const second = use(Clock);

    // Assert
    expect(first.now()).toBe(42);
    expect(second).toBe(first);
    expect(builds).toBe(1);
  });

  test('without factory or override fails with FRAY_DI_UNRESOLVED naming the token', () => {
    const Mailer = token<{ send(): void }>('Mailer');

    expect(codeOf(() => use(Mailer))).toBe('FRAY_DI_UNRESOLVED');
    expect(() => use(Mailer)).toThrow(/use\(Mailer\): no value/);
  });

  test('a factory that throws fails with FRAY_DI_FACTORY (cause kept) and runs again next time', () => {
    let attempts = 0;
    const Flaky = token('Flaky', () => {
      attempts++;
      if (attempts === 1) throw new Error('not yet');
      return 'ok';
    });

    let failure: unknown;
    try {
      use(Flaky);
    } catch (error) {
      failure = error;
    }

    expect(isFrayError(failure) && failure.code).toBe('FRAY_DI_FACTORY');
    expect((failure as Error).cause).toEqual(new Error('not yet'));
    expect(use(Flaky)).toBe('ok');
  });

  test('factories that need each other fail with FRAY_DI_CYCLE naming the cycle', () => {
    const A: Token<string> = token('A', () => `a+${use(B)}`);
    const B: Token<string> = token('B', () => `b+${use(A)}`);

    let failure: unknown;
    try {
      use(A);
    } catch (error) {
      failure = error;
    }

    expect(isFrayError(failure) && failure.code).toBe('FRAY_DI_CYCLE');
    expect((failure as { path: string[] }).path).toEqual(['A', 'B', 'A']);
  });

  test('refuses what is not a token with FRAY_DI_USAGE', () => {
    expect(codeOf(() => use({ name: 'fake' } as unknown as Token<string>))).toBe('FRAY_DI_USAGE');
    expect(codeOf(() => token(''))).toBe('FRAY_DI_USAGE');
    expect(codeOf(() => override({} as Token<number>, 1))).toBe('FRAY_DI_USAGE');
    expect(isToken(token('x'))).toBe(true);
    expect(isToken({})).toBe(false);
  });
});

describe('override()', () => {
  test('replaces the value for the rest of the block and `using` restores it', () => {
    const Greeting = token('Greeting', () => 'hello');

    {
      using _ = override(Greeting, 'hi');
      expect(use(Greeting)).toBe('hi');
    }

    expect(use(Greeting)).toBe('hello');
  });

  test('reaches everything the caller awaits and starts', async () => {
    const Tenant = token('Tenant', () => 'none');
    using _ = override(Tenant, 'acme');

    const seen = await new Promise<string>((resolve) => setTimeout(() => resolve(use(Tenant)), 0));
    await tick();

    expect(seen).toBe('acme');
    expect(use(Tenant)).toBe('acme');
  });

  test('nested overrides stack and unwind in order; restore() is idempotent', () => {
    const Level = token('Level', () => 0);

    const outer = override(Level, 1);
    const inner = override(Level, 2);
    expect(use(Level)).toBe(2);
    inner.restore();
    inner.restore();
    expect(use(Level)).toBe(1);
    outer.restore();

    expect(use(Level)).toBe(0);
    expect(outer.restored && inner.restored).toBe(true);
  });

  test('a restored override no longer applies to continuations that captured it', async () => {
    const Flag = token('Flag', () => 'default');
    let later: Promise<string> | undefined;
    {
      using _ = override(Flag, 'overridden');
      later = new Promise((resolve) => setTimeout(() => resolve(use(Flag)), 5));
    }

    expect(await later).toBe('default');
  });

  test('an override value may be undefined or null', () => {
    const Optional = token<string | undefined>('Optional', () => 'set');

    using _ = override(Optional, undefined);

    expect(use(Optional)).toBeUndefined();
  });

  test('a default is built outside every override, so it never captures a test’s value', () => {
    const Db = token('Db', () => 'real-db');
    const Repo = token('Repo', () => ({ db: use(Db) }));

    {
      using _ = override(Db, 'test-db');
      // First use of Repo happens while Db is overridden…
      expect(use(Repo).db).toBe('real-db');
    }

    // …and the kept default is the production one.
    expect(use(Repo).db).toBe('real-db');
  });
});

describe('concurrency isolation', () => {
  test('two tasks running concurrently with different overrides never see each other’s values', async () => {
    const User = token<string>('User');
    const seen: string[] = [];

    async function task(name: string): Promise<void> {
      // Each task sets its own override after its first await, as a test body does.
      await tick();
      using _ = override(User, name);
      for (let i = 0; i < 5; i++) {
        await tick();
        seen.push(`${name}:${use(User)}`);
      }
    }

    await Promise.all([task('ada'), task('grace')]);

    expect(seen.filter((entry) => entry.startsWith('ada:'))).toEqual(Array(5).fill('ada:ada'));
    expect(seen.filter((entry) => entry.startsWith('grace:'))).toEqual(Array(5).fill('grace:grace'));
  });

  test('concurrent Vitest tests each keep their own override', async () => {
    // Two concurrent tests are modelled by two independent async chains started together.
    const Request = token<string>('RequestId');
    const results = await Promise.all(
      ['t1', 't2', 't3'].map((id) =>
        withOverrides([[Request, id]], async () => {
          const values: string[] = [];
          for (let i = 0; i < 3; i++) {
            await tick();
            values.push(use(Request));
          }
          return values;
        }),
      ),
    );

    expect(results).toEqual([
      ['t1', 't1', 't1'],
      ['t2', 't2', 't2'],
      ['t3', 't3', 't3'],
    ]);
  });

  test('withOverrides scopes only its function; nested scopes take the innermost value', async () => {
    const Region = token('Region', () => 'eu');
    const Currency = token('Currency', () => 'EUR');

    const inner = await withOverrides([[Region, 'us']], () =>
      withOverrides([[Currency, 'USD']], async () => {
        await tick();
        return `${use(Region)}/${use(Currency)}`;
      }),
    );

    expect(inner).toBe('us/USD');
    expect(`${use(Region)}/${use(Currency)}`).toBe('eu/EUR');
  });
});

describe('overrideScope()', () => {
  test('applies its values under the caller’s own overrides', async () => {
    const Db = token('Db', () => 'real');
    const Clock = token('Clock', () => 'system');
    const scope = overrideScope([
      [Db, 'scoped-db'],
      [Clock, 'scoped-clock'],
    ]);

    const plain = await scope.run(async () => {
      await tick();
      return `${use(Db)} ${use(Clock)}`;
    });
    using _ = override(Clock, 'caller-clock');
    const layered = scope.run(() => `${use(Db)} ${use(Clock)}`);

    expect(plain).toBe('scoped-db scoped-clock');
    expect(layered).toBe('scoped-db caller-clock');
  });

  test('accepts any iterable of pairs (a Map) and rejects malformed lists', () => {
    const Port = token('Port', () => 80);

    const scope = overrideScope(new Map([[Port, 8080]]) as never);

    expect(scope.run(() => use(Port))).toBe(8080);
    expect(codeOf(() => overrideScope([[Port]] as never))).toBe('FRAY_DI_USAGE');
    expect(codeOf(() => withOverrides('nope' as never, () => 0))).toBe('FRAY_DI_USAGE');
  });
});
