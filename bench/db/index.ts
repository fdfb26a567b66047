/**
 * bench/db — what one test pays for a clean database, per strategy, on a ~20-table schema.
 *
 * Each "test" gets a clean database, inserts an organization and a user, and gives the
 * database back the way the strategy requires. Measured in one run, on this machine:
 *
 * - fray `isolated()` on PGlite and on PostgreSQL (a transaction rolled back per test),
 * - fray `fresh()` on PostgreSQL from a warm pool of template clones (the pool is refilled
 *   between tests; the background clone + drop it costs the server is reported too),
 * - a new PGlite per test (fray `fresh()` on PGlite: a new instance from the snapshot),
 * - TRUNCATE of all 20 tables after each test (PostgreSQL and PGlite),
 * - `CREATE DATABASE … TEMPLATE` on demand per test (PostgreSQL),
 *
 * and, once per worker, PGlite's start from the snapshot against a cold start plus
 * migrations. Run: `npx node bench/db/index.ts` or `npm run bench db`. PostgreSQL rows need
 * a server (FRAY_BENCH_DATABASE_URL, DATABASE_URL, or postgres://postgres@127.0.0.1:5432/postgres).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createTestDatabase, type FreshDatabase, type TestDatabase } from '../../src/db/index.ts';
import { environment, markdownTable, num } from '../table.ts';

const schemaDir = new URL('./schema/', import.meta.url);
const schemaSql = await readFile(new URL('001_schema.sql', schemaDir), 'utf8');
const tables = [...schemaSql.matchAll(/^create table (\w+)/gm)].map((match) => match[1] ?? '');
const now = performance.now.bind(performance);

interface Row {
  readonly strategy: string;
  readonly engine: 'PGlite' | 'PostgreSQL';
  readonly samples: readonly number[];
  readonly note?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function stats(samples: readonly number[]): { p50: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
  };
}

/** Time `iterations` runs of `once` (after `warmup` untimed ones); `between` is not timed. */
async function sample(
  iterations: number,
  once: () => Promise<void>,
  options: { warmup?: number; between?: () => Promise<void> } = {},
): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 3); i++) {
    await options.between?.();
    await once();
  }
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    await options.between?.();
    const started = now();
    await once();
    out.push(now() - started);
  }
  return out;
}

type Query = (text: string, values?: unknown[]) => Promise<unknown>;

