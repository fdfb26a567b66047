/**
 * One side of bench/control: explore a lost update through a real client, either wrapped by
 * hand (`ctl.wrap`, this process started without fray/race/register: the way fray worked
 * before automatic control) or unwrapped (started with it). Prints one JSON line.
 *
 * Usage: node [--import ./src/race/register.ts] bench/control/child.ts <redis|pglite> <wrapped|automatic> <throughput|find> <runs|seeds>
 *
 * @module
 */
import { Redis } from 'ioredis';
import { createTestDatabase } from '../../src/db/index.ts';
import { explore, type ExploreOptions } from '../../src/race/index.ts';

const [scenario = 'redis', mode = 'automatic', task = 'throughput', count = '200'] = process.argv.slice(2);

interface Store {
  read(): Promise<number>;
  write(value: number): Promise<void>;
  reset(): Promise<void>;
  current(): Promise<number>;
}

async function open(): Promise<{ store: (wrap: <T>(target: T) => T) => Store; close: () => Promise<void> }> {
  if (scenario === 'redis') {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    const key = `fray:bench:control:${process.pid}`;
    return {
      store: (wrap) => {
        const client = wrap(redis);
        return {
          read: async () => Number(await client.get(key)),
          write: async (value) => void (await client.set(key, String(value))),
          reset: async () => void (await redis.set(key, '100')),
          current: async () => Number(await redis.get(key)),
        };
      },
      close: async () => {
        await redis.del(key);
        redis.disconnect();
      },
    };
  }
  const db = await createTestDatabase({
    name: 'fray-bench-control',
    migrate: async (pool) =>
      void (await pool.query(
        'create table counter (id int primary key, balance int not null); insert into counter values (1, 100)',
      )),
  });
  const view = await db.isolated();
  return {
    store: (wrap) => {
      const pool = wrap(view.pool);
      const one = async (text: string): Promise<number> =>
        Number((await pool.query<{ balance: number }>(text)).rows[0]?.balance);
      return {
        read: () => one('select balance from counter where id = 1'),
        write: async (value) =>
          void (await pool.query('update counter set balance = $1 where id = 1', [value])),
        reset: async () => void (await view.query('update counter set balance = 100 where id = 1')),
        current: async () =>
          Number(
            (await view.query<{ balance: number }>('select balance from counter where id = 1')).rows[0]
              ?.balance,
          ),
      };
    },
    close: async () => {
      await view.dispose();
      await db.end();
    },
  };
}

const { store, close } = await open();
const options = (check: boolean): ExploreOptions<Store, any> => ({
  quiet: true,
  shrink: false,
  setup: async (ctl) => {
    const s = store(mode === 'wrapped' ? (target) => ctl.wrap(target, scenario) : (target) => target);
    await s.reset();
    return s;
  },
  tasks: (s) => {
    const deposit = async (): Promise<void> => {
      const balance = await s.read();
      await s.write(balance + 10);
    };
    return { alice: deposit, bob: deposit };
  },
  ...(check
    ? {
        check: async (s: Store) => {
          if ((await s.current()) !== 120) throw new Error('lost update');
        },
      }
    : {}),
});

let out: Record<string, unknown>;
if (task === 'throughput') {
  const runs = Number(count);
  const started = performance.now();
  const result = await explore({ ...options(false), strategy: 'random', seed: 1, runs });
  const seconds = (performance.now() - started) / 1000;
  out = { scenario, mode, runs: result.runs, runsPerSecond: result.runs / seconds, steps: undefined };
} else {
  const found: number[] = [];
  for (let seed = 1; seed <= Number(count); seed++) {
    const result = await explore({ ...options(true), strategy: 'random', seed, runs: 1000 });
    found.push(result.ok ? Number.POSITIVE_INFINITY : (result.failure?.run ?? 0));
  }
  out = { scenario, mode, found };
}
await close();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
