/**
 * bench/race — how many runs each strategy needs to find each corpus race, against
 * fast-check's scheduler on the same corpus; runs per second; the races fast-check cannot
 * reach.
 *
 * For every race and every seed (30 by default), each fray strategy explores the buggy
 * scenario until its first failure (no shrinking), and fast-check's `fc.scheduler()` runs
 * the same code with its dependencies scheduled (bench/race/fast-check-corpus.ts) until its
 * first failure. Runs are capped; a race not found within the cap counts as "> cap".
 *
 *   npx node bench/race/index.ts [--seeds 30] [--cap 1000] [--fc-cap 1000] [--throughput-runs 300] [--only id,id]
 *
 * @module
 */
import fc from 'fast-check';
import { explore, type StrategyOption } from '../../src/race/index.ts';
import { closeCorpusDatabase, corpus, corpusDatabase } from '../../src/race/fixtures/corpus/index.ts';
import { environment, markdownTable, num } from '../table.ts';
import { fastCheckCorpus, property } from './fast-check-corpus.ts';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const SEEDS = flag('seeds', 30);
const CAP = flag('cap', 1000);
const FC_CAP = flag('fc-cap', CAP);
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : undefined;
const FIRST_SEED = 1;
const THROUGHPUT_RUNS = flag('throughput-runs', 300);
/** Only measure runs per second (skip runs-to-failure). */
const THROUGHPUT_ONLY = process.argv.includes('--throughput-only');

interface Measure {
  /** Runs to the first failure per seed; Infinity when not found within the cap. */
  readonly runs: number[];
  /** Runs executed in total, and the wall time they took (ms). */
  total: number;
  ms: number;
}

const STRATEGIES: { name: string; option: StrategyOption; seeded: boolean }[] = [
  { name: 'portfolio', option: 'portfolio', seeded: true },
  { name: 'dfs', option: 'dfs', seeded: false },
  { name: 'pct(d=1)', option: { kind: 'pct', depth: 1 }, seeded: true },
  { name: 'pct(d=2)', option: { kind: 'pct', depth: 2 }, seeded: true },
  { name: 'pct(d=3)', option: { kind: 'pct', depth: 3 }, seeded: true },
  { name: 'random', option: 'random', seeded: true },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Infinity)
    : ((sorted[mid - 1] ?? Infinity) + (sorted[mid] ?? Infinity)) / 2;
}

function show(value: number, cap: number): string {
  return Number.isFinite(value) ? num(value, Number.isInteger(value) ? 0 : 1) : `> ${num(cap)}`;
}

async function frayRuns(
  entryIndex: number,
  strategy: (typeof STRATEGIES)[number],
  measure: Measure,
): Promise<void> {
  const entry = corpus[entryIndex];
  if (entry === undefined) return;
  const seeds = strategy.seeded ? SEEDS : 1;
  for (let i = 0; i < seeds; i++) {
    const started = performance.now();
    const result = await explore({
      ...entry.buggy,
      seed: FIRST_SEED + i,
      strategy: strategy.option,
      runs: CAP,
      shrink: false,
      quiet: true,
    });
    measure.ms += performance.now() - started;
    const runs = result.ok ? Infinity : (result.failure?.run ?? Infinity);
    measure.total += result.ok ? result.runs : (result.failure?.run ?? 0);
    for (let k = 0; k < (strategy.seeded ? 1 : SEEDS); k++) measure.runs.push(runs);
  }
}

async function fastCheckRuns(id: string, measure: Measure): Promise<void> {
  const race = fastCheckCorpus[id];
  if (race === undefined) throw new Error(`no fast-check version of ${id}`);
  for (let i = 0; i < SEEDS; i++) {
    const started = performance.now();
    const details = await fc.check(fc.asyncProperty(fc.scheduler(), property(race, true)), {
      seed: FIRST_SEED + i,
      numRuns: FC_CAP,
      endOnFailure: true,
    });
    measure.ms += performance.now() - started;
    measure.total += details.numRuns;
    measure.runs.push(details.failed ? details.numRuns : Infinity);
  }
}

const selected = corpus.filter((entry) => ONLY === undefined || ONLY.includes(entry.id));

