/**
 * Shared helpers for `bench/`: run a group of tasks with tinybench and print a table of
 * ratios against one baseline measured in the same run. Every benchmark prints a
 * Markdown table, so its output can be pasted into docs/benchmarks.md as is.
 *
 * @module
 */
import { Bench } from 'tinybench';

/** One measured task. */
export interface Measured {
  readonly name: string;
  /** Operations per second: 1 / mean time per operation. */
  readonly hz: number;
  /** Mean time per operation, nanoseconds. */
  readonly meanNs: number;
  /** p99 time per operation, nanoseconds. */
  readonly p99Ns: number;
  /** Relative margin of error of the mean, percent. */
  readonly rme: number;
  readonly samples: number;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Time budget per task in ms. Default 500. */
  readonly time?: number;
  /** Warm-up time per task in ms. Default 100. */
  readonly warmupTime?: number;
}

/** Run `tasks` with tinybench, in order, and return their statistics. */
export async function measure(
  tasks: Record<string, () => unknown>,
  options: MeasureOptions = {},
): Promise<Measured[]> {
  const bench = new Bench({ time: options.time ?? 500, warmupTime: options.warmupTime ?? 100 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed')
      throw new Error(`bench task '${task.name}' did not complete: ${result.state}`);
    return {
      name: task.name,
      // Operations per second from the mean time, so the two columns always agree
      // (tinybench's throughput.mean averages per-sample rates, which is not 1 / mean time).
      hz: 1e3 / result.latency.mean,
      meanNs: result.latency.mean * 1e6,
      p99Ns: result.latency.p99 * 1e6,
      rme: result.latency.rme,
      samples: result.latency.samples?.length ?? 0,
    };
  });
}

/** A Markdown table. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length), 3));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 3)).join(' | ')} |`;
  return [
    line(cells[0] ?? []),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** Format a number with thousands separators and `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Print a ratio table: time per operation of each task divided by the baseline's
 * (`1.20×` = 20 % slower than the baseline).
 */
export function printRatios(title: string, results: readonly Measured[], baseline: string): string {
  const base = results.find((result) => result.name === baseline);
  if (base === undefined) throw new Error(`baseline '${baseline}' was not measured`);
  const rows = results.map((result) => [
    result.name,
    num(result.hz),
    num(result.meanNs, 0),
    num(result.p99Ns, 0),
    `±${num(result.rme, 1)}%`,
    `${num(result.meanNs / base.meanNs, 2)}×`,
  ]);
  const table = markdownTable(['task', 'ops/s', 'mean ns', 'p99 ns', 'rme', `time vs ${baseline}`], rows);
  const text = `\n### ${title}\n\n${table}\n`;
  process.stdout.write(text);
  return text;
}

/** Machine facts printed above every benchmark, so numbers are read in context. */
export function environment(): string {
  return `node ${process.version}, ${process.platform}/${process.arch}`;
}
