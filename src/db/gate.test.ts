/**
 * The admission gate (one session, an open transaction's owner first) and the lease (views
 * waiting for sessions), with their idle-holder diagnostics.
 *
 * @module
 */
import { describe, expect, test } from 'vitest';
import { DbClosedError, isFrayError } from '../errors/index.ts';
import { Gate, newOwner } from './gate.ts';
import { Lease, LeaseHolder } from './lease.ts';

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('Gate', () => {
  test('runs operations one at a time, first in first out', async () => {
    const gate = new Gate({ label: 'test session', waitTimeout: 0 });
    const order: string[] = [];
    const first = deferred();
    const a = newOwner('a');
    const b = newOwner('b');
    const runs = [
      gate.enqueue(a, async () => {
        order.push('a1 start');
        await first.promise;
        order.push('a1 end');
      }),
      gate.enqueue(b, () => {
        order.push('b1');
        return Promise.resolve();
      }),
      gate.enqueue(a, () => {
        order.push('a2');
        return Promise.resolve();
      }),
    ];
    expect(gate.busy).toBe(true);
    expect(gate.waiting).toBe(2);
    first.resolve();
    await Promise.all(runs);
    expect(order).toEqual(['a1 start', 'a1 end', 'b1', 'a2']);
  });

  test("while an owner holds the transaction, its statements overtake everyone else's", async () => {
    const gate = new Gate({ label: 'test session', waitTimeout: 0 });
    const owner = newOwner('client #1');
    const other = newOwner('pool.query()');
    const order: string[] = [];
    await gate.enqueue(owner, () => {
      gate.txOwner = owner; // BEGIN
      return Promise.resolve();
    });
    const blocked = gate.enqueue(other, () => {
      order.push('other');
      return Promise.resolve();
    });
    await gate.enqueue(owner, () => {
      order.push('owner statement');
      return Promise.resolve();
    });
    expect(order).toEqual(['owner statement']);
    await gate.enqueue(owner, () => {
      gate.txOwner = null; // COMMIT
      order.push('owner commit');
      return Promise.resolve();
    });
    await blocked;
    expect(order).toEqual(['owner statement', 'owner commit', 'other']);
  });

  test('an operation waiting on an idle transaction owner fails with FRAY_DB_WAIT_TIMEOUT naming it', async () => {
    const gate = new Gate({ label: 'isolated() view', waitTimeout: 20 });
    const owner = newOwner('client #7');
    await gate.enqueue(owner, () => {
      gate.txOwner = owner;
      owner.beganAt = '    at checkout (/app/orders.ts:12:3)';
      return Promise.resolve();
    });
    const error = await gate
      .enqueue(newOwner('pool.query()'), () => Promise.resolve())
      .catch((e: unknown) => e);
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_WAIT_TIMEOUT');
    expect((error as Error).message).toContain('client #7 held an open transaction');
    expect((error as Error).message).toContain('/app/orders.ts:12:3');
  });

  test('close() rejects queued operations and waits for the running one', async () => {
    const gate = new Gate({ label: 'test session', waitTimeout: 0 });
    const owner = newOwner('a');
    const running = deferred();
    const first = gate.enqueue(owner, () => running.promise);
    const queued = gate.enqueue(owner, () => Promise.resolve('never'));
    const closed = gate.close(new DbClosedError('the view', 'open a new one'));
    await expect(queued).rejects.toMatchObject({ code: 'FRAY_DB_CLOSED' });
    running.resolve();
    await closed;
    await first;
    await expect(gate.enqueue(owner, () => Promise.resolve())).rejects.toMatchObject({
      code: 'FRAY_DB_CLOSED',
    });
  });
});

describe('Lease', () => {
  test('hands out capacity slots, then queues first in first out', async () => {
    const lease = new Lease({ capacity: 1, waitTimeout: 0, label: 'the session' });
    const a = new LeaseHolder('a');
    const b = new LeaseHolder('b');
    const c = new LeaseHolder('c');
    await lease.acquire(a);
    const order: string[] = [];
    const gotB = lease.acquire(b).then(() => order.push('b'));
    const gotC = lease.acquire(c).then(() => order.push('c'));
    lease.release(a);
    await gotB;
    lease.release(b);
    await gotC;
    expect(order).toEqual(['b', 'c']);
    expect(lease.held).toBe(1);
  });

  test('a waiter behind a holder idle for waitTimeout fails, showing where the holder was opened', async () => {
    const lease = new Lease({ capacity: 1, waitTimeout: 20, label: 'the PGlite session' });
    const forgotten = new LeaseHolder('    at test (/app/users.test.ts:8:20)');
    await lease.acquire(forgotten);
    const error = await lease.acquire(new LeaseHolder('waiter')).catch((e: unknown) => e);
    expect(isFrayError(error) && error.code).toBe('FRAY_DB_WAIT_TIMEOUT');
    expect((error as Error).message).toContain('/app/users.test.ts:8:20');
    expect((error as Error).message).toContain('await using');
  });

  test('close() rejects waiters and refuses new ones', async () => {
    const lease = new Lease({ capacity: 1, waitTimeout: 0, label: 'the session' });
    await lease.acquire(new LeaseHolder('a'));
    const waiting = lease.acquire(new LeaseHolder('b'));
    lease.close(new DbClosedError('the test database', 'x'));
    await expect(waiting).rejects.toMatchObject({ code: 'FRAY_DB_CLOSED' });
    await expect(lease.acquire(new LeaseHolder('c'))).rejects.toMatchObject({ code: 'FRAY_DB_CLOSED' });
  });
});
