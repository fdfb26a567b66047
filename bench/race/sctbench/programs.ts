/**
 * SCTBench's CS programs (Thomson, Donaldson, Betts, "Concurrency testing using schedule
 * bounding: an empirical study", PPoPP 2014 — the `concurrent-software-benchmarks` of
 * mc-imperial/sctbench, from Cordeiro's ESBMC benchmarks), ported to async TypeScript: the
 * 29 programs SCTBench lists as buggy, and the fixed variants it ships (`_ok`, `_unsat`).
 *
 * The rules of the port, the same for every program (see ./sync.ts and docs/race.md):
 *
 * - a thread is a task; `main`'s own work is a task too (bluetooth_driver), and what `main`
 *   checks after `pthread_join` is `final`. Tasks are listed in `pthread_create` order.
 * - every read and every write of a shared variable is preceded by one scheduling point
 *   (`await pt()`): `x++` is a read and a write, two points; `a == 0 && b == 0` reads as C
 *   evaluates it (short-circuit). Variables `main` sets before creating the threads and no
 *   thread writes (constants, `buffer_size`, `x`, `y`, `z`) are not shared accesses.
 * - `pthread_mutex_lock/unlock`, `pthread_cond_wait/signal` are one point each (a woken or
 *   unblocked task resuming is one more); ESBMC's `__ESBMC_atomic_begin/end` is, as in
 *   SCTBench's `common.inc`, the lock and unlock of one global mutex.
 * - C helpers called by a thread (`enqueue`, `push`, `BCSP_IoDecrement`…) are inlined: an
 *   awaited helper would be one more point in fray that fast-check does not have.
 * - `assert(c)` throws in the task; the run fails. `printf` is dropped.
 *
 * Each program's header lists what else differs from the C.
 *
 * @module
 */
import { Cond, Mutex, type Assert, type Instance, type Program, type Sched } from './sync.ts';

// ── account ──────────────────────────────────────────────────────────────────
/**
 * account_bad.c / account_ok.c — 3 threads. `check_result` asserts
 * `balance == (x - y) - z` once both deposit and withdraw are done (ok: `(x + y) - z`).
 * Found only when check_result (created first) runs after both.
 * Changes: none beyond the rules (`x`, `y`, `z` are constants).
 */
function account(ok: boolean) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const m = new Mutex();
    const x = 1;
    const y = 2;
    const z = 4;
    const g = { balance: x, depositDone: false, withdrawDone: false };
    return {
      tasks: {
        check_result: async () => {
          for (await pt(); !m.tryLock();) await block(m.released());
          await pt();
          let both = g.depositDone;
          if (both) {
            await pt();
            both = g.withdrawDone;
          }
          if (both) {
            await pt();
            assert(g.balance === (ok ? x + y - z : x - y - z), 'balance == (x - y) - z');
          }
          await pt();
          m.unlock();
        },
        deposit: async () => {
          for (await pt(); !m.tryLock();) await block(m.released());
          await pt();
          const b = g.balance;
          await pt();
          g.balance = b + y;
          await pt();
          g.depositDone = true;
          await pt();
          m.unlock();
        },
        withdraw: async () => {
          for (await pt(); !m.tryLock();) await block(m.released());
          await pt();
          const b = g.balance;
          await pt();
          g.balance = b - z;
          await pt();
          g.withdrawDone = true;
          await pt();
          m.unlock();
        },
      },
    };
  };
}

// ── arithmetic_prog ──────────────────────────────────────────────────────────
/**
 * arithmetic_prog_bad.c / _ok.c — 2 threads, a producer and a consumer on a mutex and two
 * condition variables; `main` asserts `total != N(N+1)/2` after the joins (N = 3), which every
 * terminating schedule violates (ok: N = 4, `total == N(N+1)/2`).
 * Changes: the unused `flag` check kept (`if (flag)`); `printf`s dropped.
 */
