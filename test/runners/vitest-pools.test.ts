/**
 * createFrayTest's per-worker database under Vitest's two pools and its sharding, as a CI
 * matrix runs it: `--pool threads|forks --shard i/2`, files sharing a worker
 * (`--no-isolate`). Each worker must start exactly one database, used by every file it
 * runs and by no other worker; the shards together must run every test exactly once; and
 * fray/leaks must find nothing in fray's own database, pools or fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, built, cleanUp, notBuilt, runNode, samples, type Finished } from './harness.ts';

if (!built) console.warn(notBuilt);

interface Record {
  readonly test: string;
  readonly file: string;
  readonly worker: string;
  readonly database: string;
}

interface VitestReport {
  testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
}

const pools = ['threads', 'forks'] as const;
const shards = ['1/2', '2/2'] as const;

function records(run: Finished): Record[] {
  const file = join(run.dir, 'records.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record);
}

function testsRun(run: Finished): string[] {
  const report = JSON.parse(readFileSync(join(run.dir, 'report.json'), 'utf8')) as VitestReport;
  return report.testResults.flatMap((file) => file.assertionResults.map((result) => result.title));
}

describe.skipIf(!built)('createFrayTest under --pool threads|forks and --shard (needs npm run build)', () => {
  const project = join(samples, 'fixtures');
  const runs = new Map<string, Finished>();

  beforeAll(async () => {
    // One pool at a time, its two shards side by side (two machines of a CI matrix).
    for (const pool of pools) {
      const finished = await Promise.all(
        shards.map((shard) =>
          runNode(
            [
              bin.vitest,
              'run',
              '--root',
              project,
              '--pool',
              pool,
              '--no-isolate',
              '--maxWorkers',
              '2',
              '--shard',
              shard,
              '--reporter=json',
              '--outputFile={dir}/report.json',
            ],
            { env: { FRAY_SAMPLE_RECORD: '{dir}/records.jsonl' } },
          ),
        ),
      );
      shards.forEach((shard, i) => runs.set(`${pool} ${shard}`, finished[i]!));
    }
  }, 170_000);

  afterAll(() => Promise.all([...runs.values()].map(cleanUp)));

  test.each(pools)('%s: every shard passes, and fray/leaks finds nothing in fray’s own fixtures', (pool) => {
    for (const shard of shards) {
      const run = runs.get(`${pool} ${shard}`)!;
      expect(run.code, `${pool} ${shard}:\n${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.leaks).toEqual([]);
    }
  });

  test.each(pools)('%s: the two shards run every test exactly once', (pool) => {
    const all = shards.flatMap((shard) => testsRun(runs.get(`${pool} ${shard}`)!));

    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(12);
    expect(all).toEqual(
      expect.arrayContaining(['a: creates a note through the app', 'a test that times out']),
    );
  });

  test.each(pools)(
    '%s: each worker starts one database, shared by its files and by no other worker',
    (pool) => {
      let shared = false;
      for (const shard of shards) {
        const rows = records(runs.get(`${pool} ${shard}`)!);
        const byWorker = Map.groupBy(rows, (row) => row.worker);
        const databases = [...byWorker.values()].map((group) => new Set(group.map((row) => row.database)));

        expect(databases.every((set) => set.size === 1)).toBe(true);
        expect(new Set(rows.map((row) => row.database)).size).toBe(byWorker.size);
        expect(byWorker.size).toBeLessThanOrEqual(2);
        shared ||= [...byWorker.values()].some((group) => new Set(group.map((row) => row.file)).size > 1);
      }
      // Five files over two shards of at most two workers: some worker ran two files.
      expect(shared).toBe(true);
    },
  );
});
