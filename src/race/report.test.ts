import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';
import { describeDecision } from './report.ts';

describe('the failure report', () => {
  it('shows the invariant with a diff, the deviations, a timeline per task and the replay line', async () => {
    // Arrange — stock of 1, two buyers: fails only if bob reads before alice decrements.
    const result = await explore({
      name: 'last lamp',
      strategy: 'dfs',
      quiet: true,
      setup: () => {
        const shop = { stock: 1, sold: [] as string[] };
        return {
          shop,
          stock: asyncMock((sku: string) => Promise.resolve(sku === 'lamp' ? shop.stock : 0), {
            name: 'inventory.stock',
          }),
          sell: asyncMock((buyer: string) => Promise.resolve(void (shop.stock--, shop.sold.push(buyer))), {
            name: 'inventory.sell',
          }),
        };
      },
      tasks: ({ stock, sell }) => ({
        alice: async () => ((await stock('lamp')) > 0 ? sell('alice') : 'sold out'),
        bob: async () => ((await stock('lamp')) > 0 ? sell('bob') : 'sold out'),
      }),
      check: ({ shop }) => {
        expect({ stock: shop.stock, sold: shop.sold.length }).toEqual({ stock: 0, sold: 1 });
      },
    });
    // Act
    const report = result.failure?.report ?? '';
    // Assert
    expect(report.split('\n')[0]).toBe('fray/race: invariant violated in "last lamp"');
    expect(report).toContain('  - expected\n  + actual');
    expect(report).toContain('  - { sold: 1, stock: 0 }\n  + { sold: 2, stock: -1 }');
    expect(report).toContain('Found on run 1 of 1 by dfs (strategy dfs, seed');
    expect(report).toContain('Deviations from first-come order (0):\n  none: first-come order itself fails');
    expect(report).toMatch(
      / {2}alice — fulfilled undefined\n {7}1 {2}begin\n {7}3 {2}start {4}inventory\.stock\('lamp'\)\n {7}5 {2}deliver {2}inventory\.stock → 1\n/,
    );
    expect(report).toContain("start    inventory.sell('bob')");
    expect(report).toMatch(
      /Replay:\n {2}explore\(\{ …, replay: 'fr[12];[^']+' \}\)\n {2}npx fray replay src\/race\/report\.test\.ts 'fr[12];/,
    );
  });

  it('marks deviations in the timeline and explains each in words', async () => {
    // Arrange — fails only when bob's result is delivered before alice's.
    const result = await explore({
      strategy: 'dfs',
      quiet: true,
      setup: () => ({
        log: [] as string[],
        op: asyncMock((who: string) => Promise.resolve(who), { name: 'op' }),
      }),
      tasks: ({ log, op }) => ({
        alice: async () => log.push(await op('alice')),
        bob: async () => log.push(await op('bob')),
      }),
      check: ({ log }) => {
        expect(log).toEqual(['alice', 'bob']);
      },
    });
    // Act
    const report = result.failure?.report ?? '';
    // Assert
    expect(result.failure?.schedule).toHaveLength(1);
    const deviation = result.failure?.schedule[0];
    expect(report).toContain(
      `step ${String(deviation?.step).padStart(3)}: ${describeDecision(deviation?.chosen ?? '')}  — instead of ${describeDecision(deviation?.instead ?? '')}`,
    );
    expect(report).toMatch(/\d✱ (begin|start|deliver)/);
  });

  it('describes decisions in words', () => {
    // Act / Assert
    expect(describeDecision('alice:begin')).toBe('begin alice');
    expect(describeDecision('alice:db.query#2:start')).toBe("start alice's db.query#2");
    expect(describeDecision('bob:POST /orders#1:deliver')).toBe("deliver bob's POST /orders#1");
    expect(describeDecision('bob:timer(100ms)#1:fire')).toBe("fire bob's timer(100ms)#1");
  });
});

describe('a failure drawn when first read', () => {
  it('serializes its report and timeline like plain fields, the same on every read', async () => {
    // Arrange — the shortest lost update: both tasks read before either writes.
    const result = await explore({
      name: 'lazy report',
      strategy: 'dfs',
      quiet: true,
      setup: () => {
        const store = { n: 0 };
        return {
          store,
          get: asyncMock(() => Promise.resolve(store.n), { name: 'store.get' }),
          set: asyncMock((v: number) => Promise.resolve(void (store.n = v)), { name: 'store.set' }),
        };
      },
      tasks: ({ get, set }) => ({
        a: async () => set((await get()) + 1),
        b: async () => set((await get()) + 1),
      }),
      check: ({ store }) => expect(store.n).toBe(2),
    });
    const failure = result.failure;
    // Act
    const copy = JSON.parse(JSON.stringify(failure)) as { report: string; timeline: { lanes: unknown[] } };
    const first = failure?.report;
    // Assert
    expect(result.summary.startsWith('fray/race: invariant violated in "lazy report"')).toBe(true);
    expect(copy.report).toBe(first);
    expect(failure?.report).toBe(first);
    expect(first).toContain(`npx fray replay src/race/report.test.ts '${failure?.replay ?? ''}'`);
    expect(copy.timeline.lanes).toHaveLength(2);
    expect(Object.keys(failure ?? {})).toEqual(expect.arrayContaining(['report', 'timeline']));
  });

  it('draws them with getters shared by every failure, not a closure per failure', async () => {
    // Arrange — a getter per failure is a closure over its whole exploration, and each one kept
    // that exploration alive through the next young-generation collection.
    const failing = (seed: number) =>
      explore({
        seed,
        quiet: true,
        tasks: () => ({ a: () => Promise.resolve(), b: () => Promise.resolve() }),
        check: () => {
          throw new Error('always');
        },
      });
    // Act
    const [one, two] = [(await failing(1)).failure, (await failing(2)).failure];
    // Assert
    for (const key of ['report', 'timeline'])
      expect(Object.getOwnPropertyDescriptor(one ?? {}, key)?.get).toBe(
        Object.getOwnPropertyDescriptor(two ?? {}, key)?.get,
      );
    expect(Object.getOwnPropertyDescriptor(one ?? {}, 'report')?.get).toBeTypeOf('function');
  });
});
