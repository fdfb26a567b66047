/**
 * Should the load generator's HTTP/1.1 client (src/load/http1: fray's pool and response
 * parser) give way to undici (llhttp compiled to WebAssembly)? Both drive the same loopback
 * server (its own process) through the same `load()` closed-model driver on this thread:
 * fray's URL client (`thread: 'main'`) against a function target calling an `undici.Pool`
 * with as many connections. Rounds alternate; each prints requests/s and this process's CPU
 * time per request, and the spread across rounds.
 *
 * Run: npx node bench/load/parser.ts [--rounds 5] [--seconds 3] [--connections 50]
 *
 * @module
 */
import { loadavg } from 'node:os';
import { Pool } from 'undici';
import { load, type LevelReport } from '../../src/load/index.ts';
import { environment, markdownTable, num } from '../table.ts';
import { startServer } from './servers.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const ROUNDS = option('rounds', 5);
const SECONDS = option('seconds', 3);
const CONNECTIONS = option('connections', 50);

interface Round {
  readonly rps: number;
  readonly cpuPerRequestUs: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const spread = (values: readonly number[]): string => {
  const m = median(values);
  return `${num(((Math.min(...values) - m) / m) * 100, 1)}% / +${num(((Math.max(...values) - m) / m) * 100, 1)}%`;
};

async function measure(run: () => Promise<LevelReport>): Promise<Round> {
  const cpu0 = process.cpuUsage();
  const level = await run();
  const cpu = process.cpuUsage(cpu0);
  return { rps: level.throughput, cpuPerRequestUs: (cpu.user + cpu.system) / level.requests };
}

const server = await startServer(['fast']);
const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
const runs = {
  fray: async (seconds: number): Promise<LevelReport> =>
    (
      await load(server.url, {
        request: { path: '/' },
        concurrency: CONNECTIONS,
        duration: seconds * 1000,
        thread: 'main',
        warmup: 0,
      })
    ).levels[0] as LevelReport,
  undici: async (seconds: number): Promise<LevelReport> =>
    (
      await load(
        async () => {
          const { statusCode, body } = await pool.request({ path: '/', method: 'GET' });
          await body.dump();
          if (statusCode >= 400) throw new Error(`status ${statusCode}`);
        },
        { concurrency: CONNECTIONS, duration: seconds * 1000, warmup: 0 },
      )
    ).levels[0] as LevelReport,
};
const rounds: Record<'fray' | 'undici', Round[]> = { fray: [], undici: [] };
process.stdout.write(
  `# bench/load parser — ${environment()}, ${ROUNDS} alternating rounds of ${SECONDS} s, ${CONNECTIONS} connections; load avg ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} at start\n`,
);
try {
  await runs.fray(1);
  await runs.undici(1);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['fray', 'undici'] as const) : (['undici', 'fray'] as const);
    for (const client of order) rounds[client].push(await measure(() => runs[client](SECONDS)));
  }
} finally {
  await pool.close();
  server.stop();
}
const ratio = median(rounds.fray.map((r, i) => r.rps / (rounds.undici[i]?.rps ?? Number.NaN)));
process.stdout.write(
  `\n${markdownTable(
    [
      'HTTP client',
      'requests/s (median)',
      'spread (min / max vs median)',
      'CPU per request (median)',
      'CPU spread',
      'throughput vs undici',
    ],
    (['fray', 'undici'] as const).map((client) => [
      client === 'fray' ? "fray's pool + response parser" : 'undici.Pool (llhttp, wasm)',
      num(median(rounds[client].map((r) => r.rps))),
      spread(rounds[client].map((r) => r.rps)),
      `${num(median(rounds[client].map((r) => r.cpuPerRequestUs)), 1)} µs`,
      spread(rounds[client].map((r) => r.cpuPerRequestUs)),
      client === 'fray' ? `${num(ratio, 2)}×` : '1.00×',
    ]),
  )}\n`,
);
process.stdout.write(
  `\nper round, requests/s: fray ${rounds.fray.map((r) => num(r.rps)).join(', ')}; undici ${rounds.undici.map((r) => num(r.rps)).join(', ')}\nload avg ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} at the end\n`,
);
