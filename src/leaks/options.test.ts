import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { formatTestReport, isAllowed, type Leak } from './leak.ts';
import { DEFAULT_LEVELS, levelsFromEnvironment, resolveOptions } from './options.ts';

const leak: Leak = {
  check: 'sockets',
  level: 'error',
  kind: 'socket',
  description: 'TCP socket to 127.0.0.1:5432 still open',
  location: '/app/src/db.ts:9:3',
  stack: 'at connect (/app/node_modules/pg-pool/index.js:1:1)\nat query (/app/src/db.ts:9:3)',
  test: {
    name: 'lists users',
    fullName: 'users > lists users',
    file: '/app/test/users.test.ts',
    runner: 'vitest',
  },
  afterEnd: false,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFrayError(error) ? error.code : 'not a fray error';
  }
  return undefined;
}

describe('levels', () => {
  test('every check fails the test by default', () => {
    expect(resolveOptions({}, undefined, {}).levels).toEqual(DEFAULT_LEVELS);
    expect(new Set(Object.values(DEFAULT_LEVELS))).toEqual(new Set(['error']));
  });

  test('one level for all, or per check, over FRAY_LEAKS', () => {
    const fromEnvironment = resolveOptions({ checks: { timers: 'error' } }, undefined, {
      FRAY_LEAKS: 'warn, timers=off, lateActivity=off',
    });
    expect(fromEnvironment.levels).toMatchObject({ sockets: 'warn', timers: 'error', lateActivity: 'off' });
    expect(resolveOptions({ checks: 'off' }, undefined, {}).levels.floatingMocks).toBe('off');
  });

  test.each([
    ['an unknown check', () => resolveOptions({ checks: { timer: 'warn' } as never }, undefined, {})],
    ['an unknown level', () => resolveOptions({ checks: { timers: 'fatal' } as never }, undefined, {})],
    ['a bad FRAY_LEAKS', () => levelsFromEnvironment('timers=loud')],
    ['an unknown check in FRAY_LEAKS', () => levelsFromEnvironment('handles=warn')],
    ['stackFrames out of range', () => resolveOptions({ stackFrames: 5 }, undefined, {})],
    [
      'an unknown check in an allow rule',
      () => resolveOptions({ allow: [{ check: 'nope' as never }] }, undefined, {}),
    ],
  ])('%s is a FRAY_LEAKS_USAGE error', (_name, fn) => {
    expect(codeOf(fn)).toBe('FRAY_LEAKS_USAGE');
  });

  test('allow rules given again (setup code run for each file) are kept once', () => {
    const first = resolveOptions(
      { allow: ['pg-pool', /cache/, { check: 'timers', site: /a\.ts/ }] },
      undefined,
      {},
    );
    const again = resolveOptions(
      { allow: ['pg-pool', /cache/, { check: 'timers', site: /a\.ts/ }, 'new'] },
      first,
      {},
    );

    expect(again.allow).toHaveLength(4);
  });

  test('FRAY_LEAKS_REPORT names the report file', () => {
    expect(resolveOptions({}, undefined, { FRAY_LEAKS_REPORT: '/tmp/leaks.jsonl' }).reportFile).toBe(
      '/tmp/leaks.jsonl',
    );
  });
});

describe('the allow-list', () => {
  test.each([
    ['a text in a frame', 'node_modules/pg-pool', true],
    ['a text in the description', '127.0.0.1:5432', true],
    ['a pattern', /src\/db\.ts/, true],
    ['an object narrowed to the check and test', { check: 'sockets', test: /^users >/ }, true],
    ['an object for another check', { check: ['timers', 'servers'] }, false],
    ['an object whose site does not match', { check: 'sockets', site: 'src/cache.ts' }, false],
    ['an unrelated text', 'redis', false],
  ] as const)('%s', (_name, rule, allowed) => {
    expect(isAllowed(leak, [rule])).toBe(allowed);
  });
});

test('a report names the test, each leak, where it was created and how to fix it', () => {
  const report = formatTestReport(leak.test, [leak], '/app');

  expect(report).toContain('fray/leaks: test "users > lists users" (test/users.test.ts) left 1 leak behind:');
  expect(report).toContain('✖ sockets: TCP socket to 127.0.0.1:5432 still open');
  expect(report).toContain('created at src/db.ts:9:3');
  expect(report).toContain('fix: close it');
});
