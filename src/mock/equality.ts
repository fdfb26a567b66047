/**
 * Argument matching shared by `when(...)`, the await assertions and the runner matchers:
 * deep equality that understands asymmetric matchers (`expect.any(String)`, fray's
 * `match(predicate)`) at any depth.
 *
 * @module
 */
import { inspect, isDeepStrictEqual } from 'node:util';

/** Anything with `asymmetricMatch`: Vitest/Jest asymmetric matchers and fray's {@link match}. */
export interface AsymmetricMatcher {
  asymmetricMatch(actual: unknown): boolean;
}

/** Whether `value` is an asymmetric matcher (Vitest, Jest or fray). */
export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsymmetricMatcher>).asymmetricMatch === 'function'
  );
}

class PredicateMatcher implements AsymmetricMatcher {
  readonly $$typeof = Symbol.for('jest.asymmetricMatcher');
  readonly #predicate: (value: unknown) => boolean;
  readonly #description: string;
  constructor(predicate: (value: unknown) => boolean, description: string) {
    this.#predicate = predicate;
    this.#description = description;
  }
  asymmetricMatch(actual: unknown): boolean {
    return this.#predicate(actual);
  }
  toString(): string {
    return `match(${this.#description})`;
  }
  toAsymmetricMatcher(): string {
    return this.toString();
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * An argument matcher from a predicate, for `when(...)` and the await assertions.
 *
 * @example
 * ```ts
 * repo.getById.when(match((id: string) => id.startsWith('admin-'))).rejects(new ForbiddenError());
 * repo.save.assertAwaitedWith(match((user: User) => user.email.includes('@')));
 * ```
 */
export function match<T>(predicate: (value: T) => boolean, description?: string): AsymmetricMatcher & T {
  const label = description ?? (predicate.name || 'predicate');
  return new PredicateMatcher(
    predicate as (value: unknown) => boolean,
    label,
  ) as unknown as AsymmetricMatcher & T;
}

function isPlainObject(value: unknown): value is Record<PropertyKey, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Deep equality where `expected` may contain asymmetric matchers at any depth. Plain
 * objects and arrays are walked; everything else (Date, Map, class instances…) is compared
 * with `util.isDeepStrictEqual`.
 */
export function deepMatch(expected: unknown, actual: unknown): boolean {
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual);
  if (Object.is(expected, actual)) return true;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) {
      if (!deepMatch(expected[i], actual[i])) return false;
    }
    return true;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return false;
    const expectedKeys = Reflect.ownKeys(expected);
    if (expectedKeys.length !== Reflect.ownKeys(actual).length) return false;
    for (const key of expectedKeys) {
      if (!Object.hasOwn(actual, key) || !deepMatch(expected[key], actual[key])) return false;
    }
    return true;
  }
  return isDeepStrictEqual(expected, actual);
}

/** Whether an argument list matches an expected list (same length, each deepMatch). */
export function argsMatch(expected: readonly unknown[], actual: readonly unknown[]): boolean {
  return deepMatch(expected, actual);
}

/** `('a', 1, { x: 2 })` — how argument lists appear in fray's messages. */
export function formatArgs(args: readonly unknown[]): string {
  return `(${args.map((arg) => inspect(arg, { depth: 4, breakLength: Infinity, compact: true })).join(', ')})`;
}
