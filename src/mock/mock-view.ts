/**
 * A version-stable view of any fray mock, read by the runner matchers and fray/leaks. Keyed
 * by a registry symbol so a matcher from one copy of fray understands mocks from another.
 *
 * @module
 */
import type { MockCall } from './call-record.ts';

/** Registry key of the view getter on every fray mock. */
export const MOCK_VIEW: unique symbol = Symbol.for('fray.mock.view.v1') as never;

/** What every fray mock exposes under {@link MOCK_VIEW}. */
export interface MockView {
  /** `async` mocks count awaits; `sync` mocks count calls. */
  readonly kind: 'async' | 'sync';
  readonly name: string;
  /** Every call with its result and consumption state. */
  readonly records: readonly MockCall<any[]>[];
  /** The events the matchers count: awaits for async mocks, calls for sync ones. */
  readonly events: readonly (readonly unknown[])[];
  /** Every call's arguments. */
  readonly calls: readonly (readonly unknown[])[];
}

/** The view of a fray mock, or `undefined` when `value` is not one. */
export function mockView(value: unknown): MockView | undefined {
  if (typeof value !== 'function') return undefined;
  return (value as { [MOCK_VIEW]?: MockView })[MOCK_VIEW];
}
