/**
 * The in-process comparisons of bench/http, measured in several processes and merged: for
 * each tool, the figures of the process with the median ratio to fray (its fastest-tenth ratio
 * the median of the processes' too), with every process's ratio kept for the table.
 *
 * Why: light-my-request's speed differs between processes. Run alone, 2 Node processes of 36
 * served its requests at about twice its usual cost for the whole process (10.6–12.3 µs per
 * request in 34 processes, 21.9 and 23.7 µs in the two; its own and Node's
 * `ServerResponse` constructors took two to three times their usual share of the profile). In
 * a benchmark run that is one process, such a process moved every ratio against
 * light-my-request by up to 2× — five runs then disagreed by ±60–70%. The median of five
 * processes is a slow one only when three of the five are.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { TaskFigures } from './paired.ts';

/** One suite's in-process figures; merged, each tool's figures carry every process's ratio. */
export interface MergedSuite {
  readonly title: string;
  readonly inProcess: readonly (TaskFigures & { readonly processes: readonly number[] })[];
}

function median<T>(items: readonly T[], key: (item: T) => number): T {
  const ordered = [...items].sort((a, b) => key(a) - key(b));
  return ordered[(ordered.length - 1) >> 1] as T;
}

/**
 * Run `script` (bench/http/index.ts) `count` times, each in its own process measuring the
 * in-process comparisons only, and merge the results per suite and tool (`baseline`: fray's
 * task name).
 */
export function measureInProcesses(
  script: string,
  baseline: string,
  count: number,
  args: readonly string[],
  progress: (done: number) => void,
): MergedSuite[] {
  const dir = mkdtempSync(join(os.tmpdir(), 'fray-bench-http-processes-'));
  const runs: { title: string; inProcess: TaskFigures[] }[][] = [];
  try {
    for (let i = 0; i < count; i++) {
      const file = join(dir, `process-${i}.json`);
      execFileSync(
        process.execPath,
        [script, ...args, '--processes', '1', '--no-network', '--no-di', '--json', file],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      runs.push(
        (JSON.parse(readFileSync(file, 'utf8')) as { results: { title: string; inProcess: TaskFigures[] }[] })
          .results,
      );
      progress(i + 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const first = runs[0] ?? [];
  return first.map((suite, s) => {
    const perTask = suite.inProcess.map((task) => {
      const all = runs.map(
        (run) => run[s]?.inProcess.find((figures) => figures.name === task.name) as TaskFigures,
      );
      return { all, chosen: all.indexOf(median(all, (figures) => figures.ratio.median)) };
    });
    // fray's own row (its ratio is 1 in every process) comes from the process chosen for the
    // first other tool, so the req/s beside that tool's were measured in the same process.
    const peer = suite.inProcess.findIndex((task) => task.name !== baseline);
    return {
      title: suite.title,
      inProcess: perTask.map(({ all, chosen }, t) => {
        const index =
          suite.inProcess[t]?.name === baseline && peer >= 0 ? (perTask[peer]?.chosen ?? chosen) : chosen;
        return {
          ...(all[index] as TaskFigures),
          fastRatio: median(all, (figures) => figures.fastRatio).fastRatio,
          processes: all.map((figures) => figures.ratio.median),
        };
      }),
    };
  });
}