/** The work of one test: an organization and a user. */
async function testBody(query: Query, n: number): Promise<void> {
  await query('insert into organizations (name) values ($1)', [`org ${n}`]);
  await query('insert into users (organization_id, email) values ((select max(id) from organizations), $1)', [
    `user${n}@example.com`,
  ]);
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const rows: Row[] = [];
let counter = 0;
process.stdout.write(
  `\n${environment()}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);

// ---------------------------------------------------------------- PGlite
{
  const db = await createTestDatabase({ migrate: schemaDir, name: 'fray-bench-db' });
  {
    await using plain = await db.fresh();
    rows.push({
      strategy: 'reference: the test body alone (autocommit, no cleanup)',
      engine: 'PGlite',
      samples: await sample(300, () => testBody(plain.query, counter++)),
    });
  }
  rows.push({
    strategy: 'isolated() open + dispose, nothing inside',
    engine: 'PGlite',
    samples: await sample(300, async () => {
      await using _view = await db.isolated();
    }),
  });
  rows.push({
    strategy: 'isolated() — rolled-back transaction',
    engine: 'PGlite',
    samples: await sample(300, async () => {
      await using view = await db.isolated();
      await testBody(view.query, counter++);
    }),
  });
  {
    await using truncated = await db.fresh();
    const truncateAll = `TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`;
    rows.push({
      strategy: `TRUNCATE all ${tables.length} tables after each test`,
      engine: 'PGlite',
      samples: await sample(100, async () => {
        await testBody(truncated.query, counter++);
        await truncated.query(truncateAll);
      }),
    });
  }
  rows.push({
    strategy: 'new PGlite per test from the snapshot (fresh())',
    engine: 'PGlite',
    samples: await sample(
      8,
      async () => {
        await using fresh = await db.fresh();
        await testBody(fresh.query, counter++);
      },
      { warmup: 1 },
    ),
  });
  await db.end();
}

// Worker start: from fray's snapshot cache, versus a cold PGlite plus the migrations.
const snapshotStarts = await sample(
  5,
  async () => {
    const db = await createTestDatabase({ migrate: schemaDir, name: 'fray-bench-db' });
    if (db.info.origin !== 'loaded') throw new Error(`expected a snapshot load, got ${db.info.origin}`);
    await db.end();
  },
  { warmup: 1 },
);
const coldStarts = await sample(
  3,
  async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    await pglite.exec(schemaSql);
    await pglite.close();
  },
  { warmup: 1 },
);
rows.push({
  strategy: 'new PGlite per test, cold start + migrations',
  engine: 'PGlite',
  samples: coldStarts,
});

// ---------------------------------------------------------------- PostgreSQL
const url =
  process.env['FRAY_BENCH_DATABASE_URL'] ??
  process.env['DATABASE_URL'] ??
  'postgres://postgres@127.0.0.1:5432/postgres';
let backgroundNote = '';
const pending: FreshDatabase[] = [];
if (await reachable(url)) {
  const db: TestDatabase = await createTestDatabase({
    engine: 'postgres',
    url,
    migrate: schemaDir,
    name: 'fray-bench-db',
    freshPoolSize: 2,
  });
  try {
    {
      await using plain = await db.fresh();
      const client = new pg.Client({ connectionString: plain.url });
      await client.connect();
      rows.push({
        strategy: 'reference: the test body alone (autocommit, no cleanup)',
        engine: 'PostgreSQL',
        samples: await sample(300, () => testBody((text, values) => client.query(text, values), counter++)),
      });
      await client.end();
    }
    rows.push({
      strategy: 'isolated() open + dispose, nothing inside',
      engine: 'PostgreSQL',
      samples: await sample(300, async () => {
        await using _view = await db.isolated();
      }),
    });
    rows.push({
      strategy: 'isolated() — rolled-back transaction',
      engine: 'PostgreSQL',
      samples: await sample(300, async () => {
        await using view = await db.isolated();
        await testBody(view.query, counter++);
      }),
    });
    rows.push({
      strategy: 'fresh() from the warm pool: until a first query answers',
      engine: 'PostgreSQL',
      samples: await sample(
        30,
        async () => {
          const fresh = await db.fresh();
          await fresh.query('select 1');
          pending.push(fresh);
        },
        {
          between: async () => {
            for (const fresh of pending.splice(0)) await fresh.dispose();
            await db.prewarm();
          },
        },
      ),
    });
    for (const fresh of pending.splice(0)) await fresh.dispose();
    rows.push({
      strategy: 'fresh() from the warm pool of template clones',
      engine: 'PostgreSQL',
      samples: await sample(
        30,
        async () => {
          await using fresh = await db.fresh();
          await testBody(fresh.query, counter++);
        },
        { between: () => db.prewarm() },
      ),
    });
    {
      await using target = await db.fresh();
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      const truncateAll = `TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`;
      rows.push({
        strategy: `TRUNCATE all ${tables.length} tables after each test`,
        engine: 'PostgreSQL',
        samples: await sample(100, async () => {
          await testBody((text, values) => client.query(text, values), counter++);
          await client.query(truncateAll);
        }),
      });
      await client.end();
    }
    // CREATE DATABASE … TEMPLATE on demand, per test, as a suite without a warm pool does it.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const template = db.info.template ?? '';
    const created: string[] = [];
    const drops: number[] = [];
    const clones: number[] = [];
    try {
      rows.push({
        strategy: 'CREATE DATABASE … TEMPLATE on demand per test',
        engine: 'PostgreSQL',
        samples: await sample(
          20,
          async () => {
            const name = `bench_db_${process.pid}_${created.length}`;
            const started = now();
            await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
            clones.push(now() - started);
            created.push(name);
            const target = new URL(url);
            target.pathname = `/${name}`;
            const client = new pg.Client({ connectionString: target.toString() });
            await client.connect();
            await testBody((text, values) => client.query(text, values), counter++);
            await client.end();
          },
          {
            warmup: 2,
            between: async () => {
              // The drop of the previous test's database is not on the next test's path.
              const previous = created.at(-1);
              if (previous === undefined) return;
              const started = now();
              await admin.query(`DROP DATABASE IF EXISTS ${previous}`);
              drops.push(now() - started);
            },
          },
        ),
      });
    } finally {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
    const clone = stats(clones);
    const drop = stats(drops);
    backgroundNote =
      `Server work a fresh() database costs off the test's path, in the background: ` +
      `CREATE DATABASE … TEMPLATE p50 ${num(clone.p50, 1)} ms and DROP DATABASE p50 ${num(drop.p50, 1)} ms ` +
      `(PostgreSQL checkpoints on every drop).`;
  } finally {
    await db.end();
  }
} else {
  process.stdout.write(`\nPostgreSQL not reachable at ${url}: PostgreSQL rows skipped.\n`);
}

