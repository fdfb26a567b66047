/**
 * Where overrides live: a chain of immutable layers kept in one AsyncLocalStorage shared by
 * every copy of fray in the process. A layer maps tokens to values; a lookup walks from the
 * innermost layer out (its own values, then its parent chain, then its fallback chain), and
 * skips layers whose override was restored.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One set of overrides. Structural, so layers made by another copy of fray are understood. */
export interface Layer {
  /** Token → value. Never mutated after the layer is created. */
  readonly values: ReadonlyMap<object, unknown>;
  /** The layer that was current when this one was entered; looked up after `values`. */
  readonly parent: Layer | undefined;
  /** Looked up last: the overrides of an `inject` client under the caller's own. */
  readonly fallback: Layer | undefined;
  /** Set when the override that entered this layer is restored: its values stop applying. */
  disposed: boolean;
}

interface DiSlot {
  readonly storage: AsyncLocalStorage<Layer | undefined>;
  /** Whether any override was ever created in this process; `use()` skips the lookup until then. */
  active: boolean;
}

// One storage per process, shared by the built package and the sources (and two versions),
// so an override made through one copy is seen by `use()` imported from another.
const SLOT_KEY = Symbol.for('fray.di.v1');
const globalSlot = globalThis as typeof globalThis & { [SLOT_KEY]?: DiSlot };

/** The process-wide DI slot. */
export const slot: DiSlot = (globalSlot[SLOT_KEY] ??= { storage: new AsyncLocalStorage(), active: false });

/** Returned by {@link find} when no layer holds the token. */
export const NOT_FOUND: unique symbol = Symbol('fray.di.notFound');

/** The value `token` has in `layer` (or its parents and fallbacks), or {@link NOT_FOUND}. */
export function find(layer: Layer | undefined, token: object): unknown {
  while (layer !== undefined) {
    if (!layer.disposed) {
      const value = layer.values.get(token);
      if (value !== undefined || layer.values.has(token)) return value;
    }
    if (layer.fallback !== undefined) {
      // The parent chain wins over the fallback: look there first.
      const inParents = find(layer.parent, token);
      if (inParents !== NOT_FOUND) return inParents;
      layer = layer.fallback;
    } else {
      layer = layer.parent;
    }
  }
  return NOT_FOUND;
}

/** A new layer; marks the process as using overrides. */
export function createLayer(
  values: ReadonlyMap<object, unknown>,
  parent: Layer | undefined,
  fallback: Layer | undefined = undefined,
): Layer {
  slot.active = true;
  return { values, parent, fallback, disposed: false };
}

/** The nearest layer from `layer` outwards whose override is still in force. */
export function liveAncestor(layer: Layer | undefined): Layer | undefined {
  while (layer !== undefined && layer.disposed) layer = layer.parent;
  return layer;
}

/**
 * Run `fn` in an override context of its own, starting from the current one: an
 * `override()` made in `fn`'s synchronous part stays inside `fn` instead of reaching the
 * caller's code after it. Runner integrations wrap each test body in it, so concurrent tests
 * that override at the top of their bodies stay apart on every Node version (before Node 24,
 * `enterWith` in the synchronous start of one test otherwise reached the tests started after
 * it in the same turn). Unlike `withOverrides([], fn)` it adds no layer, so `use()` keeps its
 * fast path.
 *
 * @example
 * ```ts
 * // A runner without fray's integration: keep each concurrent test's overrides its own.
 * test.concurrent('acme', () => overrideBoundary(async () => {
 *   using _ = override(Tenant, 'acme');
 *   expect(await client.get('/me').then((r) => r.json())).toMatchObject({ tenant: 'acme' });
 * }));
 * ```
 */
export function overrideBoundary<R>(fn: () => R): R {
  return slot.storage.run(slot.storage.getStore(), fn);
}
