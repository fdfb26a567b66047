/**
 * Paired, interleaved measurement of request tasks against one baseline, built to give the
 * same ratio from run to run on a busy machine:
 *
 * - **Short interleaved blocks.** A round runs one short block (about a millisecond) of each
 *   task back to back — the order reversed every other round, so no task always runs first or
 *   after the same neighbour — and a ratio is taken *within* the round. Load from other
 *   processes that comes and goes on a scale longer than a round hits both sides of the ratio
 *   alike; a block short enough to fit in one scheduler time slice often runs uninterrupted.
 * - **Many rounds, robust statistics.** Hundreds of rounds; the figure is the median of the
 *   per-round ratios, with the middle half of the rounds (p25–p75) and a 95% confidence
 *   interval of the median (order statistics, no distribution assumed). Beside it, the ratio
 *   of the fastest tenth of each task's blocks (p10 over p10): the cost without interference.
 *
 * Wall time, not CPU time: Linux accounts a thread's CPU time (getrusage,
 * `/proc/thread-self/schedstat`) in scheduler ticks, too coarse for millisecond blocks, and on
 * a machine whose two CPUs are hyperthreads of one core a busy sibling slows the CPU time of
 * the same work as much as the wall time.
 *
 * @module
 */

/** One request with its body read to the end. */
export type Task = () => Promise<unknown>;

/** Options of {@link measurePaired}. */
export interface PairedOptions {
  /** Rounds measured after the warm-up. Default 600; more narrows the interval. */
  readonly rounds?: number;
  /** Warm-up time in ms, shared by the tasks (JIT, caches, block sizing). Default 1,500. */
  readonly warmupMs?: number;
  /** Target duration of one block in ms. Default 1. */
  readonly blockMs?: number;
  /**
   * The baseline's blocks hold a whole multiple of this many requests (default 1): fray's
   * client forces an event-loop turn every `TURN_EVERY`-th request, and with blocks of a
   * multiple of it every block pays for the same number of turns — otherwise the median block
   * would be one without a turn, and the turn's cost would be left out of the ratio.
   */
  readonly baselineMultiple?: number;
}

/** A ratio over rounds: median, middle half, and the median's 95% confidence interval. */
export interface Spread {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly low: number;
  readonly high: number;
}

/** What was measured for one task. */
export interface TaskFigures {
  readonly name: string;
  /** Requests per block. */
  readonly batch: number;
  /** Requests measured (rounds × batch). */
  readonly requests: number;
  /** Median time per request over the blocks, ns. */
  readonly medianNs: number;
  /** The fastest tenth of the blocks: time per request at their p10, ns. */
  readonly fastNs: number;
  /** Per round, the task's time per request over the baseline's; 1 for the baseline. */
  readonly ratio: Spread;
  /** The task's p10 over the baseline's p10. */
  readonly fastRatio: number;
}

const now = (): number => Number(process.hrtime.bigint());
// Blocks hold at least this many requests, so work a tool does once every few requests is in
// every block (fray's forced event-loop turn: see `baselineMultiple`).
const MIN_BATCH = 32;

async function runBlock(task: Task, batch: number): Promise<number> {
  const start = now();
  for (let i = 0; i < batch; i++) await task();
  return now() - start;
}

/**
 * Measure `tasks` in interleaved rounds; ratios are against `baseline` (one of the tasks).
 *
 * @example
 * ```ts
 * const figures = await measurePaired({ fray: () => client.get('/'), lmr: () => inject(app, '/') }, 'fray');
 * ```
 */
export async function measurePaired(
  tasks: Readonly<Record<string, Task>>,
  baseline: string,
  options: PairedOptions = {},
): Promise<TaskFigures[]> {
  const names = Object.keys(tasks);
  if (!names.includes(baseline)) throw new Error(`baseline '${baseline}' is not a task`);
  const rounds = options.rounds ?? 600;
  const blockNs = (options.blockMs ?? 1) * 1e6;

  // Warm-up: interleaved blocks of MIN_BATCH requests. Each task's block size is then set from
  // the fastest quarter of its warm-up blocks, so a block slowed by the machine does not size it.
  const perRequest = new Map<string, number[]>(names.map((name) => [name, []]));
  const warmupEnd = now() + (options.warmupMs ?? 1_500) * 1e6;
  while (now() < warmupEnd) {
    for (const name of names) {
      const spent = await runBlock(tasks[name] as Task, MIN_BATCH);
      (perRequest.get(name) as number[]).push(spent / MIN_BATCH);
    }
  }
  const multiple = options.baselineMultiple ?? 1;
  const batch = new Map<string, number>(
    names.map((name) => {
      const typical = quantile(sorted(perRequest.get(name) as number[]), 0.25);
      const size = Math.max(MIN_BATCH, Math.round(blockNs / Math.max(1, typical)));
      return [name, name === baseline ? Math.max(1, Math.round(size / multiple)) * multiple : size];
    }),
  );

  const times = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const size = batch.get(name) as number;
      (times.get(name) as number[]).push((await runBlock(tasks[name] as Task, size)) / size);
    }
  }

  const base = times.get(baseline) as number[];
  const baseFast = quantile(sorted(base), 0.1);
  return names.map((name) => {
    const own = times.get(name) as number[];
    const ordered = sorted(own);
    return {
      name,
      batch: batch.get(name) as number,
      requests: rounds * (batch.get(name) as number),
      medianNs: quantile(ordered, 0.5),
      fastNs: quantile(ordered, 0.1),
      ratio: spread(own.map((value, i) => value / (base[i] as number))),
      fastRatio: quantile(ordered, 0.1) / baseFast,
    };
  });
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const at = (values.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (values[low] as number) + ((values[high] as number) - (values[low] as number)) * (at - low);
}

/** Median, quartiles and a distribution-free 95% interval of the median (binomial order statistics). */
function spread(values: readonly number[]): Spread {
  const list = sorted(values);
  const n = list.length;
  const half = 1.96 * Math.sqrt(n) * 0.5;
  return {
    median: quantile(list, 0.5),
    p25: quantile(list, 0.25),
    p75: quantile(list, 0.75),
    low: list[Math.max(0, Math.floor(n / 2 - half))] as number,
    high: list[Math.min(n - 1, Math.ceil(n / 2 + half) - 1)] as number,
  };
}
