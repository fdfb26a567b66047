import { describe, expect, test } from 'vitest';
import { racesSection } from './html-races.ts';
import type { RaceCheckSummary } from './run-report.ts';

describe('the race section of report.html', () => {
  test('a gap two tasks hit alike is listed once, naming both; every gap keeps its fix', () => {
    // Arrange
    const serialized = {
      kind: 'serialized' as const,
      what: 'the isolated() view held one connection until another transaction ended',
      fix: "explore transaction races on fresh() databases with engine 'postgres'",
    };
    const race: RaceCheckSummary = {
      name: 'oversellFixed',
      status: 'passed',
      detail: 'passed 100 runs …',
      exploration: {
        claim: 'not-a-proof',
        runs: 100,
        strategy: 'portfolio',
        seed: 7,
        exhaustive: false,
        coverage: [],
        pct: [],
        gaps: [
          { ...serialized, task: 'ada' },
          { ...serialized, task: 'bob' },
          { kind: 'real-timer', task: 'ada', what: 'a real timer', fix: 'use the global setTimeout' },
        ],
        notes: [],
        summary: 'passed 100 runs (portfolio, seed 7), but this is not a proof: …',
      },
    };

    // Act
    const html = racesSection([race]);

    // Assert
    const items = [...html.matchAll(/<li>(.*?)<\/li>/g)].map((match) => match[1]);
    expect(items).toEqual([
      '<strong>serialized</strong> (ada, bob): the isolated() view held one connection until another transaction ended — <em>explore transaction races on fresh() databases with engine &#39;postgres&#39;</em>',
      '<strong>real-timer</strong> (ada): a real timer — <em>use the global setTimeout</em>',
    ]);
    expect(html).toContain('data-claim="not-a-proof"');
  });
});