function arithmeticProg(ok: boolean) {
  const N = ok ? 4 : 3;
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const m = new Mutex();
    const empty = new Cond();
    const full = new Cond();
    const g = { num: 0, total: 0, flag: false };
    return {
      tasks: {
        thread1: async () => {
          for (let i = 0; i < N; i++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            for (;;) {
              await pt();
              if (!(g.num > 0)) break;
              await pt();
              await block(empty.wait(m));
              while (!m.tryLock()) await block(m.released());
            }
            await pt();
            const n = g.num;
            await pt();
            g.num = n + 1;
            await pt();
            m.unlock();
            await pt();
            full.signal();
          }
        },
        thread2: async () => {
          let j = 0;
          while (j < N) {
            for (await pt(); !m.tryLock();) await block(m.released());
            for (;;) {
              await pt();
              if (!(g.num === 0)) break;
              await pt();
              await block(full.wait(m));
              while (!m.tryLock()) await block(m.released());
            }
            await pt();
            const t = g.total;
            await pt();
            g.total = t + j;
            await pt();
            const n = g.num;
            await pt();
            g.num = n - 1;
            await pt();
            m.unlock();
            await pt();
            empty.signal();
            j++;
          }
          await pt();
          const t = g.total;
          await pt();
          g.total = t + j;
          await pt();
          g.flag = true;
        },
      },
      final: () => {
        if (g.flag)
          assert(ok ? g.total === (N * (N + 1)) / 2 : g.total !== (N * (N + 1)) / 2, 'total != (N*(N+1))/2');
      },
    };
  };
}

// ── bluetooth_driver ─────────────────────────────────────────────────────────
/**
 * bluetooth_driver_bad.c — `main` runs `BCSP_PnpAdd` while a thread runs `BCSP_PnpStop`;
 * Add asserts `!stopped` after a successful `BCSP_IoIncrement`, which fails when Stop runs
 * entirely between Add's check of `stoppingFlag` and the assertion.
 * Changes: `main`'s own work is the task `main`, listed first (the creating thread runs on
 * after `pthread_create`); `BCSP_IoIncrement/IoDecrement` inlined.
 */
function bluetoothDriver({ pt, block }: Sched, assert: Assert): Instance {
  const atomic = new Mutex();
  const e = { pendingIo: 1, stoppingFlag: false, stoppingEvent: false };
  const g = { stopped: false };
  return {
    tasks: {
      main: async () => {
        // status = BCSP_IoIncrement(e)
        let status: number;
        await pt();
        if (e.stoppingFlag) status = -1;
        else {
          for (await pt(); !atomic.tryLock();) await block(atomic.released());
          await pt();
          const p = e.pendingIo;
          await pt();
          e.pendingIo = p + 1;
          await pt();
          atomic.unlock();
          status = 0;
        }
        if (status === 0) {
          await pt();
          assert(!g.stopped, '!stopped');
        }
        // BCSP_IoDecrement(e)
        for (await pt(); !atomic.tryLock();) await block(atomic.released());
        await pt();
        const p = e.pendingIo;
        await pt();
        e.pendingIo = p - 1;
        await pt();
        const pendingIo = e.pendingIo;
        await pt();
        atomic.unlock();
        if (pendingIo === 0) {
          await pt();
          e.stoppingEvent = true;
        }
      },
      BCSP_PnpStop: async () => {
        await pt();
        e.stoppingFlag = true;
        // BCSP_IoDecrement(e)
        for (await pt(); !atomic.tryLock();) await block(atomic.released());
        await pt();
        const p = e.pendingIo;
        await pt();
        e.pendingIo = p - 1;
        await pt();
        const pendingIo = e.pendingIo;
        await pt();
        atomic.unlock();
        if (pendingIo === 0) {
          await pt();
          e.stoppingEvent = true;
        }
        await pt();
        if (e.stoppingEvent) {
          await pt();
          g.stopped = true;
        }
      },
    },
  };
}

// ── carter01 ─────────────────────────────────────────────────────────────────
/**
 * carter01_bad.c — 4 threads (two of them empty): class A and class B readers each take `l`
 * when first in, under `m`; t2 can block on `l` while holding `m`, and t1 then blocks on `m`:
 * deadlock.
 * Changes: none beyond the rules.
 */
function carter01({ pt, block }: Sched): Instance {
  const m = new Mutex();
  const l = new Mutex();
  const g = { A: 0, B: 0 };
  const side = (key: 'A' | 'B') => async () => {
    for (await pt(); !m.tryLock();) await block(m.released());
    await pt();
    const v = g[key];
    await pt();
    g[key] = v + 1;
    await pt();
    if (g[key] === 1) for (await pt(); !l.tryLock();) await block(l.released());
    await pt();
    m.unlock();
    // perform class A/B operation
    for (await pt(); !m.tryLock();) await block(m.released());
    await pt();
    const w = g[key];
    await pt();
    g[key] = w - 1;
    await pt();
    if (g[key] === 0) {
      await pt();
      l.unlock();
    }
    await pt();
    m.unlock();
  };
  return {
    tasks: { t1: side('A'), t2: side('B'), t3: () => Promise.resolve(), t4: () => Promise.resolve() },
  };
}

