/**
 * A whole mock object's history: `mockCalls(obj)` lists every call of every member, nested
 * members included, in the order they were made (Python: `mock_calls` / `method_calls`);
 * `resetMocks(obj)` resets every member at once (Python: `reset_mock()`). Free functions,
 * not members of the object, so they can never collide with a member of the spec.
 *
 * @module
 */
import { MockUsageError } from '../errors/index.ts';
import { mockView } from './mock-view.ts';
import type { SpyState } from './spy-state.ts';

/** Registry key of the member listing on every mock object (shared by copies of fray). */
export const MOCK_MEMBERS: unique symbol = Symbol.for('fray.mock.members.v1') as never;

/** A member mock: callable, with the spy shape and `reset()`. */
interface MemberMock {
  (...args: unknown[]): unknown;
  readonly mock: SpyState<readonly unknown[]>;
  reset(options?: { behaviour?: boolean }): unknown;
}

/** What a mock object lists under {@link MOCK_MEMBERS}: its member mocks by path. */
export type MemberListing = () => Iterable<readonly [path: string, mock: unknown]>;

/**
 * One call in a mock object's history.
 *
 * @example
 * ```ts
 * const [first] = mockCalls(session); // { member: 'begin', args: [], order: 41, awaited: true }
 * ```
 */
export interface MemberCall {
  /** The member's path: `getById`, `db.query` for a nested member, `''` for the mock itself. */
  readonly member: string;
  /** The arguments of the call. */
  readonly args: readonly unknown[];
  /** Process-wide order of the call (increasing), as in `mock.invocationCallOrder`. */
  readonly order: number;
  /** For an async member, whether the caller consumed the call's promise; `undefined` for a sync one. */
  readonly awaited: boolean | undefined;
}

function listing(target: unknown): MemberListing | undefined {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return undefined;
  const list = (target as { [MOCK_MEMBERS]?: MemberListing })[MOCK_MEMBERS];
  return typeof list === 'function' ? list : undefined;
}

function members(target: unknown, caller: string): [string, MemberMock][] {
  const found: [string, MemberMock][] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, path: string): void => {
    if (seen.has(value)) return;
    seen.add(value);
    if (mockView(value) !== undefined) found.push([path, value as MemberMock]);
    const list = listing(value);
    if (list === undefined) return;
    for (const [child, mock] of list()) walk(mock, path === '' ? child : `${path}.${child}`);
  };
  walk(target, '');
  if (found.length === 0 && listing(target) === undefined) {
    throw new MockUsageError(
      `${caller}() needs a fray mock object or mock; got ${typeof target === 'function' ? 'a plain function' : target === null ? 'null' : typeof target}.`,
      'pass what mockObject(), autoMock(), asyncMock() or syncMock() returned.',
    );
  }
  return found;
}

/**
 * Every call of every member of a mock object (nested members of an `autoMock()` and the
 * lazily mocked objects of an instance spec included), in the order the calls were made.
 * On a single mock, its own calls with `member: ''`.
 *
 * @example
 * ```ts
 * await service.transfer(session, 'a', 'b', 10);
 * expect(mockCalls(session).map((call) => call.member)).toEqual(['begin', 'query', 'query', 'commit']);
 * expect(mockCalls(session)).toMatchObject([{ member: 'begin' }, {}, {}, { member: 'commit', awaited: true }]);
 * ```
 */
export function mockCalls(target: object): MemberCall[] {
  const calls: MemberCall[] = [];
  for (const [member, mock] of members(target, 'mockCalls')) {
    const view = mockView(mock);
    const state = mock.mock;
    state.calls.forEach((args, i) => {
      const record = view?.kind === 'async' ? view.records[i] : undefined;
      calls.push({
        member,
        args,
        order: state.invocationCallOrder[i] ?? 0,
        awaited: record === undefined ? undefined : record.consumed,
      });
    });
  }
  return calls.sort((a, b) => a.order - b.order);
}

/**
 * Reset every member of a mock object (and nested members): calls forgotten, and with
 * `{ behaviour: true }` every configured behaviour too — `reset()` on each member at once.
 *
 * @example
 * ```ts
 * afterEach(() => resetMocks(repo));
 * resetMocks(session, { behaviour: true }); // also forget resolves()/rejects()…
 * ```
 */
export function resetMocks(target: object, options: { behaviour?: boolean } = {}): void {
  for (const [, mock] of members(target, 'resetMocks')) mock.reset(options);
}
