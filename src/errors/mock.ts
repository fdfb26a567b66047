/**
 * Errors raised by `fray/mock`.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/**
 * A mock configured with `sequence([...])` was called more times than the sequence has
 * items. The Python equivalent is `StopAsyncIteration` from an exhausted `side_effect`.
 */
export class MockExhaustedError extends FrayError {
  constructor(mockName: string, length: number, callNumber: number) {
    super(
      'FRAY_MOCK_EXHAUSTED',
      `${mockName}: call #${callNumber} found its sequence exhausted (it had ${length} item${length === 1 ? '' : 's'}).`,
      {
        fix: 'add items to sequence([...]), or set a fallback after it with resolves()/implement() once the test expects more calls.',
      },
    );
  }
}

/** Code touched a member of a `mockObject` that its spec does not declare. */
export class MockUnknownMemberError extends FrayError {
  /** The member that was touched. */
  readonly member: string;
  constructor(mockName: string, member: string, known: readonly string[], hint?: string) {
    const list = known.length === 0 ? '(none)' : known.join(', ');
    super(
      'FRAY_MOCK_UNKNOWN_MEMBER',
      `${mockName}.${member} is not part of the mock's spec. Known members: ${list}.`,
      {
        fix: `fix the typo in the code under test, or add '${member}' to the spec passed to mockObject()${hint === undefined ? '.' : `; ${hint}`}`,
      },
    );
    this.member = member;
  }
}

/**
 * An awaited-aware assertion (`assertAwaitedWith`, …) did not hold. Carries `actual` and
 * `expected` so test runners (Vitest, Jest) render a diff.
 */
export class MockAssertionError extends FrayError {
  readonly actual: unknown;
  readonly expected: unknown;
  /** Tells Vitest/Jest to render a diff of `actual` and `expected`. */
  readonly showDiff: boolean;
  constructor(message: string, details: { actual?: unknown; expected?: unknown } = {}) {
    super('FRAY_MOCK_ASSERTION', message);
    this.actual = details.actual;
    this.expected = details.expected;
    this.showDiff = 'actual' in details && 'expected' in details;
  }
}

/** `assertNoFloating()` found calls whose promise nobody awaited. */
export class MockFloatingError extends FrayError {
  constructor(message: string) {
    super('FRAY_MOCK_FLOATING', message, {
      fix: 'await the promise (or return it, or pass it to Promise.all); if dropping it is intended, call `void` on it and `.catch()` its errors.',
    });
  }
}

/** A mock helper received something it cannot work with (not a function, not an object…). */
export class MockUsageError extends FrayError {
  constructor(message: string, fix: string, options: { cause?: unknown } = {}) {
    super('FRAY_MOCK_USAGE', message, { fix, ...options });
  }
}

/**
 * `mockObject(spec)` got a spec it cannot mock from: a function that is not a class, a
 * class or object whose members cannot be read, or one that lists no members at all. The
 * message names what to pass instead.
 */
export class MockSpecError extends FrayError {
  constructor(message: string, fix: string, options: { cause?: unknown } = {}) {
    super('FRAY_MOCK_SPEC', message, { fix, ...options });
  }
}
