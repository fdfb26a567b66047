import { describe, expect, test } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { siteOf } from './fixtures/lines.ts';
import { checkLeaks, collapseLeaks, formatTestReport, type Leak } from './index.ts';

const here = new URL(import.meta.url);

function leak(overrides: Partial<Leak>): Leak {
  return {
    check: 'timers',
    level: 'error',
    kind: 'interval',
    description: 'setInterval(1000 ms) still active',
    location: '/app/src/poller.ts:4:3',
    stack: '',
    test: { name: 't', fullName: 't', file: undefined, runner: 'manual' },
    afterEnd: false,
    ...overrides,
  };
}

describe('repeated findings', () => {
  test('400 floating promises from one call site are one line with a count and the first call', async () => {
    // Arrange
    const mailer = { send: asyncMock().named('mailer.send') };

    // Act
    const run = await checkLeaks(() => {
      for (let i = 0; i < 400; i++) void mailer.send(`user${i}@example.com`); // mark: loop
    });
    const report = formatTestReport(run.test, run.leaks, '/');

    // Assert
    expect(run.leaks).toHaveLength(400);
    const lines = report.split('\n').filter((line) => line.includes('floatingMocks'));
    expect(lines).toEqual([
      "  ✖ floatingMocks: mailer.send(…) was called but its promise was never awaited — 400 times from the same call site (first: mailer.send('user0@example.com'))",
    ]);
    expect(report).toMatch(/^fray\/leaks: test ".*" left 400 leaks behind:/);
    expect(run.leaks[0]?.location).toMatch(siteOf(here, 'loop'));
  });

  test('keeps findings apart by check, line, state and description; without a line, never merges', () => {
    // Arrange
    const leaks = [
      leak({}),
      leak({}),
      leak({ location: '/app/src/other.ts:9:1' }),
      leak({ afterEnd: true }),
      leak({ description: 'setTimeout(5000 ms) still pending', kind: 'timeout' }),
      leak({ location: undefined }),
      leak({ location: undefined }),
    ];

    // Act
    const groups = collapseLeaks(leaks);

    // Assert
    expect(groups.map((group) => [group.count, group.leak.location, group.description, group.first])).toEqual(
      [
        [2, '/app/src/poller.ts:4:3', 'setInterval(1000 ms) still active', undefined],
        [1, '/app/src/other.ts:9:1', 'setInterval(1000 ms) still active', undefined],
        [1, '/app/src/poller.ts:4:3', 'setInterval(1000 ms) still active', undefined],
        [1, '/app/src/poller.ts:4:3', 'setTimeout(5000 ms) still pending', undefined],
        [1, undefined, 'setInterval(1000 ms) still active', undefined],
        [1, undefined, 'setInterval(1000 ms) still active', undefined],
      ],
    );
  });
});
