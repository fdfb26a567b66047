import { describe, expect, test } from 'vitest';
import { isFrayError, MockAssertionError } from '../errors/index.ts';
import { asyncMock, match } from './index.ts';

function failure(fn: () => void): MockAssertionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MockAssertionError) return error;
    throw error;
  }
  throw new Error('expected the assertion to fail');
}

async function awaitedWith(...argLists: string[][]) {
  const save = asyncMock<(...args: string[]) => Promise<void>>(undefined, { name: 'repo.save' });
  for (const args of argLists) await save(...args);
  return save;
}

describe('assertAwaited / assertAwaitedOnce / assertNotAwaited', () => {
  test('pass and fail on the await count, not the call count', async () => {
    const save = asyncMock(undefined, { name: 'repo.save' });
    void save('floating');

    const error = failure(() => save.assertAwaited());

    expect(error.code).toBe('FRAY_MOCK_ASSERTION');
    expect(error.message).toContain('Expected repo.save to have been awaited.');
    expect(error.message).toMatch(
      /1 call was made but never awaited:\n {2}call #1 \('floating'\) at .*assertions\.test\.ts/,
    );
    save.assertNotAwaited();

    await save('awaited');
    save.assertAwaited();
    save.assertAwaitedOnce();
  });

  test('assertAwaitedOnce lists the awaits when there were several', async () => {
    const save = await awaitedWith(['a'], ['b']);

    const error = failure(() => save.assertAwaitedOnce());

    expect(error.message).toBe(
      "Expected repo.save to have been awaited once, but it was awaited 2 times.\nrepo.save has awaits:\n  1. ('a')\n  2. ('b')",
    );
  });

  test('assertNotAwaited fails when awaited', async () => {
    const save = await awaitedWith(['a']);

    expect(() => save.assertNotAwaited()).toThrow(
      'Expected repo.save not to have been awaited, but it was awaited once.',
    );
  });
});

describe('assertAwaitedWith / assertAwaitedOnceWith / assertAnyAwait', () => {
  test('assertAwaitedWith checks the last await and carries actual/expected for a diff', async () => {
    const save = await awaitedWith(['a', '1'], ['b', '2']);

    save.assertAwaitedWith('b', '2');
    const error = failure(() => save.assertAwaitedWith('a', '1'));

    expect(error.message).toContain(
      "Expected the last time repo.save was awaited to be with ('a', '1'), but it was with ('b', '2').",
    );
    expect(error.actual).toEqual(['b', '2']);
    expect(error.expected).toEqual(['a', '1']);
    expect(error.showDiff).toBe(true);
  });

  test('assertAwaitedOnceWith needs exactly one await with those arguments', async () => {
    const once = await awaitedWith(['a']);
    const twice = await awaitedWith(['a'], ['a']);

    once.assertAwaitedOnceWith('a');
    expect(() => once.assertAwaitedOnceWith('b')).toThrow("but it was with ('a')");
    expect(() => twice.assertAwaitedOnceWith('a')).toThrow('but it was awaited 2 times');
  });

  test('assertAnyAwait finds any await and accepts matchers', async () => {
    const save = await awaitedWith(['a'], ['bb'], ['c']);

    save.assertAnyAwait('bb');
    save.assertAnyAwait(match((s: string) => s.length === 2));
    save.assertAnyAwait(expect.stringMatching(/^c$/));
    expect(() => save.assertAnyAwait('zz')).toThrow(
      "Expected repo.save to have been awaited with ('zz') at least once.",
    );
  });
});

describe('assertHasAwaits', () => {
  test('in order: the list must appear as a contiguous run', async () => {
    const save = await awaitedWith(['a'], ['b'], ['c']);

    save.assertHasAwaits([['b'], ['c']]);
    expect(() => save.assertHasAwaits([['a'], ['c']])).toThrow("with this run, in order: ('a'), ('c')");
  });

  test('anyOrder: every expected await must be present, each actual await used once', async () => {
    const save = await awaitedWith(['a'], ['b']);

    save.assertHasAwaits([['b'], ['a']], { anyOrder: true });
    const error = failure(() => save.assertHasAwaits([['a'], ['a']], { anyOrder: true }));

    expect(error.message).toContain("missing: ('a')");
  });
});

describe('assertNoFloating', () => {
  test('names every call whose promise nobody consumed, with where it was made', async () => {
    const send = asyncMock(undefined, { name: 'mailer.send' });
    await send('awaited@example.com');
    void send('dropped@example.com');

    let error: unknown;
    try {
      send.assertNoFloating();
    } catch (caught) {
      error = caught;
    }

    expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_FLOATING');
    expect((error as Error).message).toMatch(
      /^mailer\.send: 1 of 2 calls returned a promise nobody awaited:\n {2}call #2 \('dropped@example\.com'\) at .*assertions\.test\.ts:\d+:\d+/,
    );
    expect((error as Error).message).toContain('Fix: await the promise');
  });

  test('passes once every promise was consumed', async () => {
    const send = asyncMock();
    const pending = send();
    await pending;

    expect(() => send.assertNoFloating()).not.toThrow();
  });
});