// ── circular_buffer ──────────────────────────────────────────────────────────
/**
 * circular_buffer_bad.c / _ok.c — a sender and a receiver hand over 7 values through a
 * 10-slot log under a mutex and `send`/`receive` flags; the receiver asserts that the value it
 * removes equals its own loop index, which fails when it loops without receiving
 * (ok: asserts the value last sent).
 * Changes: `insertLogElement`/`removeLogElement` inlined; `assert(first >= 0)` on an unsigned
 * dropped (always true).
 */
function circularBuffer(ok: boolean) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const BUFFER_SIZE = 10; // buffer_size, set by initLog() in main
    const N = 7;
    const m = new Mutex();
    const g = {
      buffer: new Array<number>(10).fill(0),
      first: 0,
      next: 0,
      send: true,
      receive: false,
      value: 0,
    };
    return {
      tasks: {
        t1: async () => {
          for (let i = 0; i < N; i++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            await pt();
            if (g.send) {
              // insertLogElement(i)
              let inserted: number;
              await pt();
              if (g.next < BUFFER_SIZE) {
                await pt();
                const n = g.next;
                await pt();
                g.buffer[n] = i;
                await pt();
                const n2 = g.next;
                await pt();
                g.next = (n2 + 1) % BUFFER_SIZE;
                await pt();
                assert(g.next < BUFFER_SIZE, 'next < buffer_size');
                inserted = i;
              } else inserted = -1;
              if (ok) {
                assert(i === inserted, 'i == insertLogElement(i)');
                await pt();
                g.value = i;
              }
              await pt();
              g.send = false;
              await pt();
              g.receive = true;
            }
            await pt();
            m.unlock();
          }
        },
        t2: async () => {
          for (let i = 0; i < N; i++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            await pt();
            if (g.receive) {
              // removeLogElement()
              let removed: number;
              await pt();
              const next = g.next;
              let inRange = next > 0;
              if (inRange) {
                await pt();
                inRange = g.first < BUFFER_SIZE;
              }
              if (inRange) {
                await pt();
                const f = g.first;
                await pt();
                g.first = f + 1;
                await pt();
                const f2 = g.first;
                await pt();
                removed = g.buffer[f2 - 1] ?? 0;
              } else removed = -1;
              if (ok) {
                await pt();
                assert(removed === g.value, 'removeLogElement() == value');
              } else assert(removed === i, 'removeLogElement() == i');
              await pt();
              g.receive = false;
              await pt();
              g.send = true;
            }
            await pt();
            m.unlock();
          }
        },
      },
    };
  };
}

// ── deadlock01 ───────────────────────────────────────────────────────────────
/**
 * deadlock01_bad.c — two threads take `a` and `b` in opposite orders: deadlock.
 * Changes: none beyond the rules.
 */
function deadlock01({ pt, block }: Sched): Instance {
  const a = new Mutex();
  const b = new Mutex();
  const g = { counter: 1 };
  const thread = (first: Mutex, second: Mutex, delta: number) => async () => {
    for (await pt(); !first.tryLock();) await block(first.released());
    for (await pt(); !second.tryLock();) await block(second.released());
    await pt();
    const c = g.counter;
    await pt();
    g.counter = c + delta;
    await pt();
    second.unlock();
    await pt();
    first.unlock();
  };
  return { tasks: { thread1: thread(a, b, 1), thread2: thread(b, a, -1) } };
}

// ── din_phil ─────────────────────────────────────────────────────────────────
/**
 * din_philN_sat.c / _unsat.c — N philosophers take their right then left fork inside an
 * atomic section (the global mutex); each then increments `phil` and `assert(0)` once it
 * reaches N — reached on the very first schedule ("sat": the assertion is reachable). For
 * N ≤ 4 the increment is outside the atomic section (it can be lost), for N ≥ 5 inside.
 * The `_unsat` variants have no `phil` and no assertion.
 * Changes: none beyond the rules.
 */
