/**
 * Time to the first failure at steady state: one `explore()` per seed (fray) and one
 * `fc.check` per seed (fast-check) on one SCTBench program, many seeds in one process each, so
 * the figure is what a call costs once V8 has warmed up — the fixed cost of a call plus its runs
 * to the failure (fray's include the strict replay that makes `failure.reproduced` true). The
 * first quarter of the seeds is left out as warm-up; the medians are of the rest.
 *
 * Run: npx node bench/race/sctbench/first-failure.ts [program=account] [seeds=1500] [fray tool=portfolio]
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { SeedResult } from './child.ts';

const [program = 'account', seedsArg = '1500', tool = 'portfolio'] = process.argv.slice(2);
const root = join(import.meta.dirname, '..', '..', '..');
const child = join(import.meta.dirname, 'child.ts');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

function measure(name: string, register: boolean): string {
  const args = [
    ...(register ? ['--import', './src/race/register.ts'] : []),
    child,
    name,
    program,
    'find',
    seedsArg,
    '1',
    '10000',
    '600000',
  ];
  const lines = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SeedResult);
  const steady = lines.slice(Math.floor(lines.length / 4));
  const found = steady.filter((line) => line.found === true).length;
  return `| ${name} | ${median(steady.map((line) => line.ms ?? Number.NaN)).toFixed(3)} | ${median(
    steady.map((line) => line.runs ?? Number.NaN),
  )} | ${found}/${steady.length} |`;
}

process.stdout.write(
  `${program}, ${seedsArg} seeds (medians of the last three quarters)\n\n| tool | ms per call to the first failure | runs to it | found |\n| --- | --- | --- | --- |\n${measure(tool, true)}\n${measure('fast-check', false)}\n`,
);
