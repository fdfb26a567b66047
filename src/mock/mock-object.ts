/**
 * `mockObject(spec)`: a whole dependency mocked from a class, an object or a member list.
 * `async` members become async mocks, sync members sync mocks, async generator methods and
 * `[Symbol.asyncIterator]` yield `mockAsyncIterable`s, `[Symbol.asyncDispose]` works with
 * `await using`. Touching a member the spec lacks throws `FRAY_MOCK_UNKNOWN_MEMBER`
 * (Python: `AsyncMock(spec=...)`).
 *
 * @module
 */
import { MockUnknownMemberError, MockUsageError } from '../errors/index.ts';
import { asyncMock, type AnyFunction, type AsyncMock } from './async-mock.ts';
import { syncMock, type SyncMock } from './sync-mock.ts';

/** How a member of `T` is mocked. */
export type MockedMember<V> = V extends (...args: any[]) => AsyncIterable<any>
  ? SyncMock<V>
  : V extends (...args: any[]) => PromiseLike<any>
    ? AsyncMock<V>
    : V extends (...args: any[]) => any
      ? SyncMock<V>
      : V;

/** A mocked `T`: usable wherever `T` is, with every method's mock API on it. */
export type MockedObject<T> = T & { -readonly [K in keyof T]: MockedMember<T[K]> };

/** Options of {@link mockObject}. */
export interface MockObjectOptions<T> {
  /** Name used in messages (`repo.getById`). Default: the class name, else `mockObject`. */
  name?: string;
  /**
   * Members to mock as async although they are not declared `async` — methods that return
   * a promise without the keyword (`getById(id) { return this.db.query(…) }`).
   */
  async?: readonly (keyof T & (string | symbol))[];
  /** Members to mock as sync although they are declared `async`. */
  sync?: readonly (keyof T & (string | symbol))[];
  /** Plain values for data members (including class fields, which a class spec cannot see). */
  values?: Partial<T>;
  /** Capture call sites for the async members; see `asyncMock`'s option. */
  callSites?: boolean;
  /** Calls per async member that capture their call site; see `asyncMock`'s option. */
  callSiteLimit?: number;
}

type Kind = 'async' | 'sync' | 'stream' | 'value';

// Keys that runtimes, test runners and pretty-printers probe on any object; answering
// `undefined` keeps `await mockObj`, `expect(mockObj)` and `console.log(mockObj)` working.
const PROBED = new Set([
  'then',
  'toJSON',
  'asymmetricMatch',
  'nodeType',
  'tagName',
  'inspect',
  'constructor',
  '_isMockFunction',
  'getMockName',
  'mock',
  'stack',
]);

function isProbe(key: PropertyKey): boolean {
  if (typeof key === 'symbol') return true;
  const name = String(key);
  return PROBED.has(name) || name.startsWith('@@') || name.startsWith('$$');
}

function kindOf(key: PropertyKey, value: unknown): Kind {
  if (key === Symbol.asyncDispose) return 'async';
  if (key === Symbol.asyncIterator) return 'stream';
  if (typeof value !== 'function') return 'value';
  switch (value.constructor.name) {
    case 'AsyncFunction':
      return 'async';
    case 'AsyncGeneratorFunction':
      return 'stream';
    default:
      return 'sync';
  }
}

function describeKey(key: PropertyKey): string {
  return typeof key === 'symbol' ? `[${key.description ?? 'symbol'}]` : String(key);
}

/** Collect members from a class prototype chain or an object (own and inherited). */
function collect(source: object): Map<PropertyKey, Kind> {
  const members = new Map<PropertyKey, Kind>();
  for (
    let proto: object | null = source;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || members.has(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (descriptor === undefined) continue;
      const isAccessor = descriptor.get !== undefined || descriptor.set !== undefined;
      members.set(key, isAccessor ? 'value' : kindOf(key, descriptor.value));
    }
  }
  return members;
}

