/**
 * fray's random walk against fast-check's scheduler on SCTBench's programs, with enough seeds
 * to tell them apart. The runs to a first failure of a random walk are geometric: the median of
 * 20 seeds ranges from about half to nearly twice its true value between sets of seeds (a walk
 * that fails one run in 25: 9–30.5 around 17 in 95% of simulated sets of 20), so index.ts's
 * medians cannot say which walk is better. Here each walk runs many seeds and the figure is the mean runs to
 * the first failure — the maximum-likelihood estimate of 1 ÷ the chance that one run fails —
 * with a 95% bootstrap interval of the ratio of the two means (seeded resampling, seed
 * printed).
 *
 * Usage: npx node bench/race/sctbench/random-walk.ts [--seeds 200] [--only a,b] [--cap 10000]
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { prng } from '../../../src/race/prng.ts';
import type { SeedResult } from './child.ts';
import { programs } from './programs.ts';

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? undefined : argv[at + 1];
}
const SEEDS = Number(option('seeds') ?? 200);
const CAP = Number(option('cap') ?? 10_000);
const ONLY = option('only')?.split(',');
const RESAMPLES = 2_000;
const BOOTSTRAP_SEED = 14;

const root = join(import.meta.dirname, '..', '..', '..');
const childPath = join(import.meta.dirname, 'child.ts');
const register = join(root, 'src/race/register.ts');

function seeds(tool: 'random' | 'fast-check', program: string): SeedResult[] {
  const out = execFileSync(
    process.execPath,
    [
      ...(tool === 'fast-check' ? [] : ['--import', register]),
      childPath,
      tool,
      program,
      'find',
      String(SEEDS),
      '1',
      String(CAP),
      String(24 * 3600 * 1000),
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as SeedResult);
}

/** Mean runs to the first failure; a seed that did not find it counts its `CAP` runs (a lower bound). */
function mean(runs: readonly number[]): number {
  return runs.reduce((sum, value) => sum + value, 0) / runs.length;
}

const random = prng(BOOTSTRAP_SEED, 0xb007);
function resample(values: readonly number[]): number[] {
  return values.map(() => values[random.int(values.length)] as number);
}

function interval(a: readonly number[], b: readonly number[]): [number, number] {
  const ratios: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) ratios.push(mean(resample(a)) / mean(resample(b)));
  ratios.sort((x, y) => x - y);
  return [
    ratios[Math.floor(RESAMPLES * 0.025)] as number,
    ratios[Math.ceil(RESAMPLES * 0.975) - 1] as number,
  ];
}

const rows: string[] = [];
const verdicts: { name: string; ratio: number; low: number; high: number }[] = [];
const selected = programs.filter((p) =>
  ONLY === undefined ? p.name !== 'twostage_100' : ONLY.includes(p.name),
);
for (const program of selected) {
  const fray = seeds('random', program.name);
  const fc = seeds('fast-check', program.name);
  const frayRuns = fray.map((s) => s.runs ?? CAP);
  const fcRuns = fc.map((s) => s.runs ?? CAP);
  const found = (list: SeedResult[]): string =>
    `${list.filter((s) => s.found === true).length}/${list.length}`;
  const ratio = mean(frayRuns) / mean(fcRuns);
  const [low, high] = interval(frayRuns, fcRuns);
  verdicts.push({ name: program.name, ratio, low, high });
  rows.push(
    `| ${program.name} | ${mean(frayRuns).toFixed(1)} (${found(fray)}) | ${mean(fcRuns).toFixed(1)} (${found(fc)}) | ${ratio.toFixed(2)}× | ${low.toFixed(2)}–${high.toFixed(2)} |`,
  );
  process.stderr.write(`${program.name} done\n`);
}

const clearlyWorse = verdicts.filter((v) => v.low > 1);
const clearlyBetter = verdicts.filter((v) => v.high < 1);
function list(items: readonly { name: string; ratio: number }[]): string {
  return items.length === 0 ? 'none' : items.map((v) => `${v.name} ${v.ratio.toFixed(2)}×`).join(', ');
}
const geometric = Math.exp(mean(verdicts.map((v) => Math.log(v.ratio))));
process.stdout.write(
  [
    `# fray's random walk vs fast-check's scheduler`,
    '',
    `Seeds 1–${SEEDS} per program and tool, at most ${CAP.toLocaleString('en-US')} runs per seed (a seed that did not find the bug counts its cap: the mean is then a lower bound). Node ${process.version}. Mean runs to the first failure (found/seeds); ratio fray ÷ fast-check (below 1: fray's walk fails sooner) with a 95% bootstrap interval (${RESAMPLES.toLocaleString('en-US')} resamples, seed ${BOOTSTRAP_SEED}).`,
    '',
    '| program | fray random | fast-check | ratio | 95% interval |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Geometric mean of the ratios: ${geometric.toFixed(2)}×. fray's walk needs more runs beyond the interval (its low end above 1): ${list(clearlyWorse)}; fewer beyond the interval (its high end below 1): ${list(clearlyBetter)}; the rest are within their interval of 1.`,
    '',
  ].join('\n'),
);