function dinPhil(N: number, sat: boolean) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const atomic = new Mutex();
    const x = Array.from({ length: N }, () => new Mutex());
    const g = { phil: 0 };
    const philosopher = (id: number) => async () => {
      const left = x[id] as Mutex;
      const right = x[(id + 1) % N] as Mutex;
      for (await pt(); !atomic.tryLock();) await block(atomic.released());
      for (await pt(); !right.tryLock();) await block(right.released());
      for (await pt(); !left.tryLock();) await block(left.released());
      await pt();
      left.unlock();
      await pt();
      right.unlock();
      await pt();
      atomic.unlock();
      if (!sat) return;
      if (N >= 5) for (await pt(); !atomic.tryLock();) await block(atomic.released());
      await pt();
      const p = g.phil;
      await pt();
      g.phil = p + 1;
      await pt();
      if (g.phil === N) assert(false, 'phil == N');
      if (N >= 5) {
        await pt();
        atomic.unlock();
      }
    };
    return {
      tasks: Object.fromEntries(Array.from({ length: N }, (_, id) => [`thread${id}`, philosopher(id)])),
    };
  };
}

// ── fsbench ──────────────────────────────────────────────────────────────────
/**
 * fsbench_bad.c / _ok.c — 27 threads allocate blocks to inodes under per-inode and per-block
 * mutexes; thread 26 indexes `locki[26]` past the end of the 26-entry array, which its
 * `assert(i >= 0 && i < NUMBLOCKS)` catches on every schedule (ok: 26 threads).
 * Changes: none beyond the rules (the first, always-true assertion on `tid` kept).
 */
function fsbench(ok: boolean) {
  const NUMBLOCKS = 26;
  const NUMINODE = 32;
  const NUM_THREADS = ok ? 26 : 27;
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const locki = Array.from({ length: NUMBLOCKS }, () => new Mutex());
    const lockb = Array.from({ length: NUMBLOCKS }, () => new Mutex());
    const g = { busy: new Array<number>(NUMBLOCKS).fill(0), inode: new Array<number>(NUMINODE).fill(0) };
    const thread = (tid: number) => async () => {
      if (!ok) assert(tid >= 0 && tid < NUM_THREADS, 'tid >= 0 && tid < NUM_THREADS');
      const i = tid % NUMINODE;
      assert(i >= 0 && i < NUMBLOCKS, 'i >= 0 && i < NUMBLOCKS');
      const li = locki[i] as Mutex;
      for (await pt(); !li.tryLock();) await block(li.released());
      await pt();
      if (g.inode[i] === 0) {
        let b = (i * 2) % NUMBLOCKS;
        for (let j = 0; j < NUMBLOCKS / 2; j++) {
          const lb = lockb[b] as Mutex;
          for (await pt(); !lb.tryLock();) await block(lb.released());
          await pt();
          if (!g.busy[b]) {
            await pt();
            g.busy[b] = 1;
            await pt();
            g.inode[i] = b + 1;
            await pt();
            lb.unlock();
            break;
          }
          await pt();
          lb.unlock();
          b = (b + 1) % NUMBLOCKS;
        }
      }
      assert(i >= 0 && i < NUMBLOCKS, 'i >= 0 && i < NUMBLOCKS');
      await pt();
      li.unlock();
    };
    return {
      tasks: Object.fromEntries(
        Array.from({ length: NUM_THREADS }, (_, tid) => [`thread${tid}`, thread(tid)]),
      ),
    };
  };
}

// ── lazy01 ───────────────────────────────────────────────────────────────────
/**
 * lazy01_bad.c / _ok.c — thread1 adds 1, thread2 adds 2, thread3 `assert(0)`s once
 * `data >= 3`: reached by first-come order (ok: thread3 created first, no assertion).
 * Changes: none beyond the rules.
 */
function lazy01(ok: boolean) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const mutex = new Mutex();
    const g = { data: 0 };
    const add = (n: number) => async () => {
      for (await pt(); !mutex.tryLock();) await block(mutex.released());
      await pt();
      const d = g.data;
      await pt();
      g.data = d + n;
      await pt();
      mutex.unlock();
    };
    const thread3 = async () => {
      for (await pt(); !mutex.tryLock();) await block(mutex.released());
      await pt();
      if (g.data >= 3 && !ok) assert(false, 'data >= 3');
      await pt();
      mutex.unlock();
    };
    return {
      tasks: ok
        ? { thread3, thread1: add(1), thread2: add(2) }
        : { thread1: add(1), thread2: add(2), thread3 },
    };
  };
}

