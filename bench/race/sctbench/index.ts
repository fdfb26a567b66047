/**
 * bench/race/sctbench — SCTBench's CS programs (./programs.ts), the same code under fray's
 * strategies and under fast-check's `fc.scheduler()`: runs to the first failure, wall time to
 * it, and runs per second.
 *
 * For each program and each tool (fray: random, pct d=1..3, dfs, portfolio; fast-check), one
 * child process (./child.ts; fray's started with `--import ./src/race/register.ts`) explores
 * the buggy program for each seed until its first failure, at most `--runs` runs (no
 * shrinking). DFS is deterministic: one run of it stands for every seed. A child stops starting
 * seeds once `--budget` seconds have passed (those seeds are "skipped", and said so), and is
 * ended at twice the budget plus 10 s (its remaining seeds then count as skipped too).
 * Throughput: `--throughput-runs` runs of the buggy program with nothing asserted, fray
 * (random) against fast-check, timed after as many runs of warm-up, in `--throughput-rounds`
 * rounds (default 3) that alternate which tool goes first; the median round's figures.
 *
 *   npx node bench/race/sctbench/index.ts [--seeds 20] [--runs 10000] [--budget 8]
 *     [--only reorder_4,twostage] [--strategies random,pct1,pct2,pct3,dfs,portfolio]
 *     [--throughput-runs 500] [--throughput-rounds 3] [--json out.json] [--quick]
 *
 * `--quick`: 3 seeds, 10 programs, cap 2,000 runs, budget 3 s, 200 throughput runs in one
 * round (< 2 min).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { childArgs, median, root, type ChildJob } from './child-args.ts';
import type { SeedResult } from './child.ts';
import { programs } from './programs.ts';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
function option(name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}
function number(name: string, fallback: number): number {
  const value = Number(option(name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const SEEDS = number('seeds', QUICK ? 3 : 20);
const CAP = number('runs', QUICK ? 2000 : 10_000);
const BUDGET_S = number('budget', QUICK ? 3 : 8);
const THROUGHPUT_RUNS = number('throughput-runs', QUICK ? 200 : 500);
const THROUGHPUT_ROUNDS = number('throughput-rounds', QUICK ? 1 : 3);
const QUICK_PROGRAMS = [
  'account',
  'bluetooth_driver',
  'carter01',
  'deadlock01',
  'lazy01',
  'reorder_3',
  'reorder_5',
  'token_ring',
  'twostage',
  'wronglock_3',
];
const ONLY = option('only')?.split(',') ?? (QUICK ? QUICK_PROGRAMS : undefined);
const FRAY = (option('strategies') ?? 'random,pct1,pct2,pct3,dfs,portfolio').split(',');
const TOOLS = [...FRAY, 'fast-check'];
const JSON_OUT = option('json');

const selected = programs.filter((p) => ONLY === undefined || ONLY.includes(p.name));
for (const name of ONLY ?? [])
  if (!programs.some((p) => p.name === name)) throw new Error(`unknown program ${name}`);

/** Run one child; resolves with the seed lines it printed (missing seeds: skipped). */
function child(
  tool: string,
  program: string,
  mode: string,
  seeds: number,
  cap: number,
): Promise<SeedResult[]> {
  const args = childArgs({
    tool,
    program,
    mode: mode as ChildJob['mode'],
    seeds,
    first: 1,
    cap,
    budgetMs: BUDGET_S * 1000,
  });
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), BUDGET_S * 2000 + 10_000);
    proc.on('close', (code) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as SeedResult);
      if (code !== 0 && lines.length < seeds && err.trim() !== '' && code !== null)
        process.stderr.write(
          `  ${program} ${tool}: exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}\n`,
        );
      for (let seed = lines.length + 1; seed <= seeds; seed++) lines.push({ seed, skipped: true });
      resolve(lines);
    });
  });
}