/**
 * Mock every member of `spec`.
 *
 * - A class: its prototype methods (inherited ones too); the mock passes `instanceof`.
 * - An object: its own and inherited members; data members keep their values.
 * - A list of member names: each one an async mock (use `options.sync` for the others).
 *
 * @example
 * ```ts
 * const repo = mockObject(ArtistRepository);
 * repo.getById.resolves({ id: '1', name: 'Nina Simone' });
 * const service = new ArtistService(repo);
 * await service.rename('1', 'Nina');
 * repo.save.assertAwaitedOnceWith({ id: '1', name: 'Nina' });
 *
 * // async context manager and async iteration
 * await using session = mockObject(Session);
 * session[Symbol.asyncDispose].assertNotAwaited();
 * ```
 */
export function mockObject<C extends abstract new (...args: any[]) => any>(
  spec: C,
  options?: MockObjectOptions<InstanceType<C>>,
): MockedObject<InstanceType<C>>;
export function mockObject<T extends object>(
  spec: readonly (keyof T & (string | symbol))[],
  options?: MockObjectOptions<T>,
): MockedObject<T>;
export function mockObject<T extends object>(spec: T, options?: MockObjectOptions<T>): MockedObject<T>;
export function mockObject(spec: unknown, options: MockObjectOptions<any> = {}): unknown {
  let members: Map<PropertyKey, Kind>;
  let prototype: object | null = Object.prototype;
  let defaultName = 'mockObject';
  const values = new Map<PropertyKey, unknown>();
  if (Array.isArray(spec)) {
    members = new Map(spec.map((key: PropertyKey) => [key, 'async']));
  } else if (typeof spec === 'function' && typeof spec.prototype === 'object' && spec.prototype !== null) {
    members = collect(spec.prototype);
    prototype = spec.prototype as object;
    defaultName = spec.name || defaultName;
  } else if (typeof spec === 'object' && spec !== null) {
    members = collect(spec);
    for (const [key, kind] of members) {
      if (kind === 'value') values.set(key, (spec as Record<PropertyKey, unknown>)[key]);
    }
    const ctor = (Object.getPrototypeOf(spec) as { constructor?: { name?: string } } | null)?.constructor;
    if (ctor?.name && ctor.name !== 'Object') defaultName = ctor.name;
  } else {
    throw new MockUsageError(
      `mockObject() needs a class, an object or a list of member names; got ${spec === null ? 'null' : typeof spec}.`,
      'pass the class (mockObject(UserRepository)), an instance or object, or member names (mockObject<Repo>(["getById"])).',
    );
  }
  for (const key of options.async ?? []) members.set(key, 'async');
  for (const key of options.sync ?? []) members.set(key, 'sync');
  for (const [key, value] of Object.entries(options.values ?? {})) {
    members.set(key, 'value');
    values.set(key, value);
  }

  const name = options.name ?? defaultName;
  const target: Record<PropertyKey, unknown> = Object.create(prototype);
  for (const [key, kind] of members) {
    const label = `${name}.${describeKey(key)}`;
    switch (kind) {
      case 'async':
        target[key] = asyncMock<AnyFunction>(undefined, {
          name: label,
          ...(options.callSites === undefined ? {} : { callSites: options.callSites }),
          ...(options.callSiteLimit === undefined ? {} : { callSiteLimit: options.callSiteLimit }),
        });
        break;
      case 'sync':
        target[key] = syncMock(undefined, { name: label });
        break;
      case 'stream':
        target[key] = syncMock(undefined, { name: label }).yields([]);
        break;
      case 'value':
        target[key] = values.get(key);
        break;
    }
  }
  const known = (): string[] => [...members.keys()].map(describeKey);

  return new Proxy(target, {
    get(object, key, receiver) {
      if (members.has(key) || key in object || isProbe(key)) return Reflect.get(object, key, receiver);
      throw new MockUnknownMemberError(name, describeKey(key), known());
    },
    set(object, key, value, receiver) {
      if (!members.has(key)) throw new MockUnknownMemberError(name, describeKey(key), known());
      return Reflect.set(object, key, value, receiver);
    },
    has(object, key) {
      return members.has(key) || key in object;
    },
  });
}