// ---------------------------------------------------------------- report
const baseline =
  rows.find((row) => row.strategy.startsWith('isolated() —') && row.engine === 'PostgreSQL') ??
  rows.find((row) => row.strategy.startsWith('isolated() —'));
const baseP50 = baseline === undefined ? Number.NaN : stats(baseline.samples).p50;
const table = markdownTable(
  [
    'strategy',
    'engine',
    'p50 ms',
    'p95 ms',
    'mean ms',
    'samples',
    `p50 vs isolated() ${baseline?.engine ?? ''}`,
  ],
  rows.map((row) => {
    const s = stats(row.samples);
    return [
      row.strategy,
      row.engine,
      num(s.p50, 2),
      num(s.p95, 2),
      num(s.mean, 2),
      row.samples.length,
      `${num(s.p50 / baseP50, 1)}×`,
    ];
  }),
);
process.stdout.write(
  `\n### Per-test cost of a clean database (${tables.length}-table schema; each test inserts 2 rows)\n\n${table}\n`,
);
if (backgroundNote !== '') process.stdout.write(`\n${backgroundNote}\n`);

const snapshot = stats(snapshotStarts);
const cold = stats(coldStarts);
const startTable = markdownTable(
  ['PGlite worker start', 'p50 ms', 'samples', 'vs cold + migrations'],
  [
    ['cold start + migrations (plain PGlite)', num(cold.p50, 0), coldStarts.length, '1.00×'],
    [
      "from fray's snapshot cache (createTestDatabase)",
      num(snapshot.p50, 0),
      snapshotStarts.length,
      `${num(snapshot.p50 / cold.p50, 2)}×`,
    ],
  ],
);
process.stdout.write(`\n### PGlite worker start\n\n${startTable}\n`);

const goal = (label: string, ok: boolean): string => `- ${ok ? 'met' : 'MISSED'}: ${label}`;
const find = (strategy: string, engine: Row['engine']): number => {
  const row = rows.find((r) => r.strategy.startsWith(strategy) && r.engine === engine);
  return row === undefined ? Number.NaN : stats(row.samples).p50;
};
const goals = [
  goal(
    `isolated() ≤ 1 ms p50 on PGlite (open + dispose ${num(find('isolated() open', 'PGlite'), 2)} ms)`,
    find('isolated() open', 'PGlite') <= 1,
  ),
  goal(
    `isolated() ≤ 1 ms p50 on PostgreSQL (open + dispose ${num(find('isolated() open', 'PostgreSQL'), 2)} ms)`,
    find('isolated() open', 'PostgreSQL') <= 1,
  ),
  goal(
    `fresh() ≤ 5 ms p50 on PostgreSQL from a warm pool, until a first query answers (${num(find('fresh() from the warm pool:', 'PostgreSQL'), 2)} ms)`,
    find('fresh() from the warm pool:', 'PostgreSQL') <= 5,
  ),
  goal(
    `PGlite start from the snapshot ≤ ½ of cold start + migrations (${num(snapshot.p50 / cold.p50, 2)}×)`,
    snapshot.p50 <= cold.p50 / 2,
  ),
];
process.stdout.write(`\n### Goals\n\n${goals.join('\n')}\n`);
