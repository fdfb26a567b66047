import { describe, expect, it } from 'vitest';
import './fixtures/vitest-matchers.ts';
import { asyncMock } from '../mock/index.ts';
import { explore, raceMatchers } from './index.ts';

expect.extend(raceMatchers);

describe('toBeRaceFree()', () => {
  it('passes for a race-free result and fails with the report and the replay line', async () => {
    // Arrange
    const racy = await explore({
      seed: 1,
      quiet: true,
      setup: () => {
        const box = { n: 0 };
        return {
          box,
          get: asyncMock(() => Promise.resolve(box.n), { name: 'get' }),
          set: asyncMock((n: number) => Promise.resolve(void (box.n = n)), { name: 'set' }),
        };
      },
      tasks: ({ get, set }) => [async () => set((await get()) + 1), async () => set((await get()) + 1)],
      check: ({ box }) => {
        expect(box.n).toBe(2);
      },
    });
    const clean = await explore({ runs: 5, seed: 1, tasks: () => [() => Promise.resolve()] });
    // Act
    const failure = (() => {
      try {
        expect(racy).toBeRaceFree();
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    // Assert
    expect(clean).toBeRaceFree();
    expect(racy).not.toBeRaceFree();
    expect(failure?.message).toContain('fray/race: invariant violated');
    expect(failure?.message).toContain('Timeline');
    expect(failure?.message).toContain(`replay: '${racy.failure?.replay}'`);
    expect(() => expect(clean).not.toBeRaceFree()).toThrow(
      /expected a failing schedule, but passed: all 1 schedule explored/,
    );
  });

  it('refuses something that is not an exploration result', () => {
    // Act / Assert
    expect(() => expect({ ok: true }).toBeRaceFree()).toThrow(
      expect.objectContaining({ code: 'FRAY_RACE_USAGE' }),
    );
  });
});
