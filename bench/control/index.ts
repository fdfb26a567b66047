/**
 * Automatic control (issue 13): what it costs, and what it buys.
 *
 * 1. Not exploring: the cost of an instrumented `await` against a plain one (the same module
 *    source, transformed and not, in one process, interleaved rounds), and of loading real
 *    dependencies through fray/race/register (child processes, interleaved).
 * 2. Exploring a lost update through a real client (ioredis on the local Redis; fray/db's pool
 *    on PGlite): runs per second and runs to the first failure, wrapped by hand with
 *    `ctl.wrap` (no automatic control — how fray worked before) against unwrapped with
 *    automatic control. Each side in its own process, rounds interleaved, spread printed.
 *
 * Usage: npx node bench/control/index.ts [--rounds 5]
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { instrumentAwaits } from '../../src/race/instrument/transform.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? '') || 5;
const root = join(import.meta.dirname, '..', '..');
const node = process.execPath;
const register = join(root, 'src/race/register.ts');

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const spread = (values: readonly number[]): string => {
  const m = median(values);
  return `${(((Math.min(...values) - m) / m) * 100).toFixed(1)}%/+${(((Math.max(...values) - m) / m) * 100).toFixed(1)}%`;
};

// ── 1a. one await, instrumented or not, outside explore() ─────────────────────
const source = `
export async function chain(n) {
  let total = 0;
  for (let i = 0; i < n; i++) total += await step(i);
  return total;
}
async function step(i) { return (await i) + 1; }
`;
const dir = mkdtempSync(join(tmpdir(), 'fray-bench-control-'));
writeFileSync(join(dir, 'plain.mjs'), source);
writeFileSync(
  join(dir, 'instrumented.mjs'),
  instrumentAwaits({ code: source, sourceType: 'module', label: 'bench.mjs' })?.code ?? source,
);
const plain = (await import(pathToFileURL(join(dir, 'plain.mjs')).href)) as {
  chain: (n: number) => Promise<number>;
};
const instrumented = (await import(pathToFileURL(join(dir, 'instrumented.mjs')).href)) as typeof plain;
rmSync(dir, { recursive: true, force: true });
const AWAITS = 200_000; // 2 awaits per step
const perAwait = { plain: [] as number[], instrumented: [] as number[] };
for (let round = 0; round < rounds * 4; round++)
  for (const [name, module] of round % 2 === 0
    ? ([
        ['plain', plain],
        ['instrumented', instrumented],
      ] as const)
    : ([
        ['instrumented', instrumented],
        ['plain', plain],
      ] as const)) {
    const started = performance.now();
    await module.chain(AWAITS / 2);
    perAwait[name].push(((performance.now() - started) * 1e6) / AWAITS);
  }
const ratio = median(perAwait.instrumented.map((t, i) => t / (perAwait.plain[i] as number)));
process.stdout.write(
  [
    '',
    '### Not exploring: one await',
    '',
    '| | ns per await (median) | spread |',
    '| --- | --- | --- |',
    `| plain | ${median(perAwait.plain).toFixed(1)} | ${spread(perAwait.plain)} |`,
    `| instrumented | ${median(perAwait.instrumented).toFixed(1)} | ${spread(perAwait.instrumented)} |`,
    '',
    `instrumented ÷ plain, median of ${perAwait.plain.length} paired rounds: ${ratio.toFixed(2)}×`,
    '',
  ].join('\n'),
);

// ── 1b. loading real dependencies through the hook ────────────────────────────
const load =
  "await import('pg'); await import('kysely'); await import('express'); await import('hono'); await import('ioredis'); await import('@electric-sql/pglite');";
const loadMs = { plain: [] as number[], hooked: [] as number[] };
for (let round = 0; round < rounds; round++)
  for (const hooked of round % 2 === 0 ? [false, true] : [true, false]) {
    const started = performance.now();
    execFileSync(node, [...(hooked ? ['--import', register] : []), '--input-type=module', '-e', load], {
      cwd: root,
    });
    loadMs[hooked ? 'hooked' : 'plain'].push(performance.now() - started);
  }
process.stdout.write(
  [
    '### Not exploring: starting a process that loads pg, kysely, express, hono, ioredis and PGlite',
    '',
    '| | ms (median) | spread |',
    '| --- | --- | --- |',
    `| node | ${median(loadMs.plain).toFixed(0)} | ${spread(loadMs.plain)} |`,
    `| node --import fray/race/register | ${median(loadMs.hooked).toFixed(0)} | ${spread(loadMs.hooked)} |`,
    '',
  ].join('\n'),
);

// ── 2. exploring through a real client ────────────────────────────────────────
function child(
  scenario: string,
  mode: 'wrapped' | 'automatic',
  task: string,
  count: number,
): Record<string, unknown> {
  const args = [
    ...(mode === 'automatic' ? ['--import', register] : []),
    join(import.meta.dirname, 'child.ts'),
    scenario,
    mode,
    task,
    String(count),
  ];
  const out = execFileSync(node, args, { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

const lines = [
  '### Exploring a lost update through a real client',
  '',
  '| client | control | runs/s (median) | spread | runs to the first failure, 10 seeds (median, max) |',
  '| --- | --- | --- | --- | --- |',
];
for (const [scenario, label, runs] of [
  ['redis', 'ioredis (local Redis)', 300],
  ['pglite', "fray/db's pool (PGlite)", 100],
] as const) {
  const rates = { wrapped: [] as number[], automatic: [] as number[] };
  for (let round = 0; round < rounds; round++)
    for (const mode of round % 2 === 0
      ? (['wrapped', 'automatic'] as const)
      : (['automatic', 'wrapped'] as const))
      rates[mode].push(child(scenario, mode, 'throughput', runs)['runsPerSecond'] as number);
  for (const mode of ['wrapped', 'automatic'] as const) {
    const found = (child(scenario, mode, 'find', 10)['found'] as (number | null)[]).map(
      (f) => f ?? Number.POSITIVE_INFINITY,
    );
    lines.push(
      `| ${label} | ${mode === 'wrapped' ? 'ctl.wrap, no automatic control' : 'unwrapped, automatic control'} | ${median(rates[mode]).toFixed(0)} | ${spread(rates[mode])} | ${median(found)}, ${Math.max(...found)} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
