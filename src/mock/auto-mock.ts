/**
 * `autoMock<T>()`: a mock object without a spec, whose members are created on first touch
 * (Python: `MagicMock()` / `AsyncMock()` without `spec`). Members are async by default and
 * become sync when the test says so (`returns()`, `{ sync: [...] }`); each member is also a
 * namespace whose own members are created on first touch (`prisma.user.findUnique`).
 * `for await` iterates nothing until told (`mock[Symbol.asyncIterator].yields([...])`), and
 * `await using` awaits `[Symbol.asyncDispose]`.
 *
 * The type parameter is the only spec: TypeScript checks member names, the runtime accepts
 * any name. To refuse unknown names, use `mockObject(spec)`.
 *
 * @module
 */
import { adaptiveMock } from './adaptive-mock.ts';
import type { MockedMember } from './mocked-types.ts';
import { MOCK_MEMBERS } from './object-history.ts';
import { isProbe } from './probes.ts';
import { describeKey } from './spec-members.ts';
import { syncMock } from './sync-mock.ts';

/** A member of an {@link AutoMocked} object: a mock by its type, and a namespace of members. */
export type AutoMember<V> = V extends (...args: any[]) => any
  ? MockedMember<V> & AutoMocked<Omit<V, keyof ((...args: any[]) => any)>>
  : V extends object
    ? AutoMocked<V>
    : V;

/** A spec-less mock of `T`: every member, at any depth, mocked on first touch. */
export type AutoMocked<T> = T & { -readonly [K in keyof T]: AutoMember<T[K]> };

/**
 * Options of {@link autoMock}.
 *
 * @example
 * ```ts
 * const redis = autoMock<Redis>({ name: 'redis', sync: ['pipeline', 'on'], values: { status: 'ready' } });
 * ```
 */
export interface AutoMockOptions<T> {
  /** Name used in messages (`redis.get`). Default: `autoMock`. */
  name?: string;
  /**
   * What a member becomes when it is called before the test gave it a kind. Default
   * `'async'` (calls return promises). `returns()`/`throws()`/`yields()` make a member sync
   * whatever this says, `resolves()`/`rejects()` make it async.
   */
  kind?: 'async' | 'sync';
  /** Member paths that are async from the start (`'get'`, `'user.findUnique'`). Default: none. */
  async?: readonly string[];
  /** Member paths that are sync from the start (`'pipeline'`, `'on'`). Default: none. */
  sync?: readonly string[];
  /** Plain values for data members (`{ status: 'ready' }`), taken as they are. Default: none. */
  values?: Partial<T>;
  /** Capture call sites for async members; see `asyncMock`'s option. */
  callSites?: boolean;
  /** Calls per async member that capture their call site; see `asyncMock`'s option. */
  callSiteLimit?: number;
}

/** Protocol members every autoMock has: `for await`, `await using` and `using` work on it. */
const PROTOCOL = new Set<PropertyKey>([Symbol.asyncIterator, Symbol.asyncDispose, Symbol.dispose]);

/** The members of one level (the root, or a member's namespace), in creation order. */
type Level = Map<PropertyKey, unknown>;

/**
 * A mock object without a spec: members are created on first touch, async by default.
 *
 * @example
 * ```ts
 * const redis = autoMock<Redis>({ name: 'redis', sync: ['pipeline'] });
 * redis.get.resolves('cached');
 * await new Cache(redis).read('k');
 * redis.get.assertAwaitedOnceWith('k');
 *
 * const prisma = autoMock<PrismaClient>({ name: 'prisma' });
 * prisma.user.findUnique.resolves({ id: 1, email: 'ada@example.com' });
 *
 * await using session = autoMock(); // [Symbol.asyncDispose] is awaited on exit
 * ```
 */
export function autoMock<T extends object = any>(options: AutoMockOptions<T> = {}): AutoMocked<T> {
  const rootName = options.name ?? 'autoMock';
  const defaultKind = options.kind ?? 'async';
  const forced = new Map<string, 'async' | 'sync'>();
  for (const path of options.async ?? []) forced.set(path, 'async');
  for (const path of options.sync ?? []) forced.set(path, 'sync');

  const listing = (level: Level) =>
    function* (): Generator<readonly [string, unknown]> {
      for (const [key, value] of level) {
        if (typeof value === 'function' || (typeof value === 'object' && value !== null))
          yield [describeKey(key), value] as const;
      }
    };

  /** The member at `path` of `level`, created on first touch. */
  const member = (level: Level, path: string, key: PropertyKey): unknown => {
    if (level.has(key)) return level.get(key);
    const name = `${rootName}.${path}`;
    let created: unknown;
    if (key === Symbol.asyncIterator) created = syncMock(undefined, { name }).yields([]);
    else if (key === Symbol.dispose) created = syncMock(undefined, { name });
    else {
      const children: Level = new Map();
      created = adaptiveMock({
        name,
        defaultKind: key === Symbol.asyncDispose ? 'async' : defaultKind,
        kind: forced.get(path),
        callSites: options.callSites,
        callSiteLimit: options.callSiteLimit,
        child: (child) => member(children, `${path}.${child}`, child),
        children: listing(children),
        assign: (child, value) => {
          children.set(child, value);
          return true;
        },
      });
    }
    level.set(key, created);
    return created;
  };

  const root: Level = new Map(Object.entries(options.values ?? {}));
  const target = Object.create(Object.prototype) as Record<PropertyKey, unknown>;
  Object.defineProperty(target, MOCK_MEMBERS, { value: listing(root) });
  const creates = (key: PropertyKey): boolean => PROTOCOL.has(key) || !isProbe(key);

  return new Proxy(target, {
    get(object, key, receiver) {
      if (root.has(key)) return root.get(key);
      if (key in object || !creates(key)) return Reflect.get<object, PropertyKey>(object, key, receiver);
      return member(root, describeKey(key), key);
    },
    set(_object, key, value) {
      root.set(key, value);
      return true;
    },
    has(object, key) {
      // The protocol members exist before first touch, as `for await` and `await using` see them.
      return root.has(key) || key in object || PROTOCOL.has(key);
    },
    ownKeys(object) {
      return [...new Set([...Reflect.ownKeys(object), ...root.keys()])].filter(
        (key): key is string | symbol => typeof key !== 'number',
      );
    },
    getOwnPropertyDescriptor(object, key) {
      if (root.has(key))
        return { value: root.get(key), writable: true, enumerable: true, configurable: true };
      return Reflect.getOwnPropertyDescriptor(object, key);
    },
  }) as AutoMocked<T>;
}
