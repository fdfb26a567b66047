import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';
import { describeDecision } from './report.ts';

describe("a failure's structured timeline", () => {
  it('has a lane per task, each call from start to delivery, the deviation in words and the diff', async () => {
    // Arrange — fails only when bob's result is delivered before alice's: one deviation.
    const result = await explore({
      strategy: 'dfs',
      quiet: true,
      setup: () => ({
        log: [] as string[],
        op: asyncMock((who: string) => Promise.resolve({ who }), { name: 'op' }),
      }),
      tasks: ({ log, op }) => ({
        alice: async () => log.push((await op('alice')).who),
        bob: async () => log.push((await op('bob')).who),
      }),
      check: ({ log }) => {
        expect(log).toEqual(['alice', 'bob']);
      },
    });

    // Act
    const timeline = result.failure?.timeline;

    // Assert
    expect(timeline?.steps).toBe(result.failure?.steps);
    expect(timeline?.lanes.map((lane) => [lane.task, lane.status, lane.result])).toEqual([
      ['alice', 'fulfilled', '2'],
      ['bob', 'fulfilled', '1'],
    ]);
    const [aliceCall] = timeline?.lanes[0]?.ops.filter((op) => op.kind === 'call') ?? [];
    expect(aliceCall).toMatchObject({ kind: 'call', key: 'alice:op#1', label: 'op', args: "('alice')" });
    expect(aliceCall?.result).toBe("{ who: 'alice' }");
    expect(aliceCall?.start).toBeLessThan(aliceCall?.end ?? 0);
    expect(timeline?.deviations).toHaveLength(1);
    const deviation = timeline?.deviations[0];
    expect(deviation?.step).toBe(result.failure?.schedule[0]?.step);
    expect(deviation?.text).toBe(
      `${describeDecision(deviation?.chosen ?? '')} — instead of ${describeDecision(deviation?.instead ?? '')}`,
    );
    expect(deviation?.chosen).toMatch(/^bob:/);
    expect(timeline?.broke).toMatchObject({
      kind: 'check',
      step: timeline?.steps,
      title: 'invariant violated',
    });
    expect(timeline?.broke.message).toMatch(/^AssertionError: expected \[ 'bob', 'alice' \]/);
    expect(timeline?.broke.diff).toEqual(["- [ 'alice', 'bob' ]", "+ [ 'bob', 'alice' ]"]);
    expect(JSON.parse(JSON.stringify(timeline))).toEqual(timeline);
  });

  it('shows timers that fired as ticks and those cleared before firing', async () => {
    // Arrange — a timer that always fires, one that is cleared, and a check that always fails.
    const result = await explore({
      strategy: 'dfs',
      quiet: true,
      tasks: () => ({
        waiter: async () => {
          const cleared = setTimeout(() => undefined, 50);
          clearTimeout(cleared);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return 'done';
        },
      }),
      check: () => {
        throw new Error('always');
      },
    });

    // Act
    const timers = result.failure?.timeline.lanes[0]?.ops.filter((op) => op.kind === 'timer') ?? [];

    // Assert
    expect(timers.map((op) => [op.label, op.status, op.result, op.end === undefined])).toEqual(
      expect.arrayContaining([
        ['timer(10ms)', 'fulfilled', '', false],
        ['timer(50ms)', 'pending', 'cleared before firing', true],
      ]),
    );
    expect(result.failure?.timeline.broke.diff).toEqual([]);
    expect(result.failure?.timeline.broke.message).toBe('Error: always');
  });
});
