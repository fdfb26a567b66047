/**
 * `mockObject(spec)`: a whole dependency mocked from a class, an instance or object, or a
 * member list. `async` members become async mocks, async generator methods and
 * `[Symbol.asyncIterator]` yield `mockAsyncIterable`s, `[Symbol.asyncDispose]` works with
 * `await using`; a plain function (which may return a promise without being declared
 * `async`, like most library methods) is decided by the test (see `adaptive-mock.ts`).
 * Objects with methods inside an instance spec (`stripe.customers`) are mocked in turn, on
 * first touch. Touching a member the spec lacks throws `FRAY_MOCK_UNKNOWN_MEMBER`
 * (Python: `AsyncMock(spec=...)`).
 *
 * @module
 */
import { isFrayError, MockSpecError, MockUnknownMemberError } from '../errors/index.ts';
import { adaptiveMock } from './adaptive-mock.ts';
import { asyncMock } from './async-mock.ts';
import type { AnyFunction } from './async-mock-types.ts';
import type { MockedObject } from './mocked-types.ts';
import { functionKind } from './function-kind.ts';
import { MOCK_MEMBERS } from './object-history.ts';
import { isProbe } from './probes.ts';
import { collectMembers, describeKey, instanceName, symbolKind, type MemberKind } from './spec-members.ts';
import { syncMock } from './sync-mock.ts';

export type { MockedMember, MockedObject, Unified } from './mocked-types.ts';

/** Options of {@link mockObject}. */
export interface MockObjectOptions<T> {
  /**
   * Name used in messages (`repo.getById`). Default: the class name, the instance's class
   * name, else `mockObject`.
   */
  name?: string;
  /**
   * Members to mock as async from the start although they are not declared `async`. Without
   * it such a member becomes async when the test gives it async behaviour (`resolves()`…).
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

interface Spec {
  readonly members: Map<PropertyKey, MemberKind>;
  readonly values: Map<PropertyKey, unknown>;
  readonly prototype: object | null;
  readonly name: string;
  /** Why a member may be missing, for the unknown-member error. */
  readonly hint: string | undefined;
}

const CLASS_HINT =
  'members the class creates in its constructor or as class fields are not on the class: pass an instance, give them with { values }, or use autoMock<T>().';
const OBJECT_HINT =
  'a member this object does not list (one a Proxy makes on access) can be given with { values }, or use autoMock<T>().';

function fromSpec(spec: unknown): Spec {
  if (Array.isArray(spec)) {
    const members = new Map<PropertyKey, MemberKind>(
      spec.map((key: PropertyKey) => [key, symbolKind(key) ?? 'async']),
    );
    return { members, values: new Map(), prototype: Object.prototype, name: 'mockObject', hint: undefined };
  }
  if (typeof spec === 'function') {
    const prototype: unknown = (spec as { prototype?: unknown }).prototype;
    const label = spec.name || 'the function';
    if (typeof prototype !== 'object' || prototype === null) {
      throw new MockSpecError(
        `mockObject(${label}) got a function that is not a class (it has no prototype to read methods from).`,
        `to mock the function itself use ${functionKind(spec as AnyFunction) === 'async' ? 'asyncMock' : 'asyncMock (or syncMock)'}(${spec.name || 'fn'}); to mock what it returns, pass an instance or use autoMock<T>().`,
      );
    }
    const members = read(() => collectMembers(prototype, false), label);
    if (members.size === 0) {
      throw new MockSpecError(
        `mockObject(${label}) found no methods on ${label}.prototype: every member would be unknown.`,
        `if ${label} is a plain function, mock it with asyncMock(${spec.name || 'fn'}); if its members are made in the constructor, pass an instance or use autoMock<T>().`,
      );
    }
    return { members, values: new Map(), prototype, name: spec.name || 'mockObject', hint: CLASS_HINT };
  }
  if (typeof spec === 'object' && spec !== null) {
    const className = read(() => instanceName(spec), 'object');
    const label = className ?? 'object';
    const members = read(() => collectMembers(spec, true), label);
    const values = new Map<PropertyKey, unknown>();
    for (const [key, kind] of members) {
      if (kind === 'value' || kind === 'object') values.set(key, readValue(spec, key));
    }
    // The instance's own prototype, so the mock passes `instanceof`; every member up the
    // chain is shadowed by a mock or a value, so nothing real is reachable through it.
    const prototype = read(() => Object.getPrototypeOf(spec) as object | null, label);
    return { members, values, prototype, name: className ?? 'mockObject', hint: OBJECT_HINT };
  }
  throw new MockSpecError(
    `mockObject() needs a class, an object or a list of member names; got ${spec === null ? 'null' : typeof spec}.`,
    'pass the class (mockObject(UserRepository)), an instance or object, or member names (mockObject<Repo>(["getById"])); for a mock without a spec use autoMock<T>().',
  );
}

