import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore, linearizable, type TaskOutcome } from './index.ts';

/** A bank account as a sequential model: deposits and withdrawals return the new balance. */
const account = linearizable<number>({
  init: () => 100,
  step(balance, op: TaskOutcome) {
    const amount = Number(/\d+/.exec(op.task)?.[0] ?? 0);
    if (op.status === 'pending') return balance;
    if (op.task.startsWith('deposit'))
      return op.status === 'fulfilled' && op.value === balance + amount && balance + amount;
    if (balance < amount) return op.status === 'rejected' && balance;
    return op.status === 'fulfilled' && op.value === balance - amount && balance - amount;
  },
});

function bank(atomic: boolean) {
  return {
    setup: () => {
      const state = { balance: 100 };
      const read = asyncMock(() => Promise.resolve(state.balance), { name: 'db.read' });
      const write = asyncMock((value: number) => Promise.resolve(void (state.balance = value)), {
        name: 'db.write',
      });
      const add = asyncMock(
        (delta: number) => {
          if (state.balance + delta < 0) return Promise.reject(new Error('insufficient funds'));
          state.balance += delta;
          return Promise.resolve(state.balance);
        },
        { name: 'db.add' },
      );
      const change = async (delta: number): Promise<number> => {
        if (atomic) return add(delta);
        const balance = await read();
        if (balance + delta < 0) throw new Error('insufficient funds');
        await write(balance + delta);
        return balance + delta;
      };
      return { change };
    },
    tasks: ({ change }: { change: (delta: number) => Promise<number> }) => ({
      'deposit 50': () => change(50),
      'deposit 70': () => change(70),
      'withdraw 120': () => change(-120),
    }),
    check: account,
  };
}

describe('linearizable(model)', () => {
  it('accepts every history of an atomic implementation', async () => {
    // Act
    const result = await explore({ ...bank(true), strategy: 'dfs', runs: 5000 });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.exhaustive).toBe(true);
    expect(result.runs).toBe(1680);
  });

  it('rejects a history no sequential order explains, with the history and why', async () => {
    // Act
    const result = await explore({ ...bank(false), seed: 1, quiet: true });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.error).toMatchObject({ code: 'FRAY_RACE_NOT_LINEARIZABLE' });
    const message = (result.failure?.error as Error).message;
    expect(message).toMatch(/deposit 50\s+\[\d+ → \d+\]\s+→ 150/);
    expect(message).toMatch(/deposit 70\s+\[\d+ → \d+\]\s+→ 170/);
    expect(message).toContain('the longest explainable prefix is');
  });

  it('respects real time: an operation that returned before another began comes first', () => {
    // Arrange — "read" began after "write 1" returned, yet saw the old value.
    const register = linearizable<number>({
      init: () => 0,
      step: (value, op) =>
        op.task === 'read'
          ? op.status === 'fulfilled' && op.value === value && value
          : op.status === 'fulfilled' && 1,
    });
    const outcome = (task: string, begin: number, end: number, value: unknown): TaskOutcome => ({
      status: 'fulfilled',
      value,
      task,
      begin,
      end,
    });
    // Act / Assert
    expect(() => register({}, [outcome('write 1', 1, 2, undefined), outcome('read', 3, 4, 0)])).toThrow(
      expect.objectContaining({ code: 'FRAY_RACE_NOT_LINEARIZABLE' }),
    );
    expect(() => register({}, [outcome('write 1', 1, 4, undefined), outcome('read', 2, 3, 0)])).not.toThrow();
  });

  it('refuses a model without init and step', () => {
    // Act / Assert
    expect(() => linearizable({} as never)).toThrow(expect.objectContaining({ code: 'FRAY_RACE_USAGE' }));
  });
});