// ── phase01 ──────────────────────────────────────────────────────────────────
/**
 * phase01_bad.c / _ok.c — two threads run the same body, which ends holding `x` (its second
 * unlock is commented out): the other blocks on `x` forever (ok: unlocks it).
 * Changes: none beyond the rules.
 */
function phase01(ok: boolean) {
  return ({ pt, block }: Sched): Instance => {
    const x = new Mutex();
    const y = new Mutex();
    const thread = async () => {
      for (await pt(); !x.tryLock();) await block(x.released());
      await pt();
      x.unlock();
      for (await pt(); !x.tryLock();) await block(x.released());
      if (ok) {
        await pt();
        x.unlock();
      }
      for (await pt(); !y.tryLock();) await block(y.released());
      await pt();
      y.unlock();
      for (await pt(); !y.tryLock();) await block(y.released());
      await pt();
      y.unlock();
    };
    return { tasks: { t1: thread, t2: thread } };
  };
}

// ── queue ────────────────────────────────────────────────────────────────────
/**
 * queue_bad.c — like circular_buffer: t1 enqueues 0 then up to 19 more values, handing over
 * with `enqueue_flag`/`dequeue_flag`; t2 asserts that what it dequeues equals
 * `stored_elements[i]` for its own loop index, which fails when it loops without dequeuing.
 * Changes: `enqueue`/`dequeue`/`empty` inlined; `main`'s `assert(empty(&queue) == EMPTY)`
 * before the threads (always true) dropped. queue_ok.c (a different, single-handover
 * program) is not ported.
 */
function queue({ pt, block }: Sched, assert: Assert): Instance {
  const SIZE = 20;
  const m = new Mutex();
  const q = { element: new Array<number>(SIZE + 1).fill(0), head: 0, tail: 0, amount: 0 };
  const g = { stored: new Array<number>(SIZE).fill(0), enqueueFlag: true, dequeueFlag: false };
  return {
    tasks: {
      t1: async () => {
        for (await pt(); !m.tryLock();) await block(m.released());
        let value = 0;
        // assert(!enqueue(&queue, value)) — enqueue returns 0
        await pt();
        const tail = q.tail;
        await pt();
        q.element[tail] = value;
        await pt();
        const amount = q.amount;
        await pt();
        q.amount = amount + 1;
        await pt();
        const t = q.tail;
        await pt();
        q.tail = t === SIZE ? 1 : t + 1;
        await pt();
        g.stored[0] = value;
        // assert(!empty(&queue))
        await pt();
        const head = q.head;
        await pt();
        assert(head !== q.tail, '!empty(&queue)');
        await pt();
        m.unlock();
        for (let i = 0; i < SIZE - 1; i++) {
          for (await pt(); !m.tryLock();) await block(m.released());
          await pt();
          if (g.enqueueFlag) {
            value++;
            await pt();
            const tail = q.tail;
            await pt();
            q.element[tail] = value;
            await pt();
            const amount = q.amount;
            await pt();
            q.amount = amount + 1;
            await pt();
            const t = q.tail;
            await pt();
            q.tail = t === SIZE ? 1 : t + 1;
            await pt();
            g.stored[i + 1] = value;
            await pt();
            g.enqueueFlag = false;
            await pt();
            g.dequeueFlag = true;
          }
          await pt();
          m.unlock();
        }
      },
      t2: async () => {
        for (let i = 0; i < SIZE; i++) {
          for (await pt(); !m.tryLock();) await block(m.released());
          await pt();
          if (g.dequeueFlag) {
            // dequeue(&queue)
            await pt();
            const head = q.head;
            await pt();
            const x = q.element[head] ?? 0;
            await pt();
            const amount = q.amount;
            await pt();
            q.amount = amount - 1;
            await pt();
            const h = q.head;
            await pt();
            q.head = h === SIZE ? 1 : h + 1;
            await pt();
            assert(x === g.stored[i], 'dequeue(&queue) == stored_elements[i]');
            await pt();
            g.dequeueFlag = false;
            await pt();
            g.enqueueFlag = true;
          }
          await pt();
          m.unlock();
        }
      },
    },
  };
}

