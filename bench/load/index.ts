/**
 * bench/load: fray's load generator against autocannon, on the same loopback servers in one
 * run (each server in its own process, so neither tool shares a thread with it).
 *
 * 1. Maximum throughput: closed model, 100 connections, against a server that answers at
 *    once; rounds alternate between the tools and the median is kept.
 * 2. p99 under a stalling server: 1,000 requests/s over 10 connections while the server
 *    holds every response for 1 s every 2.5 s. The truth is computed from the intended
 *    start times and the server's schedule; fray's corrected p99 is set against it, with
 *    fray's uncorrected p99 and autocannon's (which measures from the actual send) beside.
 *
 * Run: npx node bench/load/index.ts (or npm run bench load). Options: --rounds N, --seconds S.
 *
 * @module
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { load, type LevelReport } from '../../src/load/index.ts';
import { environment, markdownTable, num } from '../table.ts';
import { startServer, truePercentile, type StallSchedule } from './servers.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const ROUNDS = option('rounds', 3);
const SECONDS = option('seconds', 4);
const epochNow = (): number => performance.timeOrigin + performance.now();
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function runAutocannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error: Error | null, result) => (error ? reject(error) : resolve(result)));
  });
}

process.stdout.write(`# bench/load — ${environment()}, ${ROUNDS} rounds of ${SECONDS} s\n`);

// 1. Maximum throughput.
{
  const server = await startServer(['fast']);
  interface Round {
    readonly rps: number;
    readonly p50: number;
    readonly p99: number;
    /** CPU time of the load generator per request, µs. */
    readonly cpuPerRequest: number;
  }
  const fray: (Round & { valid: boolean })[] = [];
  const cannon: Round[] = [];
  try {
    // Warm the server (and both clients' code paths) up.
    await load(server.url, { request: { path: '/' }, concurrency: 100, duration: '1s' });
    await runAutocannon({ url: server.url, connections: 100, duration: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['fray', 'autocannon'] : ['autocannon', 'fray'];
      for (const tool of order) {
        if (tool === 'fray') {
          const report = await load(server.url, {
            request: { path: '/' },
            concurrency: 100,
            duration: SECONDS * 1000,
          });
          const level = report.levels[0] as LevelReport;
          fray.push({
            rps: level.throughput,
            p50: level.latency.p50,
            p99: level.latency.p99,
            // The worker thread's own CPU time.
            cpuPerRequest: (level.generator.cpu * level.durationMs * 1000) / level.requests,
            valid: level.valid,
          });
        } else {
          // autocannon runs on this thread; fray's worker is idle meanwhile.
          const cpu0 = process.cpuUsage();
          const result = await runAutocannon({ url: server.url, connections: 100, duration: SECONDS });
          const cpu = process.cpuUsage(cpu0);
          cannon.push({
            rps: result.requests.total / SECONDS,
            p50: result.latency.p50,
            p99: result.latency.p99,
            cpuPerRequest: (cpu.user + cpu.system) / result.requests.total,
          });
        }
      }
    }
  } finally {
    server.stop();
  }
  // Rounds run back to back, so round i of each tool saw about the same machine: the
  // median of the per-round ratios is steadier than the ratio of the medians.
  const pairedRatio = median(fray.map((r, i) => r.rps / (cannon[i]?.rps ?? Number.NaN)));
  const row = (name: string, rounds: readonly Round[], extra: string, ratio: string): string[] => [
    name,
    num(median(rounds.map((r) => r.rps))),
    `${num(median(rounds.map((r) => r.p50)), 2)} ms`,
    `${num(median(rounds.map((r) => r.p99)), 2)} ms`,
    `${num(median(rounds.map((r) => r.cpuPerRequest)), 1)} µs${extra}`,
    ratio,
  ];
  process.stdout.write(
    `\n### Maximum throughput (closed model, 100 connections, ${SECONDS} s per round, medians of ${ROUNDS} alternating rounds)\n\n`,
  );
  process.stdout.write(
    `${markdownTable(
      [
        'tool',
        'requests/s',
        'p50',
        'p99',
        'generator CPU per request',
        'throughput vs autocannon (median of per-round ratios)',
      ],
      [
        row(
          'fray (worker thread)',
          fray,
          fray.every((r) => r.valid) ? '' : ' (a round flagged invalid)',
          `${num(pairedRatio, 2)}×`,
        ),
        row('autocannon', cannon, '', '1.00×'),
      ],
    )}\n`,
  );
  process.stdout.write(
    `\nper round, requests/s: fray ${fray.map((r) => num(r.rps)).join(', ')}; autocannon ${cannon.map((r) => num(r.rps)).join(', ')}\n`,
  );
  process.stdout.write(
    `(machine load average: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(', ')})\n`,
  );
}

