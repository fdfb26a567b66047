import { describe, expect, it } from 'vitest';
import { asyncMock } from '../../mock/index.ts';
import { explore } from '../index.ts';
import type { ChoiceContext } from '../run-types.ts';
import type { Decision } from '../state.ts';
import { BEGIN_BIAS, RandomStrategy } from './random.ts';

const SEED = 7;
// The random walk reads nothing of the context.
const CONTEXT = {} as ChoiceContext;

/** Enabled decisions: `begins` tasks still to begin, then `others` resumptions. */
function enabled(begins: number, others: number): Decision[] {
  const list: Decision[] = [];
  for (let i = 0; i < begins; i++)
    list.push({ kind: 'begin', id: `b${i}:begin`, seq: i, actor: {} } as unknown as Decision);
  for (let i = 0; i < others; i++)
    list.push({ kind: 'deliver', id: `o${i}:deliver`, seq: begins + i, actor: {} } as unknown as Decision);
  return list;
}

describe('random walk: begins', () => {
  it(`picks a begin about ${BEGIN_BIAS} of the time while tasks wait to begin, and every decision sometimes (seed ${SEED})`, () => {
    // Arrange
    const { chooser } = new RandomStrategy(SEED).next();
    const choices = enabled(2, 3);
    const picked = new Array<number>(choices.length).fill(0);
    const draws = 20_000;
    // Act
    for (let i = 0; i < draws; i++) picked[chooser.choose(choices, CONTEXT)]!++;
    // Assert
    const begins = (picked[0]! + picked[1]!) / draws;
    expect(begins).toBeGreaterThan(BEGIN_BIAS - 0.01);
    expect(begins).toBeLessThan(BEGIN_BIAS + 0.01);
    for (const count of picked) expect(count).toBeGreaterThan(draws * 0.02);
  });

  it(`is uniform when only begins, or no begins, are enabled (seed ${SEED})`, () => {
    // Arrange
    const { chooser } = new RandomStrategy(SEED).next();
    const draws = 20_000;
    for (const choices of [enabled(4, 0), enabled(0, 4)]) {
      const picked = [0, 0, 0, 0];
      // Act
      for (let i = 0; i < draws; i++) picked[chooser.choose(choices, CONTEXT)]!++;
      // Assert
      for (const count of picked) expect(Math.abs(count / draws - 0.25)).toBeLessThan(0.015);
    }
  });

  it('still finds a race that needs one task to arrive after another has taken two steps', async () => {
    // Arrange — bob's read sees the counter only between alice's two writes.
    const seeds = [1, 2, 3, 4, 5];
    const found: unknown[] = [];
    // Act
    for (const seed of seeds) {
      const result = await explore({
        setup: () => ({ value: 0, op: asyncMock(() => Promise.resolve(), { name: 'op' }) }),
        tasks: (world) => ({
          alice: async () => {
            await world.op();
            world.value = 1;
            await world.op();
            world.value = 2;
          },
          bob: () => {
            if (world.value === 1) throw new Error('bob arrived between alice’s writes');
            return Promise.resolve();
          },
        }),
        strategy: 'random',
        seed,
        runs: 2_000,
        shrink: false,
        quiet: true,
      });
      if (!result.ok) found.push((result.failure?.error as Error).message);
    }
    // Assert
    expect(found).toHaveLength(seeds.length);
    for (const message of found) expect(message).toContain('bob: Error: bob arrived between alice’s writes');
  });
});
