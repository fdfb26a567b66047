/**
 * Start bench/load's servers in child processes and compute the true latencies of a
 * stalling server from intended start times.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';

/** A server in a child process. */
export interface ServerProcess {
  readonly url: string;
  stop(): void;
}

/** Fork `server-process.ts` with `args`; resolves once it listens. */
export function startServer(args: readonly string[]): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(new URL('./server-process.ts', import.meta.url), [...args], {
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('message', (message: { port: number }) => {
      resolve({ url: `http://127.0.0.1:${message.port}/`, stop: () => child.kill() });
    });
  });
}

/** The stall schedule: windows [anchor + k·period, anchor + k·period + stall). */
export interface StallSchedule {
  readonly anchor: number;
  readonly period: number;
  readonly stall: number;
}

/** The true latency (ms) of a request intended at epoch ms `t`: the wait until its stall ends. */
export function trueLatency(t: number, schedule: StallSchedule, baseMs: number): number {
  const since = t - schedule.anchor;
  const offset = ((since % schedule.period) + schedule.period) % schedule.period;
  return since >= 0 && offset < schedule.stall ? schedule.stall - offset + baseMs : baseMs;
}

/** The p-th percentile (0–100) of the true latencies of `count` arrivals at `rate` from `start`. */
export function truePercentile(
  start: number,
  rate: number,
  count: number,
  schedule: StallSchedule,
  baseMs: number,
  p: number,
): number {
  const values = Array.from({ length: count }, (_, i) =>
    trueLatency(start + (i * 1000) / rate, schedule, baseMs),
  ).sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? Number.NaN;
}
