/**
 * `override()`, `withOverrides()` and `overrideScope()`: replace tokens' values for one async
 * context — a test, a task, the requests of one `inject` client — and never for the code
 * running concurrently next to it.
 *
 * @module
 */
import { DiUsageError } from '../errors/index.ts';
import { createLayer, liveAncestor, slot, type Layer } from './scope.ts';
import { describe, isToken, type Token } from './token.ts';

/** One override: a token and the value it takes. */
export type OverrideEntry<T = any> = readonly [Token<T>, T];

/**
 * A list of `[token, value]` pairs typed pair by pair: `T` is inferred from the tokens and
 * each value must fit its own token. `OverridePairs` (no argument) is any list of pairs.
 */
export type OverridePairs<T extends readonly unknown[] = any[]> = {
  readonly [K in keyof T]: readonly [Token<T[K]>, NoInfer<T[K]>];
};

/** A restorable override; `using` restores it at the end of the block. */
export interface OverrideHandle extends Disposable {
  /** The overridden token. */
  readonly token: Token<unknown>;
  /** Whether the override was restored. */
  readonly restored: boolean;
  /** Stop the override (idempotent). Same as leaving the `using` block. */
  restore(): void;
}

/** A reusable set of overrides that runs functions inside it; what `inject(app, { overrides })` uses. */
export interface OverrideScope {
  /**
   * Run `fn` with these overrides under the caller's own: an override active where `run` is
   * called wins over the scope's value for the same token.
   */
  run<R>(fn: () => R): R;
}

/**
 * Override `token` with `value` in the current async context: for the rest of the calling
 * function, everything it awaits, and everything it starts (requests, timers, tasks). Code
 * running concurrently elsewhere — another test, another request — keeps its own values.
 * Restore with `using` (or `.restore()`).
 *
 * It uses `AsyncLocalStorage.enterWith`, so the override also reaches the rest of the
 * caller's synchronous code: to start several tasks with *different* overrides from one
 * function, give each its own `withOverrides(...)`.
 *
 * @example
 * ```ts
 * test('signup mails the user', async () => {
 *   const mailer = { send: asyncMock() };
 *   using _ = override(Mailer, mailer);
 *   await client.post('/signup', { json: { email: 'ada@example.com' } });
 *   mailer.send.assertAwaitedOnce();
 * }); // restored here
 * ```
 */
export function override<T>(token: Token<T>, value: NoInfer<T>): OverrideHandle {
  checkToken(token, 'override');
  const parent = slot.storage.getStore();
  const layer = createLayer(new Map([[token, value]]), parent);
  slot.storage.enterWith(layer);
  return new Handle(token, layer);
}

class Handle implements OverrideHandle {
  readonly token: Token<unknown>;
  readonly #layer: Layer;

  constructor(token: Token<unknown>, layer: Layer) {
    this.token = token;
    this.#layer = layer;
  }

  get restored(): boolean {
    return this.#layer.disposed;
  }

  restore(): void {
    if (this.#layer.disposed) return;
    this.#layer.disposed = true;
    // Continuations that captured the layer see it as gone; the current context steps back
    // to the nearest override still in force.
    if (slot.storage.getStore() === this.#layer) slot.storage.enterWith(liveAncestor(this.#layer));
  }

  [Symbol.dispose](): void {
    this.restore();
  }
}

/**
 * Run `fn` with `overrides` active for it and everything it starts, and for nothing else.
 * Nested scopes stack: the innermost value wins.
 *
 * @example
 * ```ts
 * await Promise.all([
 *   withOverrides([[Tenant, 'acme']], () => client.get('/me')),
 *   withOverrides([[Tenant, 'globex']], () => client.get('/me')),
 * ]);
 * ```
 */
export function withOverrides<T extends readonly unknown[], R>(
  overrides: readonly [...OverridePairs<T>],
  fn: () => R,
): R {
  const values = toMap(overrides, 'withOverrides');
  return slot.storage.run(createLayer(values, slot.storage.getStore()), fn);
}

/**
 * A reusable scope holding `overrides`; `scope.run(fn)` runs `fn` inside it, under whatever
 * the caller has overridden. Build it once and run many times (one `run` per request).
 *
 * @example
 * ```ts
 * const scope = overrideScope([[Db, testDb]]);
 * await scope.run(() => handleJob(job));
 * ```
 */
export function overrideScope<T extends readonly unknown[]>(
  overrides: readonly [...OverridePairs<T>],
): OverrideScope {
  const base = createLayer(toMap(overrides, 'overrideScope'), undefined);
  return {
    run<R>(fn: () => R): R {
      const current = slot.storage.getStore();
      if (current === undefined || current === base) return slot.storage.run(base, fn);
      return slot.storage.run(createLayer(EMPTY, current, base), fn);
    },
  };
}

const EMPTY: ReadonlyMap<object, unknown> = new Map();

/** Validate an override list (an array or any iterable of pairs, e.g. a `Map`). */
export function toMap(
  overrides: Iterable<readonly [unknown, unknown]>,
  caller: string,
): Map<object, unknown> {
  if (overrides === null || typeof overrides !== 'object' || !(Symbol.iterator in overrides)) {
    throw new DiUsageError(
      `${caller}(): overrides must be a list of [token, value] pairs, got ${describe(overrides)}.`,
      '[[Db, testDb], [Clock, () => 0]]',
    );
  }
  const values = new Map<object, unknown>();
  let index = 0;
  for (const entry of overrides as Iterable<unknown>) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new DiUsageError(
        `${caller}(): override #${index} is ${describe(entry)}, not a [token, value] pair.`,
        '[[Db, testDb], [Clock, () => 0]]',
      );
    }
    const [token, value] = entry as [unknown, unknown];
    checkToken(token, caller);
    values.set(token, value);
    index++;
  }
  return values;
}

function checkToken(token: unknown, caller: string): asserts token is Token<unknown> {
  if (!isToken(token)) {
    throw new DiUsageError(
      `${caller}(): expected a token, got ${describe(token)}.`,
      "create tokens with token<T>('Name', factory) and pass the token object.",
    );
  }
}
