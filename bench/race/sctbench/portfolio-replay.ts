/**
 * Portfolio turn orders replayed over the members' own runs, on SCTBench's programs (and, with
 * `--corpus`, fray's corpus of real races): thousands of orders in the time portfolio-orders.ts
 * runs one.
 *
 * A member in a portfolio explores the schedules it explores alone with the same seed — it
 * learns only from its own runs — so a portfolio's first failure is the first turn at which
 * some member reaches the run at which it fails alone. This script measures, once, the run at
 * which each member (random, PCT of depths 1–3, DFS) and fast-check first fail, per seed
 * (bench/race/sctbench/child.ts), with the size DFS estimates for each program's tree; then it
 * replays each order given with the portfolio's own {@link TurnOrder} (DFS's extra turns
 * included) and prints, per order, the median runs per program and how they compare with the
 * best member and fast-check. The replay agrees with the real portfolio seed by seed (checked
 * on account, seeds 41–60: 4, 4, 1, 2, 2, 5, 1, 1, 8, 8, … both ways); portfolio-orders.ts
 * runs the real one.
 *
 *   npx node bench/race/sctbench/portfolio-replay.ts [--first 1] [--seeds 200] [--runs 3000]
 *     [--budget <runs given to the portfolio; default --runs>] [--data <cache.json>]
 *     [--corpus [--corpus-seeds 60] [--corpus-runs 300]]
 *     [--order default] [--order dfs,random,pct2 …]
 *
 * `--data` keeps the members' runs in a file and reuses them (same seeds and cap): measure
 * once, replay many orders. Choose an order on one range of seeds and check it on another.
 *
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { PortfolioMember } from '../../../src/race/index.ts';
import { TURNS } from '../../../src/race/strategies/portfolio.ts';
import { TurnOrder } from '../../../src/race/strategies/turn-order.ts';
import { median, runChild, twoAtATime } from './child-args.ts';
import type { SeedResult } from './child.ts';
import { programs } from './programs.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? (argv[at + 1] ?? fallback) : fallback;
}
const FIRST = Number(option('first', '1'));
const SEEDS = Number(option('seeds', '200'));
const CAP = Number(option('runs', '3000'));
const BUDGET = Number(option('budget', String(CAP)));
const DATA = option('data', '');
const CORPUS = argv.includes('--corpus');
/** Seeds of the corpus's races: fewer, they run against a database. */
const CORPUS_SEEDS = Math.min(SEEDS, Number(option('corpus-seeds', '60')));
/**
 * Runs at most per member and seed on the corpus (a member that never finds a race spends them
 * all, against a database): exact for any portfolio that fails before that member's turns run
 * out — 300 runs of a member with one turn in thirteen are 3,900 of the portfolio's.
 */
const CORPUS_RUNS = Number(option('corpus-runs', '300'));
const ORDERS = argv
  .flatMap((arg, i) => (argv[i - 1] === '--order' ? [arg === 'default' ? TURNS.join(',') : arg] : []))
  .map((order) => order.split(',') as PortfolioMember[]);
if (ORDERS.length === 0) ORDERS.push([...TURNS]);
const MEMBERS = ['random', 'pct1', 'pct2', 'pct3', 'dfs'] as const;
type Member = (typeof MEMBERS)[number];

/** Per program: each tool's first failing run per seed (`null`: none within the cap), DFS's estimate. */
interface ProgramRuns {
  readonly runs: Record<string, (number | null)[]>;
  readonly estimate: number;
}
interface Data {
  readonly first: number;
  readonly seeds: number;
  readonly cap: number;
  readonly programs: Record<string, ProgramRuns>;
}

function child(tool: string, program: string, seeds: number): Promise<SeedResult[]> {
  return runChild({ tool, program, mode: 'find', seeds, first: FIRST, cap: CAP, budgetMs: 3_600_000 });
}

const firstRun = (line: SeedResult): number | null => (line.found === true ? (line.runs ?? null) : null);

async function measureSctbench(data: Data): Promise<void> {
  const jobs = programs
    .filter((p) => p.name !== 'twostage_100' && data.programs[p.name] === undefined)
    .flatMap((p) => {
      const runs: Record<string, (number | null)[]> = {};
      let estimate = Number.POSITIVE_INFINITY;
      const tools = [...MEMBERS, 'fast-check'];
      let left = tools.length;
      return tools.map((tool) => async () => {
        // DFS is deterministic: one seed stands for all.
        const lines = await child(tool, p.name, tool === 'dfs' ? 1 : SEEDS);
        runs[tool] =
          tool === 'dfs'
            ? Array<number | null>(SEEDS).fill(firstRun(lines[0] as SeedResult))
            : lines.map(firstRun);
        if (tool === 'dfs') estimate = lines[0]?.estimate ?? estimate;
        if (--left === 0) {
          data.programs[p.name] = { runs, estimate };
          if (DATA !== '') writeFileSync(DATA, JSON.stringify(data));
          process.stderr.write(`  ${p.name}: measured\n`);
        }
      });
    });
  await twoAtATime(jobs);
}