const fmt = (n: number, digits = 0): string =>
  Number.isNaN(n)
    ? '–'
    : !Number.isFinite(n)
      ? `>${CAP.toLocaleString('en-US')}`
      : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Cell {
  readonly seeds: SeedResult[];
  /** Seeds attempted (not skipped). */
  readonly tried: number;
  readonly found: number;
  /** Median runs to failure over the tried seeds (Infinity: not found within the cap). */
  readonly runs: number;
  /** Median wall ms over the tried seeds (to the failure, or for the whole cap). */
  readonly ms: number;
  /** Failure kinds seen. */
  readonly errors: Set<string>;
}

function cell(seeds: SeedResult[]): Cell {
  const tried = seeds.filter((s) => s.skipped !== true);
  return {
    seeds,
    tried: tried.length,
    found: tried.filter((s) => s.found === true).length,
    runs: median(tried.map((s) => (s.found === true ? (s.runs ?? NaN) : Infinity))),
    ms: median(tried.map((s) => s.ms ?? NaN)),
    errors: new Set(
      tried.flatMap((s) => (s.error === undefined ? [] : [s.error.split(':')[1]?.trim() ?? s.error])),
    ),
  };
}

const load = loadavg().map((l) => l.toFixed(2));
process.stdout.write(
  [
    `# SCTBench CS programs: fray vs fast-check`,
    '',
    `Command: \`npx node bench/race/sctbench/index.ts ${argv.join(' ')}\``,
    `Date: ${new Date().toISOString()}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average at start ${load.join(' / ')}`,
    '',
    `${selected.length} programs; tools: ${TOOLS.join(', ')}; ${SEEDS} seeds (seeds 1–${SEEDS}; dfs is deterministic: one run stands for every seed); cap ${CAP.toLocaleString('en-US')} runs per seed, no shrinking; time budget ${BUDGET_S} s per program and tool (seeds not started within it are "skipped" and left out of the medians); throughput: ${THROUGHPUT_RUNS} runs with nothing asserted, timed after as many of warm-up, median of ${THROUGHPUT_ROUNDS} rounds alternating which tool goes first.`,
    '',
  ].join('\n'),
);

