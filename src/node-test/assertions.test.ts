import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { asyncMock } from '../mock/index.ts';
import { frayAssertions } from './assertions.ts';

function failure(fn: () => void): { code: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    return { code: isFrayError(error) ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error('expected the assertion to fail');
}

describe('fray’s assertions for node:test', () => {
  test('pass when the mock was awaited as claimed', async () => {
    const save = asyncMock().named('repo.save');
    await save({ id: 1 });
    await save({ id: 2 });

    frayAssertions.awaited(save);
    frayAssertions.awaitedTimes(save, 2);
    frayAssertions.awaitedWith(save, { id: 1 });
    frayAssertions.lastAwaitedWith(save, { id: 2 });
  });

  test('fail with FRAY_MOCK_ASSERTION, naming the mock and listing its awaits', async () => {
    const save = asyncMock().named('repo.save');
    await save({ id: 1 });
    await save({ id: 2 });

    const { code, message } = failure(() => frayAssertions.awaitedOnceWith(save, { id: 1 }));

    expect(code).toBe('FRAY_MOCK_ASSERTION');
    expect(message).toContain('expected repo.save to have been awaited once with');
    expect(message).toContain('called 2 time(s) and awaited 2 time(s)');
  });

  test('a calledless mock fails awaited()', () => {
    const save = asyncMock().named('repo.save');

    expect(failure(() => frayAssertions.awaited(save)).message).toContain(
      'expected repo.save to have been awaited',
    );
  });
});
