/**
 * Gate quality on real runs: how often `abTest()` calls a regression when A and B are the
 * same in-process app (A/A), and how often it finds a real 20% slowdown. The app is a Hono
 * app driven through fray/http's `inject`; its handler burns a fixed amount of CPU per
 * request (the slow variant 20% more), so the change is real and known.
 *
 * Run: npx node bench/load/gate-quality.ts [--tests N] [--rounds R] [--round-ms MS]
 * (defaults: 30 A/A and 30 A/B tests of 10 rounds of 150 ms per side).
 *
 * @module
 */
import { loadavg } from 'node:os';
import { Hono } from 'hono';
import { inject } from '../../src/http/index.ts';
import { abTest, type Verdict } from '../../src/load/index.ts';
import { environment, markdownTable, num } from '../table.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const TESTS = option('tests', 30);
const ROUNDS = option('rounds', 10);
const ROUND_MS = option('round-ms', 150);
const WORK_MS = 1;

function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i * 7) % 1_000_003;
  return x;
}

/** Iterations of `spin` taking about `ms` milliseconds, calibrated once for both variants. */
function calibrate(ms: number): number {
  let iterations = 100_000;
  for (let k = 0; k < 8; k++) {
    const start = performance.now();
    spin(iterations);
    iterations = Math.max(1000, Math.round((iterations * ms) / Math.max(0.01, performance.now() - start)));
  }
  return iterations;
}

const ITERATIONS = calibrate(WORK_MS);

function app(slowdown: number): Hono {
  const count = Math.round(ITERATIONS * slowdown);
  return new Hono().get('/work', (c) => c.text(String(spin(count))));
}

const base = await inject(app(1));
const same = await inject(app(1));
const slower = await inject(app(1.2));
const verdicts: Record<'aa' | 'ab', Verdict[]> = { aa: [], ab: [] };
const ratios: Record<'aa' | 'ab', number[]> = { aa: [], ab: [] };
const started = performance.now();
process.stdout.write(
  `# bench/load gate quality — ${environment()}; ${TESTS} A/A and ${TESTS} A/B(+20%) tests, ${ROUNDS} rounds × ${ROUND_MS} ms per side\n`,
);
for (let test = 0; test < TESTS; test++) {
  for (const kind of ['aa', 'ab'] as const) {
    const seed = 1000 + test * 2 + (kind === 'ab' ? 1 : 0);
    const result = await abTest(base, kind === 'aa' ? same : slower, {
      request: { path: '/work' },
      concurrency: 1,
      duration: ROUND_MS,
      warmup: 100,
      rounds: ROUNDS,
      seed,
    });
    verdicts[kind].push(result.verdict);
    ratios[kind].push(result.ratio);
  }
  if ((test + 1) % 10 === 0)
    process.stderr.write(`  ${test + 1}/${TESTS} (load average ${loadavg()[0]?.toFixed(2)})\n`);
}
await base.close();
await same.close();
await slower.close();
const rate = (list: readonly Verdict[], verdict: Verdict): string =>
  `${num((list.filter((v) => v === verdict).length / list.length) * 100, 1)}% (${list.filter((v) => v === verdict).length}/${list.length})`;
const medianRatio = (list: readonly number[]): string =>
  num([...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN, 3);
process.stdout.write(
  `\n### abTest() on real in-process runs (Hono app via inject, ${WORK_MS} ms of CPU per request, p50, noise threshold 5%)\n\n`,
);
process.stdout.write(
  `${markdownTable(
    ['comparison', 'called regression', 'called noise', 'called improvement', 'median ratio B÷A'],
    [
      [
        'A/A (same app)',
        rate(verdicts.aa, 'regression'),
        rate(verdicts.aa, 'noise'),
        rate(verdicts.aa, 'improvement'),
        medianRatio(ratios.aa),
      ],
      [
        'A/B (B 20% slower)',
        rate(verdicts.ab, 'regression'),
        rate(verdicts.ab, 'noise'),
        rate(verdicts.ab, 'improvement'),
        medianRatio(ratios.ab),
      ],
    ],
  )}\n`,
);
process.stdout.write(
  `\n${num((performance.now() - started) / 1000)} s in total; seeds 1000–${1000 + TESTS * 2 - 1}\n`,
);
