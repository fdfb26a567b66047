/**
 * How far apart separate runs of bench/http land: runs `bench/http/index.ts` N times (default
 * 5), each in its own process, and prints every ratio of every run, their mean, and the
 * largest distance of a run from that mean in percent — the figure issue 17 asks to stay
 * within ±15%.
 *
 * Run: npx node bench/http/stability.ts [runs] [--rounds 600] [--only node,express]
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { markdownTable, num } from '../table.ts';

interface Result {
  readonly load: number[];
  readonly results: {
    title: string;
    inProcess: { name: string; ratio: { median: number }; fastRatio: number }[];
  }[];
}

const runs = Number(process.argv[2] ?? 5);
const extra = process.argv.slice(3);
const dir = mkdtempSync(join(os.tmpdir(), 'fray-bench-http-'));
const collected: Result[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const file = join(dir, `run-${run}.json`);
    execFileSync(
      process.execPath,
      [join(import.meta.dirname, 'index.ts'), '--no-network', '--no-di', '--json', file, ...extra],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    collected.push(JSON.parse(readFileSync(file, 'utf8')) as Result);
    process.stdout.write(
      `run ${run + 1}/${runs} done (load average ${collected
        .at(-1)
        ?.load.map((v) => num(v, 2))
        .join(' / ')})\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows: string[][] = [];
for (const suite of collected[0]?.results ?? []) {
  for (const task of suite.inProcess.filter((t) => t.name !== 'fray inject')) {
    for (const measure of ['median of rounds', 'fastest tenth'] as const) {
      const values = collected.map((result) => {
        const figures = result.results
          .find((r) => r.title === suite.title)
          ?.inProcess.find((t) => t.name === task.name);
        return measure === 'median of rounds'
          ? (figures?.ratio.median ?? Number.NaN)
          : (figures?.fastRatio ?? Number.NaN);
      });
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const worst = Math.max(...values.map((value) => Math.abs(value / mean - 1)));
      rows.push([
        suite.title,
        task.name,
        measure,
        values.map((value) => `${num(value, 2)}×`).join(', '),
        `${num(mean, 2)}×`,
        `±${num(worst * 100, 1)}%`,
      ]);
    }
  }
}
process.stdout.write(
  `\n### fray's speed-up over ${runs} runs\n\n${markdownTable(
    ['app', 'against', 'figure', 'runs', 'mean', 'furthest run from the mean'],
    rows,
  )}\n`,
);
