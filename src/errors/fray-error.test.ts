import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { FrayError, isFrayError, MockExhaustedError } from './index.ts';

describe('FrayError', () => {
  test('carries a stable code, appends the fix to the message and keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');

    const error = new FrayError('FRAY_TEST_THING', 'The thing failed.', { cause, fix: 'start the thing.' });

    expect(error.code).toBe('FRAY_TEST_THING');
    expect(error.message).toBe('The thing failed.\n  Fix: start the thing.');
    expect(error.fix).toBe('start the thing.');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  test('subclasses report their own name', () => {
    const error = new MockExhaustedError('repo.get', 2, 3);

    expect(error.name).toBe('MockExhaustedError');
    expect(String(error)).toMatch(/^MockExhaustedError: repo\.get: call #3/);
  });
});

describe('isFrayError', () => {
  test('recognises fray errors and rejects everything else', () => {
    expect(isFrayError(new MockExhaustedError('m', 1, 2))).toBe(true);
    expect(isFrayError(new Error('plain'))).toBe(false);
    expect(isFrayError({ code: 'ECONNRESET', message: 'x' })).toBe(false);
    expect(isFrayError(null)).toBe(false);
    expect(isFrayError('FRAY_X')).toBe(false);
  });

  test('works across realms: an error branded in another vm context', () => {
    const foreign: unknown = runInNewContext(
      `const e = new Error('from another realm'); Object.defineProperty(e, Symbol.for('fray.error'), { value: true }); e.code = 'FRAY_MOCK_EXHAUSTED'; e`,
    );

    expect(foreign instanceof Error).toBe(false);
    expect(isFrayError(foreign)).toBe(true);
  });

  test('recognises a structured clone (worker message) by its shape', () => {
    const cloned: unknown = structuredClone({
      ...new MockExhaustedError('m', 1, 2),
      message: 'm: exhausted',
    });

    expect(isFrayError(cloned)).toBe(true);
  });
});
