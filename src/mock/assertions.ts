/**
 * The assertions of Python's `AsyncMock` (`assert_awaited_once_with` …) and their
 * call-counting twins for sync mocks, with messages that list what actually happened.
 *
 * @module
 */
import { MockAssertionError } from '../errors/index.ts';
import type { MockCall } from './call-record.ts';
import { argsMatch, formatArgs } from './equality.ts';

/** What the assertions need from a mock. */
export interface AssertionSubject {
  readonly name: string;
  /** Every call, in call order. */
  readonly records: readonly MockCall<any[]>[];
  /** The argument lists that count: awaits (async mocks) or calls (sync mocks). */
  readonly events: readonly (readonly unknown[])[];
  /** `'awaited'` or `'called'`. */
  readonly verb: 'awaited' | 'called';
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function listEvents(subject: AssertionSubject): string {
  const noun = subject.verb === 'awaited' ? 'awaits' : 'calls';
  const lines = subject.events.map((args, i) => `  ${i + 1}. ${formatArgs(args)}`);
  let text = lines.length === 0 ? `no ${noun}.` : `${noun}:\n${lines.join('\n')}`;
  if (subject.verb === 'awaited') {
    const unconsumed = subject.records.filter((record) => !record.consumed);
    if (unconsumed.length > 0) {
      const where = unconsumed.map(
        (record) =>
          `  call #${record.index} ${formatArgs(record.args)}${record.callSite?.location ? ` at ${record.callSite.location}` : ''}`,
      );
      text += `\n${unconsumed.length} call${unconsumed.length === 1 ? ' was' : 's were'} made but never awaited:\n${where.join('\n')}`;
    }
  }
  return text;
}

function fail(
  subject: AssertionSubject,
  message: string,
  details?: { actual: unknown; expected: unknown },
): never {
  throw new MockAssertionError(`${message}\n${subject.name} has ${listEvents(subject)}`, details);
}

/** At least one await (call). */
export function assertHappened(subject: AssertionSubject): void {
  if (subject.events.length === 0) fail(subject, `Expected ${subject.name} to have been ${subject.verb}.`);
}

/** Exactly one await (call). */
export function assertHappenedOnce(subject: AssertionSubject): void {
  const n = subject.events.length;
  if (n !== 1) {
    fail(
      subject,
      `Expected ${subject.name} to have been ${subject.verb} once, but it was ${subject.verb} ${n === 0 ? 'never' : times(n)}.`,
    );
  }
}

/** The last await (call) had these arguments. */
export function assertLastWith(subject: AssertionSubject, expected: readonly unknown[]): void {
  const last = subject.events.at(-1);
  if (last === undefined) {
    fail(
      subject,
      `Expected ${subject.name} to have been ${subject.verb} with ${formatArgs(expected)}, but it was never ${subject.verb}.`,
    );
  }
  if (!argsMatch(expected, last)) {
    fail(
      subject,
      `Expected the last time ${subject.name} was ${subject.verb} to be with ${formatArgs(expected)}, but it was with ${formatArgs(last)}.`,
      { actual: last, expected },
    );
  }
}

/** Exactly one await (call), with these arguments. */
export function assertOnceWith(subject: AssertionSubject, expected: readonly unknown[]): void {
  const n = subject.events.length;
  const only = subject.events[0];
  if (n !== 1 || only === undefined) {
    fail(
      subject,
      `Expected ${subject.name} to have been ${subject.verb} once with ${formatArgs(expected)}, but it was ${subject.verb} ${n === 0 ? 'never' : times(n)}.`,
    );
  }
  if (!argsMatch(expected, only)) {
    fail(
      subject,
      `Expected ${subject.name} to have been ${subject.verb} once with ${formatArgs(expected)}, but it was with ${formatArgs(only)}.`,
      {
        actual: only,
        expected,
      },
    );
  }
}

/** Some await (call) had these arguments. */
export function assertAny(subject: AssertionSubject, expected: readonly unknown[]): void {
  if (!subject.events.some((args) => argsMatch(expected, args))) {
    fail(
      subject,
      `Expected ${subject.name} to have been ${subject.verb} with ${formatArgs(expected)} at least once.`,
    );
  }
}

/**
 * The awaits (calls) contain `expected`: as a contiguous run in this order, or, with
 * `anyOrder`, all of them in any order (each actual event used at most once).
 */
export function assertHas(
  subject: AssertionSubject,
  expected: readonly (readonly unknown[])[],
  options: { anyOrder?: boolean } = {},
): void {
  const events = subject.events;
  if (options.anyOrder === true) {
    const remaining = [...events];
    const missing: (readonly unknown[])[] = [];
    for (const want of expected) {
      const at = remaining.findIndex((args) => argsMatch(want, args));
      if (at === -1) missing.push(want);
      else remaining.splice(at, 1);
    }
    if (missing.length > 0) {
      fail(
        subject,
        `Expected ${subject.name} to have been ${subject.verb} with all of these, in any order; missing: ${missing.map((args) => formatArgs(args)).join(', ')}.`,
        { actual: events, expected },
      );
    }
    return;
  }
  outer: for (let start = 0; start + expected.length <= events.length; start++) {
    for (let i = 0; i < expected.length; i++) {
      if (!argsMatch(expected[i] as unknown[], events[start + i] as unknown[])) continue outer;
    }
    return;
  }
  fail(
    subject,
    `Expected ${subject.name} to have been ${subject.verb} with this run, in order: ${expected.map((args) => formatArgs(args)).join(', ')}.`,
    { actual: events, expected },
  );
}

/** No await (call) at all. */
export function assertNever(subject: AssertionSubject): void {
  const n = subject.events.length;
  if (n !== 0)
    fail(
      subject,
      `Expected ${subject.name} not to have been ${subject.verb}, but it was ${subject.verb} ${times(n)}.`,
    );
}
