/**
 * fray/mock — mocks that know whether a promise was awaited.
 *
 * `asyncMock`, `mockObject`, `autoMock`, `spyOn`/`spyOnAsync` and `mockAsyncIterable` record
 * every call *and* whether its promise was consumed, with the assertions of Python's
 * `AsyncMock` (`assertAwaitedOnceWith`, `assertCalledOnceWith`…), a whole object's history
 * (`mockCalls`, `resetMocks`) and `assertNoFloating()` for calls nobody awaited. A rejection
 * nobody awaited is never swallowed. Every fray mock is also a spy to Vitest's and Jest's
 * matchers (`toHaveBeenCalledOnce`…).
 *
 * @example
 * ```ts
 * import { asyncMock, mockObject } from 'fray/mock';
 *
 * const repo = mockObject(UserRepository);
 * repo.getById.resolves({ id: '1', name: 'Ada' });
 * await new UserService(repo).rename('1', 'Ada L.');
 * repo.save.assertAwaitedOnceWith({ id: '1', name: 'Ada L.' });
 * ```
 *
 * @module
 */
export {
  asyncMock,
  isAsyncMock,
  type AnyFunction,
  type ArgMatchers,
  type AsyncMock,
  type AsyncMockOptions,
  type PendingCall,
  type Resolved,
  type SequenceItem,
  type WhenBuilder,
} from './async-mock.ts';
export {
  syncMock,
  isSyncMock,
  type SyncCall,
  type SyncMock,
  type SyncWhenBuilder,
  type YieldedBy,
} from './sync-mock.ts';
export {
  mockObject,
  type MockedMember,
  type MockedObject,
  type MockObjectOptions,
  type Unified,
} from './mock-object.ts';
export { autoMock, type AutoMember, type AutoMocked, type AutoMockOptions } from './auto-mock.ts';
export { mockCalls, resetMocks, type MemberCall } from './object-history.ts';
export { mockAsyncIterable, type MockAsyncIterable } from './async-iterable.ts';
export {
  spyOn,
  spyOnAsync,
  type AsyncSpy,
  type MethodKeys,
  type Spy,
  type SpyControls,
  type SyncSpy,
} from './spy.ts';
export type { SpyResult, SpySettledResult, SpyState } from './spy-state.ts';
export { useCallOrderSource } from './call-order.ts';
export { match, type AsymmetricMatcher } from './equality.ts';
export type { CallResult, MockCall } from './call-record.ts';
export type { CallSite } from './call-site.ts';
export { observeMockCalls, type MockCallObserver } from './observers.ts';
export { mockView, type MockView } from './mock-view.ts';
export { configureMocks, type MockSettings } from './settings.ts';
export {
  mockMatchers,
  type AwaitedMatchers,
  type MatcherContext,
  type MatcherResult,
} from './expect-matchers.ts';