const started = performance.now();
const results = new Map<string, Map<string, Cell>>();
const throughput = new Map<string, { fray: number; fc: number }>();
const raw: Record<string, Record<string, SeedResult[]>> = {};
for (const program of selected) {
  const row = new Map<string, Cell>();
  const rawRow: Record<string, SeedResult[]> = {};
  raw[program.name] = rawRow;
  for (const tool of TOOLS) {
    const seeds = tool === 'dfs' ? 1 : SEEDS;
    const lines = await child(tool, program.name, 'find', seeds, CAP);
    const expanded =
      tool === 'dfs'
        ? Array.from({ length: SEEDS }, (_, i) => ({ ...(lines[0] as SeedResult), seed: i + 1 }))
        : lines;
    row.set(tool, cell(expanded));
    rawRow[tool] = lines;
  }
  // Steady state: each child explores twice and the second exploration is timed (the first
  // warms the JIT up). Rounds alternate which tool goes first; the ratio is the median round's.
  const rate = async (tool: string): Promise<number> => {
    const line = (await child(tool, program.name, 'throughput', 2, THROUGHPUT_RUNS))[1];
    return line?.runs !== undefined && line.ms !== undefined ? (line.runs / line.ms) * 1000 : NaN;
  };
  const rounds: { fray: number; fc: number }[] = [];
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    if (round % 2 === 0) {
      const fray = await rate('random');
      rounds.push({ fray, fc: await rate('fast-check') });
    } else {
      const fc = await rate('fast-check');
      rounds.push({ fray: await rate('random'), fc });
    }
  }
  rounds.sort((a, b) => a.fray / a.fc - b.fray / b.fc);
  throughput.set(program.name, rounds[(rounds.length - 1) >> 1] as { fray: number; fc: number });
  results.set(program.name, row);
  const fc = row.get('fast-check');
  process.stderr.write(
    `  ${program.name}: ${TOOLS.map((t) => `${t} ${fmt(row.get(t)?.runs ?? NaN)} (${row.get(t)?.found}/${row.get(t)?.tried})`).join(', ')}; fc ${fmt(fc?.runs ?? NaN)}; ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}
const elapsed = (performance.now() - started) / 1000;

function table(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
const foundCell = (c: Cell | undefined): string =>
  c === undefined
    ? '–'
    : `${fmt(c.runs)} (${c.found}/${c.tried}${c.tried < SEEDS ? `, ${SEEDS - c.tried} skipped` : ''})`;

const rows1 = selected.map((p) => {
  const row = results.get(p.name) as Map<string, Cell>;
  const fc = row.get('fast-check')?.runs ?? NaN;
  return [
    p.name,
    p.bug,
    ...TOOLS.map((t) => foundCell(row.get(t))),
    ...['portfolio', 'random']
      .filter((t) => TOOLS.includes(t))
      .map((t) => ratio(row.get(t)?.runs ?? NaN, fc)),
  ];
});
const rows2 = selected.map((p) => {
  const row = results.get(p.name) as Map<string, Cell>;
  const tp = throughput.get(p.name) ?? { fray: NaN, fc: NaN };
  return [
    p.name,
    ...TOOLS.map((t) => fmt(row.get(t)?.ms ?? NaN, 1)),
    fmt(tp.fray),
    fmt(tp.fc),
    ratio(tp.fray, tp.fc),
  ];
});
const always = TOOLS.map((t) => {
  const names = selected.filter((p) => {
    const c = results.get(p.name)?.get(t);
    return c !== undefined && c.tried === SEEDS && c.found === SEEDS;
  });
  return `${t}: ${names.length}/${selected.length}`;
});
const unexpected = selected.flatMap((p) =>
  TOOLS.flatMap((t) => {
    const errors = [...(results.get(p.name)?.get(t)?.errors ?? [])];
    const expected = p.bug === 'assert' ? 'AssertionFailure' : 'DeadlockFailure';
    const other = errors.filter((e) => e !== expected);
    return other.length > 0 ? [`${p.name} / ${t}: ${other.join(', ')}`] : [];
  }),
);
const rateRatios = selected
  .map((p) => throughput.get(p.name))
  .filter((tp) => tp !== undefined && Number.isFinite(tp.fray / tp.fc))
  .map((tp) => (tp as { fray: number; fc: number }).fray / (tp as { fray: number; fc: number }).fc);

process.stdout.write(
  [
    '',
    '## Runs to the first failure',
    '',
    'Median runs over the seeds tried (found/tried); `>cap` when the median seed did not find it. Ratios: fray ÷ fast-check medians (below 1: fray needs fewer runs). A median of 20 geometric run counts ranges from about half to nearly twice its true value between sets of seeds (a walk that fails one run in 25: 9–30.5 around 17 in 95% of simulated sets of 20): to compare two random walks, bench/race/sctbench/random-walk.ts takes 200 seeds and the mean.',
    '',
    table(
      [
        'program',
        'bug',
        ...TOOLS,
        ...['portfolio', 'random'].filter((t) => TOOLS.includes(t)).map((t) => `${t} ÷ fc`),
      ],
      rows1,
    ),
    '',
    '## Wall time and throughput',
    '',
    'Median wall ms per seed (to the failure, or the whole cap when not found); runs/s: throughput runs with nothing asserted (fray: random).',
    '',
    table(
      ['program', ...TOOLS.map((t) => `${t} ms`), 'fray runs/s', 'fast-check runs/s', 'fray ÷ fc'],
      rows2,
    ),
    '',
    '## Totals',
    '',
    `Programs found on every seed: ${always.join('; ')}.`,
    '',
    `Runs/s, fray ÷ fast-check: median ${median(rateRatios).toFixed(2)}× (min ${Math.min(...rateRatios).toFixed(2)}×, max ${Math.max(...rateRatios).toFixed(2)}×).`,
    '',
    unexpected.length === 0
      ? 'Every failure found was the program’s own bug (its assertion, or its deadlock).'
      : `Failures other than the program’s own bug: ${unexpected.join('; ')}.`,
    '',
    `Total time: ${elapsed.toFixed(0)} s.`,
    '',
  ].join('\n'),
);
if (JSON_OUT !== undefined)
  writeFileSync(
    JSON_OUT,
    JSON.stringify(
      { seeds: SEEDS, cap: CAP, budget: BUDGET_S, raw, throughput: Object.fromEntries(throughput) },
      null,
      1,
    ),
  );
