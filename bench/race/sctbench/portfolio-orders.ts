/**
 * How close a portfolio's turn order keeps it to its best member, on SCTBench's programs.
 *
 * For each program: every member alone (random, pct1, pct2, pct3, dfs) and fast-check over the
 * same seeds, then the portfolio with each turn order given (`{ kind: 'portfolio', turns }`,
 * the real strategy, not a simulation). For each order: the median runs to the first failure
 * over the seeds, its ratio to the best member's median, and to fast-check's. Programs where the
 * best member and the order both need one run are left out of the summary (nothing to separate).
 *
 *   npx node bench/race/sctbench/portfolio-orders.ts [--first 1] [--seeds 40] [--runs 3000]
 *     [--order default] [--order equal] [--order dfs,random,pct2 …]
 *
 * `default` is fray's order (src/race/strategies/portfolio.ts's `TURNS`); `equal` the one before
 * it (DFS, random, PCT(d=2), PCT(d=3) twice, then PCT(d=1)). Tune on one range of seeds and
 * check on another (`--first 41`): medians of 40 geometric run counts still move by ±20–30%.
 *
 * @module
 */
import { TURNS } from '../../../src/race/strategies/portfolio.ts';
import { median, runChild, twoAtATime } from './child-args.ts';
import { programs } from './programs.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? (argv[at + 1] ?? fallback) : fallback;
}
const FIRST = Number(option('first', '1'));
const SEEDS = Number(option('seeds', '40'));
const CAP = Number(option('runs', '3000'));
const PRESETS: Record<string, string> = {
  default: TURNS.join(','),
  equal: 'dfs,random,pct2,pct3,dfs,random,pct2,pct3,pct1',
};
const ORDERS = argv.flatMap((arg, i) => (argv[i - 1] === '--order' ? [PRESETS[arg] ?? arg] : []));
if (ORDERS.length === 0) ORDERS.push(PRESETS['equal'] as string, PRESETS['default'] as string);
const MEMBERS = ['random', 'pct1', 'pct2', 'pct3', 'dfs'] as const;

const selected = programs.filter((p) => p.name !== 'twostage_100');

/** Runs to the first failure per seed (Infinity: not found within the cap). */
async function child(tool: string, program: string, seeds: number): Promise<number[]> {
  const lines = await runChild({
    tool,
    program,
    mode: 'find',
    seeds,
    first: FIRST,
    cap: CAP,
    budgetMs: 3_600_000,
  });
  return lines.map((line) => (line.found === true ? (line.runs ?? Infinity) : Infinity));
}

const tools = [...MEMBERS, 'fast-check', ...ORDERS.map((order) => `portfolio:${order}`)];
const medians = new Map<string, Map<string, number>>();
const jobs = selected.flatMap((program) =>
  tools.map((tool) => async () => {
    // DFS is deterministic: one seed stands for all.
    const runs = await child(tool, program.name, tool === 'dfs' ? 1 : SEEDS);
    const row = medians.get(program.name) ?? new Map<string, number>();
    row.set(tool, median(runs));
    medians.set(program.name, row);
  }),
);
await twoAtATime(jobs);

const fmt = (n: number): string => (Number.isFinite(n) ? String(n) : `>${CAP}`);
const lines = [
  `Seeds ${FIRST}–${FIRST + SEEDS - 1}, cap ${CAP.toLocaleString('en-US')} runs; median runs to the first failure.`,
  '',
  ...ORDERS.map((order, i) => `- P${i + 1}: ${order}`),
  '',
  `| program | ${MEMBERS.join(' | ')} | fast-check | best | ${ORDERS.map((_, i) => `P${i + 1} (÷ best)`).join(' | ')} |`,
  `| --- | ${[...MEMBERS, 'fc', 'best', ...ORDERS].map(() => '---').join(' | ')} |`,
];
const summary = ORDERS.map(() => [] as { vsBest: number; vsFc: number }[]);
/** Programs no member found within the cap: no ratio to a best member exists. */
const unfound: string[] = [];
for (const program of selected) {
  const row = medians.get(program.name) ?? new Map<string, number>();
  const best = Math.min(...MEMBERS.map((m) => row.get(m) ?? Infinity));
  if (!Number.isFinite(best)) unfound.push(program.name);
  const cells = ORDERS.map((order, i) => {
    const runs = row.get(`portfolio:${order}`) ?? Infinity;
    if (Number.isFinite(best) && (best > 1 || runs > 1))
      summary[i]?.push({ vsBest: runs / best, vsFc: runs / (row.get('fast-check') ?? Infinity) });
    return `${fmt(runs)} (${(runs / best).toFixed(2)}×)`;
  });
  lines.push(
    `| ${program.name} | ${MEMBERS.map((m) => fmt(row.get(m) ?? Infinity)).join(' | ')} | ${fmt(row.get('fast-check') ?? Infinity)} | ${fmt(best)} | ${cells.join(' | ')} |`,
  );
}
/** Of the finite, non-zero ratios (a tool that found nothing within the cap has none). */
const geomean = (all: readonly number[]): number => {
  const values = all.filter((v) => Number.isFinite(v) && v > 0);
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
};
/** Said when the portfolio missed programs a member found: they are not in its mean. */
const missed = (rows: readonly { vsBest: number }[]): string => {
  const n = rows.filter((r) => !Number.isFinite(r.vsBest)).length;
  return n === 0 ? '' : ` (without the ${n} it did not find within the cap)`;
};
lines.push('');
if (unfound.length > 0)
  lines.push(`Left out of the summary — no member found them within the cap: ${unfound.join(', ')}.`, '');
ORDERS.forEach((_, i) => {
  const rows = summary[i] ?? [];
  lines.push(
    `P${i + 1}: within 1.3× of the best member on ${rows.filter((r) => r.vsBest <= 1.3).length} of ${rows.length} programs; geometric mean ${geomean(rows.map((r) => r.vsBest)).toFixed(2)}×${missed(rows)}, worst ${Math.max(...rows.map((r) => r.vsBest)).toFixed(2)}×; against fast-check: geometric mean ${geomean(rows.map((r) => r.vsFc)).toFixed(2)}×, as few runs or fewer on ${rows.filter((r) => r.vsFc <= 1).length} of ${rows.length}`,
  );
});
process.stdout.write(`${lines.join('\n')}\n`);
