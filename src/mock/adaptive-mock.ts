/**
 * A member whose kind the runtime cannot tell: a plain function in a spec (it may return a
 * promise without being declared `async`, as most methods of pg, ioredis, the AWS SDK and
 * Stripe do) or a member of a spec-less `autoMock()`. It is undecided until the test says:
 *
 * - async behaviour or await assertions (`resolves`, `rejects`, `sequence`, `hold`,
 *   `assertAwaited…`, an `async` implementation) make it an async mock;
 * - sync behaviour (`returns`, `throws`, `yields`) makes it a sync mock;
 * - a call while undecided makes it the default kind (sync for a spec's plain function,
 *   async for an `autoMock()` member).
 *
 * Once decided it stays so: a call already made as a sync function returned a plain value,
 * so its awaits were never tracked, and the kind guards say that instead of guessing.
 *
 * @module
 */
import { MockUsageError } from '../errors/index.ts';
import { asyncMock } from './async-mock.ts';
import type { AnyFunction, AsyncMock } from './async-mock-types.ts';
import { functionKind } from './function-kind.ts';
import { ASYNC_ONLY, SYNC_ONLY } from './kind-guards.ts';
import { MOCK_VIEW, type MockView } from './mock-view.ts';
import { MOCK_MEMBERS, type MemberListing } from './object-history.ts';
import { syncMock, type SyncMock } from './sync-mock.ts';

type Kind = 'async' | 'sync';
type Inner = AsyncMock<AnyFunction> | SyncMock<AnyFunction>;

/** Options of {@link adaptiveMock}. */
export interface AdaptiveOptions {
  /** The mock's name (`Pool.query`). */
  readonly name: string;
  /** The kind a call makes it while undecided. */
  readonly defaultKind: Kind;
  /** The kind it has from the start, when the spec says so. */
  readonly kind?: Kind | undefined;
  readonly callSites?: boolean | undefined;
  readonly callSiteLimit?: number | undefined;
  /** What calls run until the test says otherwise (a spy's call-through); default none. */
  readonly impl?: AnyFunction | undefined;
  /**
   * For `autoMock()` members: the child member for an unknown key (`mock.db.query`),
   * created on first touch. Without it, unknown keys read as `undefined`.
   */
  readonly child?: ((key: string) => unknown) | undefined;
  /** The children created so far, for `mockCalls()`. */
  readonly children?: MemberListing | undefined;
  /** Assigning `member.key = value` (autoMock children); returns whether it was taken. */
  readonly assign?: ((key: string, value: unknown) => boolean) | undefined;
}

const TO_ASYNC = new Set<string>(ASYNC_ONLY);
const TO_SYNC = new Set<string>(SYNC_ONLY);
const ASYNC_WHEN = new Set(['resolves', 'rejects', 'resolvesOnce', 'rejectsOnce']);
const SYNC_WHEN = new Set(['returns', 'throws']);

function kindOf(mock: Inner): Kind {
  return 'awaitCount' in mock ? 'async' : 'sync';
}

/**
 * A mock of undecided kind (see the module comment). Looks and behaves exactly like the
 * async or sync mock it becomes: `isAsyncMock`, the spy shape and every method go to it.
 *
 * @example
 * ```ts
 * const query = adaptiveMock({ name: 'Pool.query', defaultKind: 'sync' });
 * query.resolves({ rows: [] }); // now an async mock
 * ```
 */
