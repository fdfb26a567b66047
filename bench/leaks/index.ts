/**
 * What fray/leaks costs.
 *
 * 1. A whole suite: bench/leaks/suite (510 tests: in-process HTTP through Fastify, supertest
 *    and Hono, real HTTP over keep-alive sockets, services on fray mocks with a timer and a
 *    file read each) run with `vitest run`, alternately with fray's matchers only and with
 *    `fray/vitest/setup` (matchers + fray/leaks). Reported: the median wall time of the
 *    whole run and the median of the summed test durations, and their ratios. Goal ≤ 1.10×.
 * 2. One test in process: a typical test body alone, and inside `checkLeaks()` — what the
 *    per-test scope, the end-of-test settle (two event-loop turns) and the checks add.
 *
 * Run: npm run bench leaks (FRAY_BENCH_RUNS=N runs per variant, default 7)
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { checkLeaks, enableLeakDetection } from '../../src/leaks/index.ts';
import { asyncMock } from '../../src/mock/index.ts';
import { environment, markdownTable, measure, num, printRatios } from '../table.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const suite = fileURLToPath(new URL('./suite', import.meta.url));
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const runs = Number(process.env['FRAY_BENCH_RUNS'] ?? 7);

interface SuiteRun {
  readonly wallMs: number;
  readonly testsMs: number;
}

interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  testResults: { assertionResults: { duration?: number | null }[] }[];
}

async function runSuite(leaks: boolean, scratch: string): Promise<SuiteRun> {
  const output = join(scratch, `report-${leaks ? 'leaks' : 'base'}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, FRAY_BENCH_LEAKS: leaks ? '1' : '0', NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [vitest, 'run', '--root', suite, '--reporter=json', `--outputFile=${output}`],
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) =>
        error === null ? resolve() : reject(new Error(`${error.message}\n${stderr}`)),
    );
  });
  const wallMs = performance.now() - start;
  const report = JSON.parse(await readFile(output, 'utf8')) as VitestReport;
  if (report.numPassedTests !== report.numTotalTests) {
    throw new Error(`the bench suite must pass: ${report.numPassedTests}/${report.numTotalTests} passed`);
  }
  const testsMs = report.testResults
    .flatMap((file) => file.assertionResults)
    .reduce((sum, result) => sum + (result.duration ?? 0), 0);
  return { wallMs, testsMs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

process.stdout.write(`${environment()}; ${runs} runs per variant, alternating\n`);

// ---- 1. the whole suite
const scratch = await mkdtemp(join(tmpdir(), 'fray-bench-leaks-'));
const base: SuiteRun[] = [];
const withLeaks: SuiteRun[] = [];
try {
  await runSuite(false, scratch); // warm-up: Vite's transform cache, the OS file cache
  for (let i = 0; i < runs; i++) {
    base.push(await runSuite(false, scratch));
    withLeaks.push(await runSuite(true, scratch));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
const wallBase = median(base.map((run) => run.wallMs));
const wallLeaks = median(withLeaks.map((run) => run.wallMs));
const testsBase = median(base.map((run) => run.testsMs));
const testsLeaks = median(withLeaks.map((run) => run.testsMs));
const suiteTable = markdownTable(
  ['vitest run of bench/leaks/suite (510 tests)', 'wall ms (median)', 'sum of test durations ms (median)'],
  [
    ["fray's matchers only (baseline)", num(wallBase), num(testsBase)],
    ['fray/vitest/setup (matchers + fray/leaks)', num(wallLeaks), num(testsLeaks)],
    ['ratio', `${num(wallLeaks / wallBase, 2)}×`, `${num(testsLeaks / testsBase, 2)}×`],
  ],
);
process.stdout.write(`\n### A whole suite with and without fray/leaks\n\n${suiteTable}\n`);

// ---- 2. one test, in process
const app = Fastify();
app.get('/users/:id', (request) => ({ id: (request.params as { id: string }).id }));
await app.ready();
const save = asyncMock().resolves(undefined);
const body = async (): Promise<void> => {
  const response = await app.inject({ url: '/users/7' });
  response.json();
  await save({ id: 7 });
  save.reset();
};
enableLeakDetection({ onLeaks: () => {} });
const results = await measure(
  {
    'test body alone': body,
    'test body in checkLeaks()': () => checkLeaks(body),
  },
  { time: 1_000 },
);
printRatios(
  'One test in process: scope, settle and checks around a typical body',
  results,
  'test body alone',
);
await app.close();
