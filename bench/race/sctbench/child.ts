/**
 * One side of bench/race/sctbench: run one tool on one program for a number of seeds, one JSON
 * line per seed on stdout. fray runs in a process started with `--import
 * ./src/race/register.ts` (every `await` of the program a scheduling point); fast-check in one
 * started without it (its points are `s.schedule()`d promises).
 *
 * Usage: node [--import ./src/race/register.ts] bench/race/sctbench/child.ts
 *          <tool: random|pct1|pct2|pct3|dfs|portfolio|fast-check> <program>
 *          <mode: find|throughput|fixed> <seeds> <first seed> <cap runs> <budget ms>
 *
 * - find: explore the buggy program until its first failure (no shrinking), at most `cap` runs.
 * - throughput: `cap` runs of the buggy program with nothing asserted (the same work, no verdict).
 * - fixed: explore the fixed variant for `cap` runs; it must not fail.
 *
 * Seeds are started while `budget` ms have not passed; the rest are reported `skipped`.
 *
 * @module
 */
import { programs } from './programs.ts';
import { instantiate, type Judged, type Program, type Sched } from './sync.ts';

/** One seed's result. */
export interface SeedResult {
  readonly seed: number;
  readonly skipped?: true;
  /** A run failed. */
  readonly found?: boolean;
  /** The failing run (1-based) when found, else the runs executed. */
  readonly runs?: number;
  /** Wall time of this seed's exploration, ms. */
  readonly ms?: number;
  /** The failure's error: its class name and message. */
  readonly error?: string;
}

const [
  tool = 'random',
  name = 'reorder_3',
  mode = 'find',
  seedsArg = '1',
  firstArg = '1',
  capArg = '10000',
  budgetArg = '60000',
] = process.argv.slice(2);
const program = programs.find((p) => p.name === name);
if (program === undefined) throw new Error(`unknown program ${name}`);
const seeds = Number(seedsArg);
const first = Number(firstArg);
const cap = Number(capArg);
const budget = Number(budgetArg);
const asserting = mode !== 'throughput';
const fixed = mode === 'fixed';

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}

type Run = (seed: number) => Promise<{ found: boolean; runs: number; error?: string }>;

async function frayRunner(program: Program): Promise<Run> {
  const { explore } = await import('../../../src/race/index.ts');
  const strategy =
    tool === 'pct1'
      ? ({ kind: 'pct', depth: 1 } as const)
      : tool === 'pct2'
        ? ({ kind: 'pct', depth: 2 } as const)
        : tool === 'pct3'
          ? ({ kind: 'pct', depth: 3 } as const)
          : tool === 'dfs' || tool === 'portfolio' || tool === 'random'
            ? tool
            : undefined;
  if (strategy === undefined) throw new Error(`unknown fray strategy ${tool}`);
  const sched: Sched = { pt: () => undefined, block: (released) => released };
  return async (seed) => {
    const result = await explore({
      name: program.name,
      setup: (): Judged => instantiate(program, sched, asserting, fixed),
      tasks: (world) => world.tasks,
      check: (world, outcomes) => {
        const list = Object.values(outcomes);
        world.judge(
          list.map((o) => o.status),
          list.map((o) => (o.status === 'rejected' ? o.reason : undefined)),
        );
      },
      // A deadlock is judged by the program's check (tasks still pending), as for fast-check.
      allowPending: true,
      strategy,
      seed,
      runs: cap,
      shrink: false,
      quiet: true,
    });
    if (result.ok) return { found: false, runs: result.runs };
    const failure = result.failure;
    return {
      found: true,
      runs: failure?.run ?? result.runs,
      error: `${failure?.kind ?? '?'}: ${describe(failure?.error)}`,
    };
  };
}

async function fastCheckRunner(program: Program): Promise<Run> {
  const { default: fc } = await import('fast-check');
  return async (seed) => {
    const details = await fc.check(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const point = (): Promise<void> => s.schedule(Promise.resolve());
        const sched: Sched = { pt: point, block: (released) => released.then(point) };
        const world = instantiate(program, sched, asserting, fixed);
        const names = Object.keys(world.tasks);
        const statuses = names.map((): 'fulfilled' | 'rejected' | 'pending' => 'pending');
        const reasons = names.map((): unknown => undefined);
        names.forEach((task, i) => {
          (world.tasks[task] as () => Promise<void>)().then(
            () => void (statuses[i] = 'fulfilled'),
            (reason: unknown) => {
              statuses[i] = 'rejected';
              reasons[i] = reason;
            },
          );
        });
        // Until nothing is scheduled any more; what is still pending then is blocked for good.
        do {
          await s.waitIdle();
          for (let tick = 0; tick < 20; tick++) await Promise.resolve();
        } while (s.count() > 0);
        world.judge(statuses, reasons);
      }),
      { seed, numRuns: cap, endOnFailure: true },
    );
    return details.failed
      ? { found: true, runs: details.numRuns, error: `check: ${describe(details.errorInstance)}` }
      : { found: false, runs: details.numRuns };
  };
}

const run = await (tool === 'fast-check' ? fastCheckRunner(program) : frayRunner(program));
const started = performance.now();
for (let i = 0; i < seeds; i++) {
  const seed = first + i;
  let line: SeedResult;
  if (performance.now() - started > budget) line = { seed, skipped: true };
  else {
    const t0 = performance.now();
    const outcome = await run(seed);
    line = { seed, ...outcome, ms: performance.now() - t0 };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
process.exit(0);