// ── reorder ──────────────────────────────────────────────────────────────────
/**
 * reorder_N_bad.c — `iSet` threads write `a = 1; b = -1`, `iCheck` threads assert
 * `(a == 0 && b == 0) || (a == 1 && b == -1)`: fails when a check reads between a setter's two
 * writes. reorder_3: 2 setters + 1 check; _4: 3+1; _5: 4+1; _10: 9+1; _20: 10+10.
 * Changes: none beyond the rules (the condition's reads in C's evaluation order).
 * SCTBench has no reorder_50/reorder_100 (issue 14 named them); none are ported.
 */
function reorder(iSet: number, iCheck: number) {
  return ({ pt }: Sched, assert: Assert): Instance => {
    const g = { a: 0, b: 0 };
    const set = async () => {
      await pt();
      g.a = 1;
      await pt();
      g.b = -1;
    };
    const check = async () => {
      await pt();
      let ok = g.a === 0;
      if (ok) {
        await pt();
        ok = g.b === 0;
      }
      if (!ok) {
        await pt();
        ok = g.a === 1;
        if (ok) {
          await pt();
          ok = g.b === -1;
        }
      }
      assert(ok, '(a == 0 && b == 0) || (a == 1 && b == -1)');
    };
    const tasks: Record<string, () => Promise<void>> = {};
    for (let i = 0; i < iSet; i++) tasks[`set${i}`] = set;
    for (let i = 0; i < iCheck; i++) tasks[`check${i}`] = check;
    return { tasks };
  };
}

// ── stack ────────────────────────────────────────────────────────────────────
/**
 * stack_bad.c / _ok.c — t1 pushes 10 values, setting `flag`; t2 pops 10 times once `flag` is
 * set and asserts no underflow: fails when t2 pops faster than t1 pushes (ok: no flag, t2 pops
 * only when `top > 0`).
 * Changes: `push`/`pop`/`get_top`/`inc_top`/`dec_top` inlined.
 */
function stack(ok: boolean) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const SIZE = 10;
    const m = new Mutex();
    const g = { top: 0, arr: new Array<number>(SIZE).fill(0), flag: false };
    return {
      tasks: {
        t1: async () => {
          for (let i = 0; i < SIZE; i++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            // push(arr, i)
            await pt();
            let overflow = false;
            if (g.top === SIZE) overflow = true;
            else {
              await pt();
              const top = g.top;
              await pt();
              g.arr[top] = i;
              await pt();
              const t = g.top;
              await pt();
              g.top = t + 1;
            }
            assert(!overflow, 'push(arr, i) != OVERFLOW');
            if (!ok) {
              await pt();
              g.flag = true;
            }
            await pt();
            m.unlock();
          }
        },
        t2: async () => {
          for (let i = 0; i < SIZE; i++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            await pt();
            if (ok ? g.top > 0 : g.flag) {
              // pop(arr)
              await pt();
              if (g.top === 0) assert(ok, 'pop(arr) != UNDERFLOW');
              else {
                await pt();
                const t = g.top;
                await pt();
                g.top = t - 1;
                await pt();
                const top = g.top;
                await pt();
                void g.arr[top];
              }
            }
            await pt();
            m.unlock();
          }
        },
      },
    };
  };
}

// ── sync01, sync02 ───────────────────────────────────────────────────────────
/**
 * sync01_bad.c / _ok.c — thread1 waits on `empty` while `num > 0`; thread2 never consumes
 * (`num--` commented out), so with `num = 1` thread1 waits forever (ok: `num = 0`, thread2
 * consumes). sync02_bad.c — a producer and a consumer of N = 2 starting from `num = 2`: the
 * producer's second item waits forever. sync02_ok.c (20 items from `num = 0`) is sync02's fix.
 * Changes: none beyond the rules.
 */
