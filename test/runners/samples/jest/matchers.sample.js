// fray's matchers under Jest, registered by fray/jest/environment: awaited-mock matchers
// with Jest's own equality, `.not`, and toBeRaceFree on a real explore() result. One test
// fails on purpose, to show the failure message Jest prints.
import { expect, test } from '@jest/globals';
import { asyncMock } from 'fray/mock';
import { explore } from 'fray/race';

test('matchers: awaited once with equal arguments', async () => {
  const save = asyncMock().resolves('ok');
  await save({ id: 7, tags: ['a'] });
  expect(save).toHaveBeenAwaitedOnceWith({ id: 7, tags: ['a'] });
  expect(save).toHaveBeenAwaitedTimes(1);
  expect(save).not.toHaveBeenAwaitedWith({ id: 8 });
});

test('matchers: a mock never called is not awaited', () => {
  const save = asyncMock();
  expect(save).not.toHaveBeenAwaited();
});

test('matchers: toBeRaceFree on an explored scenario', async () => {
  const result = await explore({
    setup: () => ({ hits: 0 }),
    tasks: (world) => ({
      a: async () => {
        world.hits++;
      },
      b: async () => {
        world.hits++;
      },
    }),
    check: (world) => {
      if (world.hits !== 2) throw new Error(`hits ${world.hits}`);
    },
    runs: 20,
    seed: 1,
    quiet: true,
  });
  expect(result).toBeRaceFree();
});

test('matchers: fails on purpose when an awaited mock is said not to be', async () => {
  const save = asyncMock().resolves('ok');
  await save('x');
  expect(save).not.toHaveBeenAwaited();
});
