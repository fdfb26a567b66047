import { describe, expectTypeOf, it } from 'vitest';
import {
  explore,
  linearizable,
  raceMatchers,
  type ExploreResult,
  type Outcome,
  type RaceControl,
  type RaceMatchers,
  type TaskOutcome,
} from './index.ts';

describe('explore() types', () => {
  it('infers the world from setup and shapes outcomes like the task set', () => {
    void explore({
      setup: (ctl) => {
        expectTypeOf(ctl).toEqualTypeOf<RaceControl>();
        return { balance: 100, db: ctl.wrap({ query: (sql: string) => Promise.resolve(sql.length) }, 'db') };
      },
      tasks: (world) => {
        expectTypeOf(world.balance).toEqualTypeOf<number>();
        expectTypeOf(world.db.query).parameters.toEqualTypeOf<[string]>();
        return { alice: () => world.db.query('a'), bob: () => Promise.resolve('done' as const) };
      },
      check: (world, outcomes) => {
        expectTypeOf(world.balance).toEqualTypeOf<number>();
        expectTypeOf(outcomes.alice).toEqualTypeOf<TaskOutcome<number>>();
        expectTypeOf(outcomes.bob).toEqualTypeOf<TaskOutcome<'done'>>();
        if (outcomes.alice.status === 'fulfilled') expectTypeOf(outcomes.alice.value).toEqualTypeOf<number>();
      },
    });
  });

  it('keeps tuples for array task sets', () => {
    void explore({
      tasks: () => [() => Promise.resolve(1), () => 'sync' as const] as const,
      check: (_world, outcomes) => {
        expectTypeOf(outcomes[0]).toEqualTypeOf<TaskOutcome<number>>();
        expectTypeOf(outcomes[1]).toEqualTypeOf<TaskOutcome<'sync'>>();
      },
    });
  });

  it('resolves to an ExploreResult, and accepts only known strategies', () => {
    expectTypeOf(explore({ tasks: () => [] })).resolves.toEqualTypeOf<ExploreResult>();
    void explore({ tasks: () => [], strategy: { kind: 'pct', depth: 3 } });
    void explore({ tasks: () => [], strategy: { kind: 'dfs', bound: 2 } });
    // @ts-expect-error depth is 1, 2 or 3
    void explore({ tasks: () => [], strategy: { kind: 'pct', depth: 4 } });
    // @ts-expect-error unknown strategy
    void explore({ tasks: () => [], strategy: 'bfs' });
  });

  it('types linearizable models and the matcher', () => {
    const check = linearizable<number>({
      init: () => 0,
      step: (n, op) => (op.status === 'fulfilled' ? n + 1 : false),
    });
    expectTypeOf(check).toEqualTypeOf<(ctx: unknown, outcomes: unknown) => void>();
    expectTypeOf<Outcome<number>>().toEqualTypeOf<
      | { readonly status: 'fulfilled'; readonly value: number }
      | { readonly status: 'rejected'; readonly reason: unknown }
      | { readonly status: 'pending' }
    >();
    expectTypeOf(raceMatchers.toBeRaceFree).returns.toHaveProperty('pass');
    expectTypeOf<RaceMatchers<void>['toBeRaceFree']>().returns.toEqualTypeOf<void>();
  });
});