function producerConsumer(N: number, start: number, consume: boolean) {
  return ({ pt, block }: Sched): Instance => {
    const m = new Mutex();
    const empty = new Cond();
    const full = new Cond();
    const g = { num: start };
    return {
      tasks: {
        producer: async () => {
          for (let i = 0; i < N; i++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            for (;;) {
              await pt();
              if (!(g.num > 0)) break;
              await pt();
              await block(empty.wait(m));
              while (!m.tryLock()) await block(m.released());
            }
            await pt();
            const n = g.num;
            await pt();
            g.num = n + 1;
            await pt();
            m.unlock();
            await pt();
            full.signal();
          }
        },
        consumer: async () => {
          for (let j = 0; j < N; j++) {
            for (await pt(); !m.tryLock();) await block(m.released());
            for (;;) {
              await pt();
              if (!(g.num === 0)) break;
              await pt();
              await block(full.wait(m));
              while (!m.tryLock()) await block(m.released());
            }
            if (consume) {
              await pt();
              const n = g.num;
              await pt();
              g.num = n - 1;
            }
            await pt();
            m.unlock();
            await pt();
            empty.signal();
          }
        },
      },
    };
  };
}

// ── token_ring ───────────────────────────────────────────────────────────────
/**
 * token_ring_bad.c — three threads pass a token (`x1 = (x3+1)%4`, `x2 = x1`, `x3 = x2`) in
 * atomic sections; t4 asserts `x1 == x2 && x2 == x3` once all three are done: holds in
 * creation order, fails in others.
 * Changes: none beyond the rules (`main` does not join: the run ends when the tasks do).
 */
function tokenRing({ pt, block }: Sched, assert: Assert): Instance {
  const atomic = new Mutex();
  const g = { x1: 1, x2: 2, x3: 1, flag1: false, flag2: false, flag3: false };
  const pass =
    (
      from: 'x1' | 'x2' | 'x3',
      to: 'x1' | 'x2' | 'x3',
      f: (v: number) => number,
      flag: 'flag1' | 'flag2' | 'flag3',
    ) =>
    async () => {
      for (await pt(); !atomic.tryLock();) await block(atomic.released());
      await pt();
      const v = g[from];
      await pt();
      g[to] = f(v);
      await pt();
      g[flag] = true;
      await pt();
      atomic.unlock();
    };
  return {
    tasks: {
      t1: pass('x3', 'x1', (v) => (v + 1) % 4, 'flag1'),
      t2: pass('x1', 'x2', (v) => v, 'flag2'),
      t3: pass('x2', 'x3', (v) => v, 'flag3'),
      t4: async () => {
        for (await pt(); !atomic.tryLock();) await block(atomic.released());
        let all = true;
        for (const flag of ['flag1', 'flag2', 'flag3'] as const) {
          await pt();
          if (!g[flag]) {
            all = false;
            break;
          }
        }
        if (all) {
          await pt();
          const x1 = g.x1;
          await pt();
          let ok = x1 === g.x2;
          if (ok) {
            await pt();
            const x2 = g.x2;
            await pt();
            ok = x2 === g.x3;
          }
          assert(ok, 'x1 == x2 && x2 == x3');
        }
        await pt();
        atomic.unlock();
      },
    },
  };
}

// ── twostage ─────────────────────────────────────────────────────────────────
/**
 * twostage_bad.c — `iTThreads` threads set `data1 = 1` then, under another lock,
 * `data2 = data1 + 1`; one reader asserts `data2 == data1 + 1` when it sees `data1 != 0`:
 * fails when it reads between a writer's two stages. twostage: 1 writer; twostage_100: 99.
 * Changes: the reader's second read of `data1` (`t1 = data1Value` after the `== 0` test) kept.
 */
function twostage(iTThreads: number) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const data1Lock = new Mutex();
    const data2Lock = new Mutex();
    const g = { data1: 0, data2: 0 };
    const funcA = async () => {
      for (await pt(); !data1Lock.tryLock();) await block(data1Lock.released());
      await pt();
      g.data1 = 1;
      await pt();
      data1Lock.unlock();
      for (await pt(); !data2Lock.tryLock();) await block(data2Lock.released());
      await pt();
      const d1 = g.data1;
      await pt();
      g.data2 = d1 + 1;
      await pt();
      data2Lock.unlock();
    };
    const funcB = async () => {
      for (await pt(); !data1Lock.tryLock();) await block(data1Lock.released());
      await pt();
      if (g.data1 === 0) {
        await pt();
        data1Lock.unlock();
        return;
      }
      await pt();
      const t1 = g.data1;
      await pt();
      data1Lock.unlock();
      for (await pt(); !data2Lock.tryLock();) await block(data2Lock.released());
      await pt();
      const t2 = g.data2;
      await pt();
      data2Lock.unlock();
      assert(t2 === t1 + 1, 't2 == t1 + 1');
    };
    const tasks: Record<string, () => Promise<void>> = {};
    for (let i = 0; i < iTThreads; i++) tasks[`funcA${i}`] = funcA;
    tasks['funcB'] = funcB;
    return { tasks };
  };
}

