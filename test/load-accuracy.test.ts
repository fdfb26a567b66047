/**
 * Coordinated omission, measured: a loopback server stalls for 1 s every 2.5 s while fray
 * sends 200 requests/s over 4 connections. fray's corrected p99 must be within 10% of the
 * true p99 computed from the intended start times and the server's stall schedule; the
 * uncorrected p99 (what a closed-loop tool reports) is printed beside it.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { load, type LevelReport } from '../src/load/index.ts';
import { startStallServer, trueLatencies, type StallServer } from './fixtures/load/stall-server.ts';

let server: StallServer;

beforeAll(async () => {
  server = await startStallServer({ firstStallAfterMs: 1000, periodMs: 2500, stallMs: 1000 });
});

afterAll(async () => {
  await server.close();
});

test('corrected p99 under a stalling server is within 10% of the truth from intended starts', async () => {
  // Arrange
  const rate = 200;
  // Act
  const report = await load(server.url, {
    request: { path: '/' },
    rate,
    duration: '5s',
    connections: 4,
    timeout: '5s',
  });
  // Assert
  const level = report.levels[0] as LevelReport;
  const windows = server.windows(level.startedAt + level.durationMs);
  const truth = trueLatencies(
    level.startedAt,
    rate,
    level.arrivals,
    windows,
    level.uncorrectedLatency?.p50 ?? 0,
  );
  const trueP99 = truth[Math.ceil(0.99 * truth.length) - 1] as number;
  const corrected = level.latency.p99;
  const uncorrected = level.uncorrectedLatency?.p99 ?? Number.NaN;
  console.log(
    `stall server, ${rate}/s for 5 s, ${windows.length} stalls of 1 s: true p99 ${trueP99.toFixed(1)} ms, fray corrected p99 ${corrected.toFixed(1)} ms (${(((corrected - trueP99) / trueP99) * 100).toFixed(1)}%), uncorrected p99 ${uncorrected.toFixed(1)} ms`,
  );
  expect(level.requests).toBe(level.arrivals);
  expect(level.dropped).toBe(0);
  expect(level.errors).toEqual({});
  expect(windows.length).toBeGreaterThanOrEqual(2);
  expect(Math.abs(corrected - trueP99) / trueP99).toBeLessThan(0.1);
  // The uncorrected view hides the stall: most requests that waited were sent late.
  expect(uncorrected).toBeLessThan(corrected / 2);
});
