/**
 * A/A false verdicts of `compare()` on single runs, measured exactly as issue 18 describes:
 * the same in-process app (a Hono app through fray/http `inject`, ~0.2 ms of CPU per
 * request), `load(client, { request, concurrency: 4, requests: 400 })`, and
 *
 * - **sequential**: in a fresh (cold) process, `--runs` separate `load()` calls one after
 *   the other, each compared with the one before; repeated in `--processes` processes;
 * - **cross-process**: two fresh processes each run one `load()`; the second's report is
 *   compared with the first's (a baseline from another process, as in CI); `--pairs` pairs.
 *
 * Every comparison of identical apps that is not `noise`/`inconclusive` is a false verdict.
 * Reports are kept in `--keep <dir>` (default a temp dir) so verdicts can be recomputed.
 *
 * Run: npx node bench/load/aa-single-runs.ts [--processes 8] [--runs 6] [--pairs 20] [--keep dir]
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { inject } from '../../src/http/index.ts';
import { compare, load, type LoadReport, type Verdict } from '../../src/load/index.ts';
import { environment } from '../table.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : (args[index + 1] ?? fallback);
};
const self = fileURLToPath(import.meta.url);

function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i * 7) % 1_000_003;
  return x;
}

/** The child: build the app once, run `runs` separate load() calls, write the reports. */
async function child(runs: number, out: string): Promise<void> {
  const app = new Hono().get('/work', (c) => c.json({ value: spin(60_000) }));
  const client = await inject(app);
  const reports: LoadReport[] = [];
  for (let i = 0; i < runs; i++) {
    reports.push(await load(client, { request: { path: '/work' }, concurrency: 4, requests: 400 }));
  }
  await client.close();
  await writeFile(out, JSON.stringify(reports));
}

function runChild(runs: number, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [self, '--child', String(runs), '--out', out], { stdio: 'inherit' });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${String(code)}`))));
  });
}

async function readReports(file: string): Promise<LoadReport[]> {
  return JSON.parse(await readFile(file, 'utf8')) as LoadReport[];
}

interface Tally {
  readonly verdicts: Record<Verdict, number>;
  readonly ratios: number[];
}

function tally(pairs: readonly (readonly [LoadReport, LoadReport])[]): Tally {
  const verdicts: Record<Verdict, number> = { regression: 0, improvement: 0, noise: 0, inconclusive: 0 };
  const ratios: number[] = [];
  for (const [a, b] of pairs) {
    const result = compare(a, b);
    verdicts[result.verdict]++;
    ratios.push(result.ratio);
  }
  return { verdicts, ratios };
}

function line(name: string, t: Tally): string {
  const total = Object.values(t.verdicts).reduce((a, b) => a + b, 0);
  const wrong = t.verdicts.regression + t.verdicts.improvement;
  const sorted = [...t.ratios].sort((a, b) => a - b);
  const q = (p: number): string => (sorted[Math.floor(p * (sorted.length - 1))] ?? NaN).toFixed(3);
  return `| ${name} | ${total} | ${t.verdicts.regression} | ${t.verdicts.improvement} | ${t.verdicts.noise} | ${t.verdicts.inconclusive} | **${((100 * wrong) / Math.max(1, total)).toFixed(1)}%** | ${q(0)} / ${q(0.5)} / ${q(1)} |`;
}

if (args[0] === '--child') {
  await child(Number(args[1]), option('out', ''));
} else {
  const processes = Number(option('processes', '8'));
  const runs = Number(option('runs', '6'));
  const pairCount = Number(option('pairs', '20'));
  const keep = option('keep', '') || (await mkdtemp(join(tmpdir(), 'fray-aa-')));
  await mkdir(keep, { recursive: true });
  const recompute = args.includes('--recompute');
  process.stdout.write(
    `# compare() A/A on single runs — ${environment()}; load avg ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} at start; reports in ${keep}\n\n`,
  );
  const sequential: [LoadReport, LoadReport][] = [];
  for (let p = 0; p < processes; p++) {
    const file = join(keep, `sequential-${p}.json`);
    if (!recompute) await runChild(runs, file);
    const reports = await readReports(file);
    for (let i = 1; i < reports.length; i++)
      sequential.push([reports[i - 1] as LoadReport, reports[i] as LoadReport]);
  }
  const crossed: [LoadReport, LoadReport][] = [];
  for (let p = 0; p < pairCount; p++) {
    const a = join(keep, `cross-${p}-a.json`);
    const b = join(keep, `cross-${p}-b.json`);
    if (!recompute) {
      await runChild(1, a);
      await runChild(1, b);
    }
    crossed.push([(await readReports(a))[0] as LoadReport, (await readReports(b))[0] as LoadReport]);
  }
  process.stdout.write(
    '| comparisons | n | regression | improvement | noise | inconclusive | false verdicts | ratio min / median / max |\n',
  );
  process.stdout.write('| --- | --- | --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(
    `${line(`sequential (${processes} cold processes × ${runs} runs)`, tally(sequential))}\n`,
  );
  process.stdout.write(`${line(`two processes (${pairCount} pairs)`, tally(crossed))}\n`);
  process.stdout.write(
    `\nload avg ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} at the end\n`,
  );
}
