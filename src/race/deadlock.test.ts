import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';

/** An in-process async mutex: `lock()` resolves to a release function. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

/** Two transfers taking two account locks, in opposite orders unless `ordered`. */
function transfers(ordered: boolean) {
  return {
    setup: () => ({
      locks: new Map([
        [1, new Mutex()],
        [2, new Mutex()],
      ]),
      load: asyncMock((id: number) => Promise.resolve({ id, balance: 100 }), { name: 'accounts.load' }),
    }),
    tasks: ({ locks, load }: { locks: Map<number, Mutex>; load: (id: number) => Promise<unknown> }) => {
      const transfer = async (from: number, to: number): Promise<void> => {
        const [first, second] = ordered ? [Math.min(from, to), Math.max(from, to)] : [from, to];
        const releaseFirst = await locks.get(first)!.lock();
        await load(first);
        const releaseSecond = await locks.get(second)!.lock();
        await load(second);
        releaseSecond();
        releaseFirst();
      };
      return { '1 → 2': () => transfer(1, 2), '2 → 1': () => transfer(2, 1) };
    },
  };
}

describe('deadlocks', () => {
  it('are found and reported with what each task waits on', async () => {
    // Act
    const result = await explore({ ...transfers(false), seed: 1, quiet: true });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('deadlock');
    expect(result.failure?.error).toMatchObject({
      code: 'FRAY_RACE_DEADLOCK',
      waiting: [
        '1 → 2: waiting on await at src/race/deadlock.test.ts:32 (the awaited promise never settled)',
        '2 → 1: waiting on await at src/race/deadlock.test.ts:32 (the awaited promise never settled)',
      ],
    });
    expect(result.failure?.outcomes.map((o) => o.status)).toEqual(['pending', 'pending']);
    expect(result.failure?.report).toContain('fray/race: deadlock');
  });

  it('are gone when locks are taken in one global order (exhaustive)', async () => {
    // Act
    const result = await explore({ ...transfers(true), strategy: 'dfs' });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(true);
  });

  it('are tolerated with allowPending', async () => {
    // Act
    const result = await explore({
      ...transfers(false),
      seed: 1,
      allowPending: true,
      check: () => undefined,
    });
    // Assert
    expect(result.ok).toBe(true);
  });

  it('real work slower than blockedAfter, with nothing left to decide, is waited for, not called a deadlock', async () => {
    // Arrange: a wrapped client whose real I/O (a real timer in its own code) takes 150 ms,
    // five times blockedAfter — a slow server, not a lock another task holds.
    const slowStore = {
      async get(): Promise<number> {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return 1;
      },
    };
    // Act
    const result = await explore({
      setup: (ctl) => ({ store: ctl.wrap(slowStore, 'store') }),
      tasks: ({ store }) => ({ reader: () => store.get() }),
      blockedAfter: 30,
      runs: 2,
      seed: 1,
      quiet: true,
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.notes.join('\n')).toMatch(/store\.get.*assumed it was blocked/);
  });
});
