/**
 * bench/race/webhook-order — what controlled scheduling finds that hammering does not, on the
 * demo's race that needs the explorer: the shop's marketplace webhooks (examples/shop,
 * `webhookOrderRace`), where `order.paid` handled before `order.created` is dropped.
 *
 * The same scenario — the same world per run (a seeded database, the real Fastify app through
 * `inject`), the same two requests, the same invariant — three ways:
 *
 * - **fray**: `explore()` with automatic control (fray/race/register), the default portfolio,
 *   up to 200 runs, no shrinking, one exploration per seed: is it found, on which run.
 * - **Promise.all**: what a test without fray does — fire both requests together,
 *   `order.created` first as the test lists them, check, repeat 100 times — in rounds, to
 *   show whether the count moves.
 * - **Promise.all, paid first** (control): the same with the list reversed. It must fail
 *   every time; if it did not, the hammering harness could not see the bug at all.
 *
 * Needs the built package (`npm run build`): the shop imports `fray/*`, which Node resolves
 * to `dist/`. PGlite by default; `DATABASE_URL` runs it on PostgreSQL (two connections, real
 * concurrency on the server).
 *
 *   npm run build && npx node bench/race/webhook-order.ts [--seeds 20] [--repetitions 100] [--rounds 5]
 *
 * @module
 */
import 'fray/race/register';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { environment, markdownTable, num } from '../table.ts';

if (!existsSync(new URL('../../dist/race/index.js', import.meta.url))) {
  process.stderr.write('bench/race/webhook-order: dist/ is missing — run `npm run build` first.\n');
  process.exit(2);
}

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const SEEDS = flag('seeds', 20);
const REPETITIONS = flag('repetitions', 100);
const ROUNDS = flag('rounds', 5);

// Loaded after the register hook, so the shop and its dependencies are instrumented.
const { explore } = await import('fray/race');
const { createTestDatabase } = await import('fray/db');
const { migrationsDir } = await import('../../examples/shop/src/db/database.ts');
const { webhookOrderRace } = await import('../../examples/shop/test-support/races.ts');

const url = process.env['DATABASE_URL'];
const database = await createTestDatabase({
  ...(url === undefined ? { engine: 'pglite' as const } : { engine: 'postgres' as const, url }),
  migrate: migrationsDir,
  name: 'shop-bench',
});
const scenario = () => webhookOrderRace(() => Promise.resolve(database), 'naive');

/** One exploration per seed: the run that first failed, or Infinity within `runs`. */
async function fray(seed: number): Promise<{ run: number; ms: number; runs: number }> {
  const started = performance.now();
  const result = await explore({ ...scenario(), seed, runs: 200, shrink: false, quiet: true });
  return {
    run: result.failure?.run ?? Infinity,
    runs: result.runs,
    ms: performance.now() - started,
  };
}

/** `repetitions` times: build the world, fire both requests with Promise.all, check. */
async function hammer(repetitions: number, reversed: boolean): Promise<{ failures: number; ms: number }> {
  const options = scenario();
  let failures = 0;
  const started = performance.now();
  for (let i = 0; i < repetitions; i++) {
    const world = await (options.setup as (ctl: unknown) => Promise<Parameters<typeof options.tasks>[0]>)({});
    try {
      const tasks = Object.values(options.tasks(world));
      await Promise.all((reversed ? tasks.reverse() : tasks).map((task) => task()));
      try {
        await options.check?.(world, {});
      } catch {
        failures++;
      }
    } finally {
      await options.teardown?.(world);
    }
  }
  return { failures, ms: performance.now() - started };
}

process.stdout.write(
  `\n### The shop's webhook race: fray vs ${REPETITIONS} repetitions of Promise.all\n\n${environment()}, ${url === undefined ? 'PGlite' : 'PostgreSQL (DATABASE_URL)'}, load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)}\n\n`,
);

const explorations: { run: number; ms: number; runs: number }[] = [];
const rounds: { failures: number; ms: number }[] = [];
const controls: { failures: number; ms: number }[] = [];
// Interleaved: each round runs a share of the seeds, then both hammering variants.
for (let round = 0; round < ROUNDS; round++) {
  for (let seed = 1 + round; seed <= SEEDS; seed += ROUNDS) explorations.push(await fray(seed));
  rounds.push(await hammer(REPETITIONS, false));
  controls.push(await hammer(REPETITIONS, true));
}
await database.end();

const found = explorations.filter((e) => Number.isFinite(e.run));
const runsToFind = found.map((e) => e.run).sort((a, b) => a - b);
const median =
  runsToFind.length === 0 ? Infinity : (runsToFind[Math.floor((runsToFind.length - 1) / 2)] ?? 0);
const perRun = (ms: number, runs: number): string => `${num(ms / runs, 1)} ms`;
const totalRuns = explorations.reduce(
  (sum, e) => sum + Math.min(e.runs, Number.isFinite(e.run) ? e.run : e.runs),
  0,
);
const failures = rounds.map((r) => r.failures);
const controlFailures = controls.map((r) => r.failures);

process.stdout.write(
  `${markdownTable(
    ['method', 'found it', 'runs to find it', 'time per run'],
    [
      [
        `fray explore() (portfolio, ${SEEDS} seeds, ≤ 200 runs each)`,
        `${found.length} of ${SEEDS} seeds`,
        `median ${median}, range ${runsToFind[0] ?? '—'}–${runsToFind.at(-1) ?? '—'}`,
        perRun(
          explorations.reduce((sum, e) => sum + e.ms, 0),
          totalRuns,
        ),
      ],
      [
        `Promise.all, order.created first (${ROUNDS} rounds of ${REPETITIONS})`,
        `${failures.reduce((a, b) => a + b, 0)} of ${ROUNDS * REPETITIONS} (per round: ${failures.join(', ')})`,
        failures.some((f) => f > 0) ? 'by chance' : 'never',
        perRun(
          rounds.reduce((sum, r) => sum + r.ms, 0),
          ROUNDS * REPETITIONS,
        ),
      ],
      [
        `control: Promise.all, order.paid first (${ROUNDS} rounds of ${REPETITIONS})`,
        `${controlFailures.reduce((a, b) => a + b, 0)} of ${ROUNDS * REPETITIONS} (per round: ${controlFailures.join(', ')})`,
        '—',
        perRun(
          controls.reduce((sum, r) => sum + r.ms, 0),
          ROUNDS * REPETITIONS,
        ),
      ],
    ],
  )}\n`,
);
