/**
 * Time to the first failure at steady state: one `explore()` per seed (fray) and one
 * `fc.check` per seed (fast-check) on one SCTBench program, many seeds in one process each, so
 * the figure is what a call costs once V8 has warmed up. The first quarter of the seeds is left
 * out as warm-up; the medians are of the rest.
 *
 * Two times per tool: to the end of the first failing run (when its check threw: the search
 * alone), and the whole call — for fray that includes the strict replay of the failing schedule
 * that makes `failure.reproduced` true (one more run), which fast-check does not do.
 *
 * The machine is shared: each round starts both processes one after the other, the rounds
 * alternate which tool goes first, and the table gives the median round with every round's
 * ratio beside it.
 *
 * Run: npx node bench/race/sctbench/first-failure.ts [program=account] [seeds=6000] [fray tool=portfolio] [rounds=5]
 *
 * 6,000 seeds (a quarter of them warm-up) and five rounds, up from 1,500 and three. Rounds of
 * the same code still disagree on this shared machine — by more than ±15% on some programs
 * (account, `random`: 0.49–1.06× in the latest five) — so read the median round with the spread beside
 * it; this benchmark is not yet steady enough to rank a change of a few percent (the A/B of
 * such a change interleaves old and new code in many processes instead). Programs that take
 * milliseconds a call (twostage, the reorders) were measured with 1,000 seeds.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { childArgs, root } from './child-args.ts';
import type { SeedResult } from './child.ts';

const [program = 'account', seedsArg = '6000', tool = 'portfolio', roundsArg = '5'] = process.argv.slice(2);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

interface Figures {
  /** Median ms from the call to the end of the failing run. */
  readonly search: number;
  /** Median ms per call. */
  readonly call: number;
  readonly runs: number;
  readonly found: number;
  readonly tried: number;
}

function measure(name: string): Figures {
  const args = childArgs({
    tool: name,
    program,
    mode: 'find',
    seeds: Number(seedsArg),
    first: 1,
    cap: 10_000,
    budgetMs: 600_000,
  });
  const lines = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SeedResult);
  const steady = lines.slice(Math.floor(lines.length / 4));
  return {
    search: median(steady.map((line) => line.searchMs ?? Number.NaN)),
    call: median(steady.map((line) => line.ms ?? Number.NaN)),
    runs: median(steady.map((line) => line.runs ?? Number.NaN)),
    found: steady.filter((line) => line.found === true).length,
    tried: steady.length,
  };
}

const rounds: { fray: Figures; fc: Figures }[] = [];
for (let round = 0; round < Number(roundsArg); round++) {
  if (round % 2 === 0) {
    const fray = measure(tool);
    rounds.push({ fray, fc: measure('fast-check') });
  } else {
    const fc = measure('fast-check');
    rounds.push({ fray: measure(tool), fc });
  }
}
const bySearch = [...rounds].sort((a, b) => a.fray.search / a.fc.search - b.fray.search / b.fc.search);
const mid = bySearch[bySearch.length >> 1];
if (mid === undefined) throw new Error('no rounds');
const row = (name: string, f: Figures): string =>
  `| ${name} | ${f.search.toFixed(3)} | ${f.call.toFixed(3)} | ${f.runs} | ${f.found}/${f.tried} |`;
const ratios = (key: 'search' | 'call'): string =>
  rounds.map((r) => (r.fray[key] / r.fc[key]).toFixed(2)).join(', ');
process.stdout.write(
  `${program}, ${seedsArg} seeds per process (medians of the last three quarters), ${rounds.length} rounds; the median round by the search ratio:\n\n` +
    `| tool | ms to the failing run | ms per call | runs to it | found |\n| --- | --- | --- | --- | --- |\n` +
    `${row(tool, mid.fray)}\n${row('fast-check', mid.fc)}\n\n` +
    `${tool} ÷ fast-check by round — to the failing run: ${ratios('search')}; per call: ${ratios('call')}\n`,
);
