/**
 * `spyOnAsync(object, method)`: keep a real async method working while tracking its calls
 * and awaits like an async mock; restored with `restore()` or `using`.
 *
 * @module
 */
import { MockUsageError } from '../errors/index.ts';
import { asyncMock, type AnyFunction, type AsyncMock } from './async-mock.ts';

/** Keys of `T` whose values are functions. */
export type MethodKeys<T> = { [K in keyof T]-?: T[K] extends AnyFunction ? K : never }[keyof T] &
  (string | symbol);

/** An async mock installed over a real method; disposing it puts the original back. */
export interface AsyncSpy<F extends AnyFunction> extends AsyncMock<F>, Disposable {
  /** Put the original method back (idempotent). */
  restore(): void;
  /** The original method, bound to nothing. */
  readonly original: F;
}

/**
 * Replace `object[method]` with an async mock that calls the original by default. Change
 * its behaviour like any async mock (`rejectsOnce`, `implement`…); `restore()` — or leaving
 * a `using` block — reinstates the original exactly (own or inherited).
 *
 * @example
 * ```ts
 * using save = spyOnAsync(repo, 'save');
 * await service.register(user);
 * save.assertAwaitedOnceWith(user);
 * ```
 */
export function spyOnAsync<T extends object, K extends MethodKeys<T>>(
  object: T,
  method: K,
): AsyncSpy<Extract<T[K], AnyFunction>> {
  const original: unknown = (object as Record<PropertyKey, unknown>)[method];
  const label = `${String((object as { constructor?: { name?: string } }).constructor?.name ?? 'object')}.${String(method)}`;
  if (typeof original !== 'function') {
    throw new MockUsageError(
      `spyOnAsync: ${label} is ${original === undefined ? 'undefined' : `a ${typeof original}`}, not a method.`,
      'spy on a method that exists on the object (check the name), or mock the whole object with mockObject().',
    );
  }
  const hadOwn = Object.hasOwn(object, method);
  const ownDescriptor = Object.getOwnPropertyDescriptor(object, method);
  const spy = asyncMock<AnyFunction>(
    function (this: unknown, ...args: unknown[]) {
      return (original as AnyFunction).apply(this, args);
    },
    { name: label },
  ) as unknown as AsyncSpy<Extract<T[K], AnyFunction>>;
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    if (hadOwn && ownDescriptor !== undefined) Object.defineProperty(object, method, ownDescriptor);
    else delete (object as Record<PropertyKey, unknown>)[method];
  };
  Object.defineProperties(spy, {
    restore: { value: restore },
    original: { value: original },
    [Symbol.dispose]: { value: restore },
  });
  Object.defineProperty(object, method, {
    value: spy,
    configurable: true,
    writable: true,
    enumerable: ownDescriptor?.enumerable ?? false,
  });
  return spy;
}