/** Runs to the first failure, per strategy and for fast-check; prints the table. */
async function runsToFailure(): Promise<void> {
  process.stdout.write(
    `\n${SEEDS} seeds per strategy (dfs is deterministic: one run stands for all), cap ${num(CAP)} runs (fast-check ${num(FC_CAP)}), no shrinking.\n`,
  );
  const names = [...STRATEGIES.map((s) => s.name), 'fast-check'];
  const results = new Map<string, Map<string, Measure>>();
  for (const entry of selected) {
    const index = corpus.indexOf(entry);
    const row = new Map<string, Measure>();
    for (const strategy of STRATEGIES) {
      const measure: Measure = { runs: [], total: 0, ms: 0 };
      await frayRuns(index, strategy, measure);
      row.set(strategy.name, measure);
    }
    const fcMeasure: Measure = { runs: [], total: 0, ms: 0 };
    await fastCheckRuns(entry.id, fcMeasure);
    row.set('fast-check', fcMeasure);
    results.set(entry.id, row);
    process.stderr.write(`  ${entry.id}: done\n`);
  }

  const rows = [...results].map(([id, row]) => {
    const medians = names.map((name) => median(row.get(name)?.runs ?? []));
    const portfolio = medians[0] ?? Infinity;
    const fast = medians.at(-1) ?? Infinity;
    const ratio = !Number.isFinite(fast)
      ? `∞ (fast-check: ${row.get('fast-check')?.runs.filter(Number.isFinite).length ?? 0}/${SEEDS} seeds)`
      : `${num(fast / portfolio, 1)}×`;
    return [id, ...medians.map((m, i) => show(m, names[i] === 'fast-check' ? FC_CAP : CAP)), ratio];
  });
  const pooled = names.map((name) =>
    median([...results.values()].flatMap((row) => row.get(name)?.runs ?? [])),
  );
  rows.push([
    '**all races (pooled)**',
    ...pooled.map((m, i) => `**${show(m, names[i] === 'fast-check' ? FC_CAP : CAP)}**`),
    Number.isFinite(pooled.at(-1) ?? Infinity)
      ? `**${num((pooled.at(-1) ?? 0) / (pooled[0] ?? 1), 1)}×**`
      : '**∞**',
  ]);
  process.stdout.write(
    `\n### Median runs to the first failure (${SEEDS} seeds)\n\n${markdownTable(['race', ...names, 'fast-check ÷ portfolio'], rows)}\n`,
  );
  const unreachable = [...results]
    .filter(([, row]) => (row.get('fast-check')?.runs ?? []).every((r) => !Number.isFinite(r)))
    .map(([id]) => id);
  process.stdout.write(
    `\nRaces fast-check's scheduler did not reach with any of ${SEEDS} seeds in ${num(FC_CAP)} runs: ${unreachable.length === 0 ? 'none' : unreachable.join(', ')}.\n` +
      `Races fray's portfolio missed: ${
        [...results]
          .filter(([, row]) => (row.get('portfolio')?.runs ?? []).some((r) => !Number.isFinite(r)))
          .map(([id]) => id)
          .join(', ') || 'none'
      }.\n`,
  );
}

/** Steady-state throughput: the same buggy scenario with its invariant switched off. */
async function throughput(index: number): Promise<[number, number]> {
  const entry = corpus[index];
  const race = entry === undefined ? undefined : fastCheckCorpus[entry.id];
  if (entry === undefined || race === undefined) return [0, 0];
  const runs = THROUGHPUT_RUNS;
  await explore({ ...entry.buggy, check: () => undefined, seed: 1, strategy: 'random', runs: 20 });
  let started = performance.now();
  await explore({ ...entry.buggy, check: () => undefined, seed: 1, strategy: 'random', runs });
  const fray = (runs / (performance.now() - started)) * 1000;
  await fc.check(fc.asyncProperty(fc.scheduler(), property(race, false)), { seed: 1, numRuns: 20 });
  started = performance.now();
  await fc.check(fc.asyncProperty(fc.scheduler(), property(race, false)), { seed: 1, numRuns: runs });
  const fast = (runs / (performance.now() - started)) * 1000;
  return [fray, fast];
}

process.stdout.write(`\n${environment()}\n`);
await corpusDatabase();
if (!THROUGHPUT_ONLY) await runsToFailure();
const speed: string[][] = [];
for (const entry of selected) {
  const [fray, fast] = await throughput(corpus.indexOf(entry));
  speed.push([entry.id, num(fray), num(fast), `${num(fray / fast, 2)}×`]);
}
await closeCorpusDatabase();
process.stdout.write(
  `\n### Runs per second (${num(THROUGHPUT_RUNS)} runs of each buggy scenario, invariant off; fray: random strategy)\n\n${markdownTable(['race', 'fray runs/s', 'fast-check runs/s', 'fray ÷ fast-check'], speed)}\n`,
);