export function adaptiveMock(options: AdaptiveOptions): Inner {
  const make = (kind: Kind, name: string): Inner =>
    kind === 'async'
      ? asyncMock<AnyFunction>(options.impl, {
          name,
          ...(options.callSites === undefined ? {} : { callSites: options.callSites }),
          ...(options.callSiteLimit === undefined ? {} : { callSiteLimit: options.callSiteLimit }),
        })
      : syncMock<AnyFunction>(options.impl, { name });
  let decided = options.kind !== undefined;
  let inner = make(options.kind ?? options.defaultKind, options.name);

  const decide = (want: Kind): void => {
    if (decided) return;
    decided = true;
    // Calls made while undecided were made as the default kind; keep it (the guards explain).
    if (kindOf(inner) !== want && inner.callCount === 0) inner = make(want, inner.mockName);
  };
  const byImplementation = (fn: unknown): Kind =>
    typeof fn === 'function' && functionKind(fn as AnyFunction) === 'async' ? 'async' : options.defaultKind;

  // The target is an arrow function: callable, no non-configurable own properties, so the
  // proxy can answer every trap from `inner`.
  const shell = (): void => undefined;
  Object.defineProperty(shell, 'name', { value: options.name });
  const proxy: Inner = new Proxy(shell as unknown as Inner, {
    apply(_target, thisArg, args) {
      decided = true;
      return Reflect.apply(inner as AnyFunction, thisArg, args) as unknown;
    },
    get(target, key) {
      if (key === MOCK_MEMBERS) return options.children;
      // Never called and undecided: to the await matchers it is an async mock with no awaits
      // (true whatever it becomes), not a sync mock they would refuse.
      if (key === MOCK_VIEW && !decided && inner.callCount === 0) {
        return { kind: 'async', name: inner.mockName, records: [], events: [], calls: [] } satisfies MockView;
      }
      // What was defined on the proxy itself (a spy's restore/original/[Symbol.dispose]).
      if (Object.hasOwn(target, key)) return Reflect.get(target, key) as unknown;
      if (typeof key === 'string') {
        if (TO_ASYNC.has(key)) decide('async');
        else if (TO_SYNC.has(key)) decide('sync');
        else if (key === 'implement' || key === 'implementOnce') {
          return (fn: AnyFunction) => {
            decide(byImplementation(fn));
            (inner as unknown as Record<string, (fn: AnyFunction) => unknown>)[key]!(fn);
            return proxy;
          };
        } else if (key === 'when') {
          return (...matchers: unknown[]) => whenBuilder(matchers);
        }
      }
      if (key in inner) return Reflect.get(inner, key, inner) as unknown;
      if (typeof key === 'string' && options.child !== undefined) return options.child(key);
      return undefined;
    },
    set(_target, key, value) {
      if (typeof key === 'string' && options.assign?.(key, value) === true) return true;
      return Reflect.set(inner, key, value);
    },
    has(target, key) {
      return key in inner || Object.hasOwn(target, key);
    },
    getPrototypeOf() {
      return Object.getPrototypeOf(inner) as object | null;
    },
    ownKeys(target) {
      const own = Reflect.ownKeys(inner).filter(
        (key) => key !== 'prototype' && key !== 'arguments' && key !== 'caller',
      );
      return [...new Set([...Reflect.ownKeys(target), ...own])];
    },
    getOwnPropertyDescriptor(target, key) {
      if (Object.hasOwn(target, key)) return Reflect.getOwnPropertyDescriptor(target, key);
      if (key === 'prototype' || key === 'arguments' || key === 'caller') return undefined;
      const descriptor = Reflect.getOwnPropertyDescriptor(inner, key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });

  const whenBuilder = (matchers: unknown[]): Record<string, (value: unknown) => Inner> => {
    const rule =
      (method: string, kind: (value: unknown) => Kind) =>
      (value: unknown): Inner => {
        decide(kind(value));
        const builder = (inner as unknown as { when(...m: unknown[]): Record<string, unknown> }).when(
          ...matchers,
        );
        const apply = builder[method];
        if (typeof apply !== 'function') {
          throw new MockUsageError(
            `${inner.mockName}.when(…).${method}() is for ${kindOf(inner) === 'async' ? 'sync' : 'async'} mocks, but ${inner.mockName} is ${kindOf(inner) === 'async' ? 'an async' : 'a sync'} mock.`,
            kindOf(inner) === 'async'
              ? 'use when(…).resolves()/rejects()/implement() on an async member.'
              : 'use when(…).returns()/throws()/implement() on a sync member, or give it async behaviour before the code under test calls it.',
          );
        }
        (apply as (value: unknown) => unknown)(value);
        return proxy;
      };
    const builder: Record<string, (value: unknown) => Inner> = {};
    for (const method of ASYNC_WHEN) builder[method] = rule(method, () => 'async');
    for (const method of SYNC_WHEN) builder[method] = rule(method, () => 'sync');
    for (const method of ['implement', 'implementOnce']) builder[method] = rule(method, byImplementation);
    return builder;
  };

  return proxy;
}