// ── wronglock ────────────────────────────────────────────────────────────────
/**
 * wronglock_bad.c — funcA increments `dataValue` under `dataLock` and asserts it went up by
 * exactly one; `iNum2` funcB threads increment it under another lock (`thisLock`): fails when
 * a funcB increment lands inside funcA's. wronglock: 1 + 7 threads; wronglock_3: 1 + 3.
 * Changes: none beyond the rules (`volatile` reads: `x = dataValue`, `dataValue++`,
 * `dataValue != x + 1` are four accesses).
 */
function wronglock(iNum2: number) {
  return ({ pt, block }: Sched, assert: Assert): Instance => {
    const dataLock = new Mutex();
    const thisLock = new Mutex();
    const g = { dataValue: 0 };
    const funcA = async () => {
      for (await pt(); !dataLock.tryLock();) await block(dataLock.released());
      await pt();
      const x = g.dataValue;
      await pt();
      const v = g.dataValue;
      await pt();
      g.dataValue = v + 1;
      await pt();
      assert(g.dataValue === x + 1, 'dataValue == x + 1');
      await pt();
      dataLock.unlock();
    };
    const funcB = async () => {
      for (await pt(); !thisLock.tryLock();) await block(thisLock.released());
      await pt();
      const v = g.dataValue;
      await pt();
      g.dataValue = v + 1;
      await pt();
      thisLock.unlock();
    };
    const tasks: Record<string, () => Promise<void>> = { funcA };
    for (let i = 0; i < iNum2; i++) tasks[`funcB${i}`] = funcB;
    return { tasks };
  };
}

/** The 29 buggy CS programs of SCTBench (benchmarks/buggy.txt), in its order. */
export const programs: readonly Program[] = [
  { name: 'account', bug: 'assert', build: account(false), fixed: account(true) },
  { name: 'arithmetic_prog', bug: 'assert', build: arithmeticProg(false), fixed: arithmeticProg(true) },
  { name: 'bluetooth_driver', bug: 'assert', build: bluetoothDriver },
  { name: 'carter01', bug: 'deadlock', build: carter01 },
  { name: 'circular_buffer', bug: 'assert', build: circularBuffer(false), fixed: circularBuffer(true) },
  { name: 'deadlock01', bug: 'deadlock', build: deadlock01 },
  ...[2, 3, 4, 5, 6, 7].map((n): Program => ({
    name: `din_phil${n}`,
    bug: 'assert',
    build: dinPhil(n, true),
    fixed: dinPhil(n, false),
  })),
  { name: 'fsbench', bug: 'assert', build: fsbench(false), fixed: fsbench(true) },
  { name: 'lazy01', bug: 'assert', build: lazy01(false), fixed: lazy01(true) },
  { name: 'phase01', bug: 'deadlock', build: phase01(false), fixed: phase01(true) },
  { name: 'queue', bug: 'assert', build: queue },
  { name: 'reorder_10', bug: 'assert', build: reorder(9, 1) },
  { name: 'reorder_20', bug: 'assert', build: reorder(10, 10) },
  { name: 'reorder_3', bug: 'assert', build: reorder(2, 1) },
  { name: 'reorder_4', bug: 'assert', build: reorder(3, 1) },
  { name: 'reorder_5', bug: 'assert', build: reorder(4, 1) },
  { name: 'stack', bug: 'assert', build: stack(false), fixed: stack(true) },
  {
    name: 'sync01',
    bug: 'deadlock',
    build: producerConsumer(1, 1, false),
    fixed: producerConsumer(1, 0, true),
  },
  {
    name: 'sync02',
    bug: 'deadlock',
    build: producerConsumer(2, 2, true),
    fixed: producerConsumer(20, 0, true),
  },
  { name: 'token_ring', bug: 'assert', build: tokenRing },
  { name: 'twostage_100', bug: 'assert', build: twostage(99) },
  { name: 'twostage', bug: 'assert', build: twostage(1) },
  { name: 'wronglock_3', bug: 'assert', build: wronglock(3) },
  { name: 'wronglock', bug: 'assert', build: wronglock(7) },
];
