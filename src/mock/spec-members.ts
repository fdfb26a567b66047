/**
 * Reading a spec: which members a class, an instance or an object has and how each is to
 * be mocked, and what the instance is called.
 *
 * @module
 */
import { inspect } from 'node:util';
import { functionKind } from './function-kind.ts';

/**
 * How a spec member is mocked: by function kind (see `function-kind.ts`), as a stream
 * (`mockAsyncIterable`), as a plain value, or — for an object with methods inside an
 * instance spec — as a nested mock object.
 */
export type MemberKind = 'async' | 'sync' | 'unknown' | 'stream' | 'value' | 'object';

/** The kind well-known protocol symbols have whatever the spec says, else `undefined`. */
export function symbolKind(key: PropertyKey): MemberKind | undefined {
  if (key === Symbol.asyncDispose) return 'async';
  if (key === Symbol.asyncIterator) return 'stream';
  if (key === Symbol.dispose) return 'sync';
  return undefined;
}

/** `[Symbol.asyncIterator]` for symbols, the name otherwise: how members appear in messages. */
export function describeKey(key: PropertyKey): string {
  return typeof key === 'symbol' ? `[${key.description ?? 'symbol'}]` : String(key);
}

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

function isNative(fn: unknown): boolean {
  return typeof fn === 'function' && NATIVE.test(Function.prototype.toString.call(fn));
}

/**
 * Whether `value` is an object worth mocking in turn: a plain object with function members,
 * or an instance of a class that is not built in (a Map, a Date or a Buffer stays a value).
 */
export function hasMethods(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return Object.values(value).some((member) => typeof member === 'function');
  }
  // The nearest class decides: a user class (even one extending Map) is mocked, a built-in
  // (Map, Date, Buffer…) stays a value.
  for (let at: unknown = proto; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at)) {
    const ctor = Object.getOwnPropertyDescriptor(at, 'constructor')?.value as unknown;
    if (typeof ctor === 'function') return !isNative(ctor);
  }
  return true;
}

function kindOf(key: PropertyKey, value: unknown, instance: boolean): MemberKind {
  const fixed = symbolKind(key);
  if (fixed !== undefined) return fixed;
  if (typeof value === 'function') return functionKind(value as (...args: any[]) => unknown);
  return instance && hasMethods(value) ? 'object' : 'value';
}

/**
 * Collect members from a class prototype chain or an object (own and inherited). On an
 * instance, values are read through it to tell objects with methods from data; a getter
 * that throws reads as a plain value.
 */
export function collectMembers(source: object, instance: boolean): Map<PropertyKey, MemberKind> {
  const members = new Map<PropertyKey, MemberKind>();
  for (
    let proto: object | null = source;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    if (proto === Function.prototype) break;
    for (const key of Reflect.ownKeys(proto)) {
      // `constructor` stays the spec's (instanceof, names); a mocked custom inspector would
      // make console.log print `undefined` for the mock.
      if (key === 'constructor' || key === inspect.custom || members.has(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (descriptor === undefined) continue;
      // On an instance, read through it: a getter answers, and so does a Proxy whose
      // descriptors say less than its `get` (Prisma Client's model delegates).
      if (instance) members.set(key, kindOf(key, safeRead(source, key), true));
      else if (descriptor.get !== undefined || descriptor.set !== undefined) members.set(key, 'value');
      else members.set(key, kindOf(key, descriptor.value, false));
    }
  }
  return members;
}

function safeRead(source: object, key: PropertyKey): unknown {
  try {
    return (source as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * The class name of an instance: the first constructor up the chain whose `prototype` is
 * that link (a mixin may overwrite `constructor`: ioredis's `Redis.prototype.constructor`
 * is `EventEmitter`). `undefined` for plain objects.
 */
export function instanceName(value: object): string | undefined {
  for (
    let proto = Object.getPrototypeOf(value) as object | null;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as unknown;
    if (typeof ctor === 'function' && ctor.prototype === proto && ctor.name !== '') return ctor.name;
  }
  return undefined;
}