/** The corpus of real races, in this process (as bench/race/index.ts runs it). */
async function measureCorpus(data: Data): Promise<void> {
  const { explore } = await import('../../../src/race/index.ts');
  const { corpus, closeCorpusDatabase } = await import('../../../src/race/fixtures/corpus/index.ts');
  const options = {
    random: 'random',
    pct1: { kind: 'pct', depth: 1 },
    pct2: { kind: 'pct', depth: 2 },
    pct3: { kind: 'pct', depth: 3 },
    dfs: 'dfs',
  } as const;
  for (const entry of corpus) {
    const key = `corpus:${entry.id}`;
    if (data.programs[key] !== undefined) continue;
    const runs: Record<string, (number | null)[]> = {};
    let estimate = Number.POSITIVE_INFINITY;
    for (const member of MEMBERS) {
      const found: (number | null)[] = [];
      for (let i = 0; i < (member === 'dfs' ? 1 : CORPUS_SEEDS); i++) {
        const result = await explore({
          ...entry.buggy,
          seed: FIRST + i,
          strategy: options[member],
          runs: CORPUS_RUNS,
          shrink: false,
          quiet: true,
        });
        found.push(result.ok ? null : (result.failure?.run ?? null));
        if (member === 'dfs') estimate = result.coverage.find((c) => c.name === 'dfs')?.estimate ?? estimate;
      }
      runs[member] = member === 'dfs' ? Array<number | null>(CORPUS_SEEDS).fill(found[0] ?? null) : found;
    }
    data.programs[key] = { runs, estimate };
    if (DATA !== '') writeFileSync(DATA, JSON.stringify(data));
    process.stderr.write(`  ${key}: measured\n`);
  }
  await closeCorpusDatabase();
}

/** The run at which the portfolio with `turns` first fails on one seed (Infinity: not within the budget). */
function replay(turns: readonly PortfolioMember[], first: Record<Member, number>, estimate: number): number {
  const order = new TurnOrder(turns, BUDGET);
  const taken: Record<Member, number> = { random: 0, pct1: 0, pct2: 0, pct3: 0, dfs: 0 };
  for (let run = 1; run <= BUDGET; run++) {
    const member = order.next(() => true);
    if (member === undefined) break;
    if (++taken[member] >= first[member]) return run;
    order.observe(member, member === 'dfs' ? estimate : undefined);
  }
  return Number.POSITIVE_INFINITY;
}

const loaded = DATA !== '' && existsSync(DATA) ? (JSON.parse(readFileSync(DATA, 'utf8')) as Data) : undefined;
const data: Data =
  loaded !== undefined && loaded.first === FIRST && loaded.seeds === SEEDS && loaded.cap === CAP
    ? loaded
    : { first: FIRST, seeds: SEEDS, cap: CAP, programs: {} };
await measureSctbench(data);
if (CORPUS) await measureCorpus(data);

const fmt = (n: number, cap = CAP): string => (Number.isFinite(n) ? String(n) : `>${cap}`);
const medianOf = (values: readonly (number | null)[]): number =>
  median(values.map((v) => v ?? Number.POSITIVE_INFINITY));
/** Of the finite, non-zero ratios (a tool that found nothing within the cap has none). */
const geomean = (all: readonly number[]): number => {
  const values = all.filter((v) => Number.isFinite(v) && v > 0);
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
};
const lines = [
  `Seeds ${FIRST}–${FIRST + SEEDS - 1}, members capped at ${CAP.toLocaleString('en-US')} runs, the portfolio given ${BUDGET.toLocaleString('en-US')}; median runs to the first failure, replayed.`,
  '',
  ...ORDERS.map((order, i) => `- P${i + 1}: ${order.join(',')}`),
  '',
  `| program | ${MEMBERS.join(' | ')} | fast-check | best | ${ORDERS.map((_, i) => `P${i + 1} (÷ best)`).join(' | ')} |`,
  `| --- | ${[...MEMBERS, 'fc', 'best', ...ORDERS].map(() => '---').join(' | ')} |`,
];
const summary = ORDERS.map(() => [] as { vsBest: number; vsFc: number }[]);
for (const [name, program] of Object.entries(data.programs)) {
  const member = (m: string): number => medianOf(program.runs[m] ?? []);
  const best = Math.min(...MEMBERS.map(member));
  const fc = program.runs['fast-check'] === undefined ? Number.NaN : member('fast-check');
  const cells = ORDERS.map((order, i) => {
    const runs = median(
      Array.from({ length: program.runs['random']?.length ?? 0 }, (_, s) => {
        const first = Object.fromEntries(
          MEMBERS.map((m) => [m, program.runs[m]?.[s] ?? Number.POSITIVE_INFINITY]),
        ) as Record<Member, number>;
        return replay(order, first, program.estimate);
      }),
    );
    if (!name.startsWith('corpus:') && Number.isFinite(best) && (best > 1 || runs > 1))
      summary[i]?.push({ vsBest: runs / best, vsFc: runs / fc });
    return `${fmt(runs)} (${(runs / best).toFixed(2)}×)`;
  });
  const cap = name.startsWith('corpus:') ? CORPUS_RUNS : CAP;
  lines.push(
    `| ${name} | ${MEMBERS.map((m) => fmt(member(m), cap)).join(' | ')} | ${Number.isNaN(fc) ? '–' : fmt(fc)} | ${fmt(best)} | ${cells.join(' | ')} |`,
  );
}
lines.push('');
ORDERS.forEach((_, i) => {
  const rows = (summary[i] ?? []).filter((r) => Number.isFinite(r.vsBest));
  lines.push(
    `P${i + 1} on SCTBench: within 1.3× of the best member on ${rows.filter((r) => r.vsBest <= 1.3).length} of ${rows.length} programs; geometric mean ${geomean(rows.map((r) => r.vsBest)).toFixed(2)}×, worst ${Math.max(...rows.map((r) => r.vsBest)).toFixed(2)}×; against fast-check's runs: geometric mean ${geomean(rows.map((r) => r.vsFc)).toFixed(2)}×, as few or fewer on ${rows.filter((r) => r.vsFc <= 1).length} of ${rows.length}`,
  );
});
process.stdout.write(`${lines.join('\n')}\n`);
