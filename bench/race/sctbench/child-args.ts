/**
 * How the SCTBench drivers (index.ts, first-failure.ts, portfolio-orders.ts,
 * portfolio-replay.ts) start ./child.ts, two at a time, and the median they summarise seeds
 * with.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SeedResult } from './child.ts';

/** The repository's root: the working directory of every child. */
export const root = join(import.meta.dirname, '..', '..', '..');

/** What one child explores. */
export interface ChildJob {
  /** `random`, `pct1`…`pct3`, `dfs`, `portfolio`, `portfolio:<turns>` or `fast-check`. */
  readonly tool: string;
  readonly program: string;
  readonly mode: 'find' | 'throughput' | 'fixed';
  readonly seeds: number;
  readonly first: number;
  /** Runs at most per seed. */
  readonly cap: number;
  /** No seed is started after this many ms. */
  readonly budgetMs: number;
}

/**
 * `node` arguments for one child: fray's tools run under automatic control
 * (`--import ./src/race/register.ts`), fast-check without it.
 */
export function childArgs(job: ChildJob): string[] {
  return [
    ...(job.tool === 'fast-check' ? [] : ['--import', join(root, 'src/race/register.ts')]),
    join(import.meta.dirname, 'child.ts'),
    job.tool,
    job.program,
    job.mode,
    String(job.seeds),
    String(job.first),
    String(job.cap),
    String(job.budgetMs),
  ];
}

/** The median (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Run one child to its end: one result per seed. Rejects when it exits with an error. */
export function runChild(job: ChildJob): Promise<SeedResult[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, childArgs(job), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${job.program} ${job.tool}: exit ${code}`));
      resolve(
        out
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as SeedResult),
      );
    });
  });
}

/** Run `jobs` two at a time (the machines have two cores), in order; for counts, not timings. */
export async function twoAtATime(jobs: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
    }),
  );
}
