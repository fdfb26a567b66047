/**
 * One side of bench/race/sctbench: run one tool on one program for a number of seeds, one JSON
 * line per seed on stdout. fray runs in a process started with `--import
 * ./src/race/register.ts` (every `await` of the program a scheduling point); fast-check in one
 * started without it (its points are `s.schedule()`d promises).
 *
 * Usage: node [--import ./src/race/register.ts] bench/race/sctbench/child.ts
 *          <tool: random|pct1|pct2|pct3|dfs|portfolio|portfolio:<turns>|fast-check> <program>
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
import type { PortfolioMember, StrategyOption } from '../../../src/race/index.ts';
import { instantiate, type Judged, type Program, type Sched } from './sync.ts';

/** One seed's result. */
export interface SeedResult {
  readonly seed: number;
  readonly skipped?: true;
  /** A run failed. */
  readonly found?: boolean;
  /** The failing run (1-based) when found, else the runs executed. */
  readonly runs?: number;
  /** Wall time of this seed's exploration, ms (fray's includes the strict replay of the failure). */
  readonly ms?: number;
  /**
   * Wall time from the call to the end of the first failing run, ms: when its check threw —
   * the search alone, without what a tool does after it (fray replays the failure strictly to
   * say whether it reproduces).
   */
  readonly searchMs?: number;
  /** The failure's error: its class name and message. */
  readonly error?: string;
  /** fray: the schedule tree's size as DFS estimated it from its first run, if DFS ran. */
  readonly estimate?: number;
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

type Run = (seed: number) => Promise<{ found: boolean; runs: number; error?: string; estimate?: number }>;

/** When the current seed's first failing check threw (performance.now()), if it has. */
let failedAt: number | undefined;

/** `world.judge`, noting when it first throws in this seed. */
function judged(world: Judged, statuses: Parameters<Judged['judge']>[0], reasons: unknown[]): void {
  try {
    world.judge(statuses, reasons);
  } catch (error) {
    failedAt ??= performance.now();
    throw error;
  }
}

async function frayRunner(program: Program): Promise<Run> {
  const { explore } = await import('../../../src/race/index.ts');
  const strategy: StrategyOption | undefined = tool.startsWith('portfolio:')
    ? { kind: 'portfolio', turns: tool.slice('portfolio:'.length).split(',') as PortfolioMember[] }
    : tool === 'pct1'
      ? { kind: 'pct', depth: 1 }
      : tool === 'pct2'
        ? { kind: 'pct', depth: 2 }
        : tool === 'pct3'
          ? { kind: 'pct', depth: 3 }
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
        judged(
          world,
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
    const estimate = result.coverage.find((c) => c.name === 'dfs')?.estimate;
    const dfs = estimate === undefined ? {} : { estimate };
    if (result.ok) return { found: false, runs: result.runs, ...dfs };
    const failure = result.failure;
    return {
      ...dfs,
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
        judged(world, statuses, reasons);
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
    failedAt = undefined;
    const t0 = performance.now();
    const outcome = await run(seed);
    const ms = performance.now() - t0;
    line = { seed, ...outcome, ms, ...(failedAt === undefined ? {} : { searchMs: failedAt - t0 }) };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
process.exit(0);
