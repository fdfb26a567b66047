import { beforeAll, describe, expect, test } from 'vitest';
import { checkGates, load, type LoadReport } from '../load/index.ts';
import { runReportOf, type RunFindings } from './run-report.ts';

let findings: RunFindings;

beforeAll(async () => {
  const report: LoadReport = await load(() => Promise.resolve(), { concurrency: 1, requests: 20, warmup: 0 });
  findings = {
    name: 'shop',
    scenario: 'shop.scenario.ts',
    command: 'fray run shop.scenario.ts',
    load: report,
    routes: [],
    races: [],
    leaks: [],
    gates: undefined,
    comparison: undefined,
    baseline: undefined,
    shutdownError: undefined,
  };
});

describe("fray run's verdict and report.json", () => {
  test('all good: passed, exit 0, every absent part null and every key present', () => {
    // Act
    const report = runReportOf({ ...findings, leaks: undefined });

    // Assert
    expect(report).toMatchObject({
      format: 'fray-run-report',
      version: 1,
      verdict: 'passed',
      exitCode: 0,
      leaks: null,
      gates: null,
      comparison: null,
      shutdownError: null,
    });
  });

  test.each([
    ['a race check that failed', { races: [{ name: 'r', status: 'failed', detail: '' }] }],
    ['a race check that errored', { races: [{ name: 'r', status: 'error', detail: '' }] }],
    ['a route check that failed', { routes: [{ name: 'GET /', status: 'failed', detail: '', ms: 1 }] }],
    ['a leak', { leaks: [{ check: 'timers', description: 'x', location: undefined, count: 3 }] }],
    ['a failed shutdown', { shutdownError: 'boom' }],
  ] as const)('%s fails the run: exit 1', (_, part) => {
    // Act
    const report = runReportOf({ ...findings, ...part });

    // Assert
    expect([report.verdict, report.exitCode]).toEqual(['failed', 1]);
  });

  test('a found race (expected) passes; a gate that cannot be decided is inconclusive: exit 3', () => {
    // Arrange — 20 requests are too few to judge a p99 bound.
    const gates = checkGates(findings.load, { p99: '< 10s' });

    // Act
    const report = runReportOf({
      ...findings,
      races: [{ name: 'naive', status: 'found', detail: '' }],
      gates,
    });

    // Assert
    expect(gates.results.map((result) => result.status)).toEqual(['inconclusive']);
    expect([report.verdict, report.exitCode]).toEqual(['inconclusive', 3]);
  });
});
