/**
 * `spyOn(object, method)` and `spyOnAsync(object, method)`: keep a real method working while
 * tracking its calls (and awaits) like a mock; restored with `restore()` or `using`.
 * `spyOn` keeps the method's kind: an `async` method gets an async spy, a sync method a
 * sync one, and a plain function (which may return a promise) becomes async when the test
 * gives it async behaviour. `spyOnAsync` is for a method known to return a promise.
 *
 * @module
 */
import { MockUsageError } from '../errors/index.ts';
import { adaptiveMock } from './adaptive-mock.ts';
import { asyncMock } from './async-mock.ts';
import { isThenable } from './async-mock-state.ts';
import type { AnyFunction, AsyncMock } from './async-mock-types.ts';
import { formatArgs } from './equality.ts';
import { functionKind } from './function-kind.ts';
import { instanceName } from './spec-members.ts';
import { syncMock, type SyncMock } from './sync-mock.ts';

/** Keys of `T` whose values are functions. */
export type MethodKeys<T> = { [K in keyof T]-?: T[K] extends AnyFunction ? K : never }[keyof T] &
  (string | symbol);

/** What every spy adds to its mock: the original, and putting it back. */
export interface SpyControls<F extends AnyFunction> extends Disposable {
  /** Put the original method back (idempotent). */
  restore(): void;
  /** The original method, bound to nothing. */
  readonly original: F;
}

/** An async mock installed over a real method; disposing it puts the original back. */
export interface AsyncSpy<F extends AnyFunction> extends AsyncMock<F>, SpyControls<F> {}

/** A sync mock installed over a real method; disposing it puts the original back. */
export interface SyncSpy<F extends AnyFunction> extends SyncMock<F>, SpyControls<F> {}

/**
 * The spy `spyOn` gives for `F`: async for a promise-returning method, sync otherwise.
 *
 * @example
 * ```ts
 * const send: Spy<Mailer['send']> = spyOn(mailer, 'send'); // AsyncSpy: send returns a promise
 * ```
 */
export type Spy<F extends AnyFunction> = F extends (...args: any[]) => PromiseLike<any>
  ? AsyncSpy<F>
  : SyncSpy<F>;

/** `Mailer.send` for an instance, a prototype or a class (a static method). */
function labelOf(object: object, method: PropertyKey): string {
  const key = typeof method === 'symbol' ? `[${method.description ?? 'symbol'}]` : String(method);
  if (typeof object === 'function') return `${object.name || 'function'}.${key}`;
  const own = Object.getOwnPropertyDescriptor(object, 'constructor')?.value as unknown;
  if (typeof own === 'function' && own.prototype === object) return `${own.name}.${key}`;
  const ctorName = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return `${instanceName(object) ?? (typeof ctorName === 'string' && ctorName !== '' ? ctorName : 'object')}.${key}`;
}

function install<F extends AnyFunction, S>(object: object, method: PropertyKey, original: F, spy: S): S {
  const hadOwn = Object.hasOwn(object, method);
  const ownDescriptor = Object.getOwnPropertyDescriptor(object, method);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    if (hadOwn && ownDescriptor !== undefined) Object.defineProperty(object, method, ownDescriptor);
    else delete (object as Record<PropertyKey, unknown>)[method];
  };
  Object.defineProperties(spy, {
    restore: { value: restore, configurable: true },
    original: { value: original, configurable: true },
    [Symbol.dispose]: { value: restore, configurable: true },
  });
  Object.defineProperty(object, method, {
    value: spy,
    configurable: true,
    writable: true,
    enumerable: ownDescriptor?.enumerable ?? false,
  });
  return spy;
}

function methodOf(object: object, method: PropertyKey, label: string, caller: string): AnyFunction {
  const original: unknown = (object as Record<PropertyKey, unknown>)[method];
  if (typeof original !== 'function') {
    throw new MockUsageError(
      `${caller}: ${label} is ${original === undefined ? 'undefined' : `a ${typeof original}`}, not a method.`,
      'spy on a method that exists on the object (check the name), or mock the whole object with mockObject().',
    );
  }
  return original as AnyFunction;
}

/**
 * Replace `object[method]` with a mock of the same kind that calls the original by default:
 * an async spy for an `async` method, a sync spy for a sync one. A plain function that
 * returns a promise becomes async as soon as the test gives it async behaviour
 * (`resolves()`…); use {@link spyOnAsync} to track its awaits from the first call.
 * Works on instances, prototypes and classes (static methods).
 *
 * @example
 * ```ts
 * using format = spyOn(Invoice, 'formatNumber'); // static, sync: stays sync
 * using send = spyOn(mailer, 'send');            // async method: an async spy
 * await service.bill(order);
 * format.assertCalledOnceWith(42);
 * send.assertAwaitedOnce();
 * ```
 */
export function spyOn<T extends object, K extends MethodKeys<T>>(
  object: T,
  method: K,
): Spy<Extract<T[K], AnyFunction>> {
  const label = labelOf(object, method);
  const original = methodOf(object, method, label, 'spyOn');
  const callThrough = function (this: unknown, ...args: unknown[]): unknown {
    return original.apply(this, args) as unknown;
  };
  const kind = functionKind(original);
  const spy =
    kind === 'async'
      ? asyncMock<AnyFunction>(callThrough, { name: label })
      : kind === 'sync'
        ? syncMock<AnyFunction>(callThrough, { name: label })
        : adaptiveMock({ name: label, defaultKind: 'sync', impl: callThrough });
  return install(object, method, original, spy) as unknown as Spy<Extract<T[K], AnyFunction>>;
}

/**
 * Replace `object[method]` with an async mock that calls the original by default. For a
 * method that returns a promise — declared `async` or not. Change its behaviour like any
 * async mock (`rejectsOnce`, `implement`…); `restore()` — or leaving a `using` block —
 * reinstates the original exactly (own or inherited). A call through to an original that
 * returns a plain value rejects with `FRAY_MOCK_USAGE` instead of turning a sync method
 * async behind the caller's back: spy on such a method with {@link spyOn}.
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
  const label = labelOf(object, method);
  const original = methodOf(object, method, label, 'spyOnAsync');
  const declaredAsync = functionKind(original) === 'async';
  const spy = asyncMock<AnyFunction>(
    function (this: unknown, ...args: unknown[]) {
      const result: unknown = original.apply(this, args);
      if (declaredAsync || isThenable(result)) return result;
      throw new MockUsageError(
        `spyOnAsync: ${label}${formatArgs(args)} returned a plain value, ${formatArgs([result]).slice(1, -1)}, not a promise: it is a sync method, and an async spy would hand its caller a promise instead.`,
        `spy on it with spyOn(object, '${String(method)}'), which keeps a sync method sync.`,
      );
    },
    { name: label },
  );
  return install(object, method, original, spy) as unknown as AsyncSpy<Extract<T[K], AnyFunction>>;
}