function read<T>(collect: () => T, label: string): T {
  try {
    return collect();
  } catch (error) {
    if (isFrayError(error)) throw error;
    throw new MockSpecError(
      `mockObject(${label}): its members could not be read (${error instanceof Error ? error.message : String(error)}).`,
      'pass the class instead of the instance (or the other way round), a plain object with the members to mock, or use autoMock<T>().',
      { cause: error },
    );
  }
}

function readValue(spec: object, key: PropertyKey): unknown {
  try {
    return (spec as Record<PropertyKey, unknown>)[key];
  } catch {
    // A getter that needs a live connection: its value is not part of the mock.
    return undefined;
  }
}

/**
 * Mock every member of `spec`.
 *
 * - A class: its prototype methods (inherited ones too); the mock passes `instanceof`.
 * - An instance or object: its own and inherited members; data members keep their values,
 *   objects with methods (`stripe.customers`) are mocked in turn on first touch; the mock
 *   passes `instanceof` for the instance's class.
 * - A list of member names: each one an async mock (use `options.sync` for the others).
 *
 * Methods declared `async` are async mocks; plain functions become async or sync by what the
 * test does first (`resolves()` → async, `returns()` → sync, a call → sync).
 *
 * @example
 * ```ts
 * const repo = mockObject(ArtistRepository);
 * repo.getById.resolves({ id: '1', name: 'Nina Simone' });
 * const service = new ArtistService(repo);
 * await service.rename('1', 'Nina');
 * repo.save.assertAwaitedOnceWith({ id: '1', name: 'Nina' });
 *
 * const pool = mockObject(pg.Pool);
 * pool.query.resolves({ rows: [] }); // query is not declared async: resolves() makes it async
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
  const { members, values, prototype, hint, ...found } = read(() => fromSpec(spec), 'spec');
  const forced = new Map<PropertyKey, 'async' | 'sync'>();
  for (const key of options.async ?? []) forced.set(key, 'async');
  for (const key of options.sync ?? []) forced.set(key, 'sync');
  for (const key of forced.keys()) if (!members.has(key)) members.set(key, 'unknown');
  for (const [key, value] of Object.entries(options.values ?? {})) {
    members.set(key, 'value');
    values.set(key, value);
  }

  const name = options.name ?? found.name;
  const target: Record<PropertyKey, unknown> = Object.create(prototype) as Record<PropertyKey, unknown>;
  const install = (key: PropertyKey, value: unknown): void => {
    // Defined, not assigned: the spec's prototype may have a getter-only accessor by that name.
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: true });
  };
  /** The member's mock (or value), made on first touch: a class like ioredis's has hundreds. */
  const create = (key: PropertyKey, kind: MemberKind): unknown => {
    const label = `${name}.${describeKey(key)}`;
    const chosen = kind === 'value' || kind === 'object' ? kind : (forced.get(key) ?? kind);
    switch (chosen) {
      case 'async':
        return asyncMock<AnyFunction>(undefined, {
          name: label,
          ...(options.callSites === undefined ? {} : { callSites: options.callSites }),
          ...(options.callSiteLimit === undefined ? {} : { callSiteLimit: options.callSiteLimit }),
        });
      case 'sync':
        return syncMock(undefined, { name: label });
      case 'unknown':
        return adaptiveMock({
          name: label,
          defaultKind: 'sync',
          callSites: options.callSites,
          callSiteLimit: options.callSiteLimit,
        });
      case 'stream':
        return syncMock(undefined, { name: label }).yields([]);
      case 'value':
        return values.get(key);
      case 'object':
        return mockObject(values.get(key) as object, { name: label });
    }
  };
  const installed = new Set<PropertyKey>();
  const ensure = (key: PropertyKey): void => {
    if (installed.has(key)) return;
    const kind = members.get(key);
    if (kind === undefined) return;
    installed.add(key);
    install(key, create(key, kind));
  };
  const known = (): string[] => [...members.keys()].map(describeKey);
  Object.defineProperty(target, MOCK_MEMBERS, {
    value: function* () {
      for (const key of installed) {
        const value = target[key];
        if (typeof value === 'function' || (typeof value === 'object' && value !== null))
          yield [describeKey(key), value] as const;
      }
    },
  });

  return new Proxy(target, {
    get(object, key, receiver) {
      if (members.has(key)) {
        ensure(key);
        return Reflect.get<object, PropertyKey>(object, key, receiver);
      }
      if (key in object || isProbe(key)) return Reflect.get<object, PropertyKey>(object, key, receiver);
      throw new MockUnknownMemberError(name, describeKey(key), known(), hint);
    },
    set(_object, key, value) {
      if (!members.has(key)) throw new MockUnknownMemberError(name, describeKey(key), known(), hint);
      installed.add(key);
      install(key, value);
      return true;
    },
    has(object, key) {
      return members.has(key) || key in object;
    },
    ownKeys(object) {
      return [...new Set([...Reflect.ownKeys(object), ...members.keys()])].filter(
        (key): key is string | symbol => typeof key !== 'number',
      );
    },
    getOwnPropertyDescriptor(object, key) {
      if (members.has(key)) ensure(key);
      return Reflect.getOwnPropertyDescriptor(object, key);
    },
  });
}
