/**
 * When a level is flagged invalid: the worker-thread generator saturating its core, its
 * event loop lagging, or arrivals leaving late — each alone is enough, and a healthy level
 * passes. (The in-process bookkeeping check is exercised end to end in load.test.ts.)
 *
 * @module
 */
import { describe, expect, test } from 'vitest';
import { invalidReasons } from './health.ts';
import { planLoad } from './options.ts';
import type { GeneratorHealth, LevelMeasurement } from './recorder.ts';

const plan = planLoad({ rate: 1000, duration: '1s' });

/** A level measurement that is healthy unless `change` says otherwise. */
function measurement(
  change: { health?: Partial<GeneratorHealth>; arrivals?: number; lateStarts?: number } = {},
): LevelMeasurement {
  const health: GeneratorHealth = {
    thread: 'worker',
    cpu: 0.4,
    eventLoopDelay: { p50: 0.1, p99: 2, max: 5 },
    generatorShare: undefined,
    ...change.health,
  };
  return {
    level: { rate: 1000 },
    startedAt: 0,
    elapsedMs: 1000,
    completed: 1000,
    ok: 1000,
    errors: {},
    errorSamples: {},
    dropped: 0,
    arrivals: change.arrivals ?? 1000,
    lateStarts: change.lateStarts ?? 0,
    histogram: '',
    uncorrectedHistogram: undefined,
    timeline: [],
    stoppedBy: 'count',
    health,
  } as unknown as LevelMeasurement;
}

describe('a worker-thread generator is judged by its own health', () => {
  test('a healthy level is valid', () => {
    expect(invalidReasons(measurement(), plan)).toEqual([]);
  });

  test('a saturated core (≥ 90% CPU by default) invalidates the level', () => {
    const reasons = invalidReasons(measurement({ health: { cpu: 0.97 } }), plan);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/generator thread used 97(\.0)?% of a core \(limit 90(\.0)?%\)/);
  });

  test('event-loop lag over the limit (50 ms at p99 by default) invalidates the level', () => {
    const reasons = invalidReasons(
      measurement({ health: { eventLoopDelay: { p50: 20, p99: 80, max: 120 } } }),
      plan,
    );
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/event loop lagged 80.*at p99/);
  });

  test('more than 1% late arrivals invalidates the level; a handful from one pause does not', () => {
    const many = invalidReasons(measurement({ arrivals: 1000, lateStarts: 50 }), plan);
    const few = invalidReasons(measurement({ arrivals: 100, lateStarts: 5 }), plan);
    expect(many).toHaveLength(1);
    expect(many[0]).toMatch(/5(\.0)?% of arrivals started more than 10 ?ms late/);
    expect(few).toEqual([]);
  });

  test("the thresholds are the plan's: validity options move them", () => {
    const lenient = planLoad({ rate: 1000, duration: '1s', validity: { maxGeneratorCpu: 0.99 } });
    expect(invalidReasons(measurement({ health: { cpu: 0.97 } }), lenient)).toEqual([]);
  });
});