// 2. p99 under a stalling server.
{
  const rate = 1000;
  const seconds = 10;
  const schedule: StallSchedule = {
    anchor: Math.ceil(epochNow() / 1000) * 1000 + 2000,
    period: 2500,
    stall: 1000,
  };
  const server = await startServer([
    'stall',
    String(schedule.anchor),
    String(schedule.period),
    String(schedule.stall),
  ]);
  try {
    // fray: open model, latency from intended starts.
    const report = await load(server.url, {
      request: { path: '/' },
      rate,
      duration: seconds * 1000,
      connections: 10,
      // A stall parks a second's worth of arrivals; none may be dropped.
      maxInFlight: 5000,
      timeout: '10s',
    });
    const level = report.levels[0] as LevelReport;
    const base = level.uncorrectedLatency?.p50 ?? 0;
    const frayTruth = truePercentile(level.startedAt, rate, level.arrivals, schedule, base, 99);
    // autocannon: the same rate and connections; it measures from each actual send.
    const cannonStart = epochNow();
    const cannon = await runAutocannon({
      url: server.url,
      connections: 10,
      overallRate: rate,
      duration: seconds,
      timeout: 10,
    });
    const cannonTruth = truePercentile(cannonStart, rate, rate * seconds, schedule, base, 99);
    const error = (value: number, truth: number): string =>
      `${value >= truth ? '+' : ''}${num(((value - truth) / truth) * 100, 1)}%`;
    process.stdout.write(
      `\n### p99 under a stalling server (${rate} requests/s, 10 connections, ${seconds} s; the server holds every response for 1 s every 2.5 s)\n\n`,
    );
    process.stdout.write(
      `${markdownTable(
        ['measured by', 'true p99 (from intended starts)', 'reported p99', 'error'],
        [
          [
            'fray, corrected (from intended start)',
            `${num(frayTruth, 1)} ms`,
            `${num(level.latency.p99, 1)} ms`,
            error(level.latency.p99, frayTruth),
          ],
          [
            'fray, uncorrected (from actual send)',
            `${num(frayTruth, 1)} ms`,
            `${num(level.uncorrectedLatency?.p99 ?? Number.NaN, 1)} ms`,
            error(level.uncorrectedLatency?.p99 ?? Number.NaN, frayTruth),
          ],
          [
            'autocannon (from actual send)',
            `${num(cannonTruth, 1)} ms`,
            `${num(cannon.latency.p99, 1)} ms`,
            error(cannon.latency.p99, cannonTruth),
          ],
        ],
      )}\n`,
    );
    process.stdout.write(
      `\nfray sent ${level.arrivals} arrivals (${level.dropped} dropped, ${level.lateStarts} late, valid: ${String(level.valid)}); autocannon completed ${cannon.requests.total} requests.\n`,
    );
    process.stdout.write(
      `(machine load average: ${loadavg()
        .map((value) => value.toFixed(2))
        .join(', ')})\n`,
    );
  } finally {
    server.stop();
  }
}
