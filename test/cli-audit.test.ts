/**
 * `fray run` as an audit: route checks before the load, races kept on purpose
 * (`expect: 'race'`) beside race-free fixes, and a fray/leaks check of the whole run —
 * each able to fail the run with exit 1 — and report.json, which carries all of it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asLoadReport, type RunReport } from '../src/load/index.ts';
import { fray } from './support/cli.ts';

const scenario = 'test/fixtures/load/audit.scenario.ts';

let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'fray-audit-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('fray run: the audit parts', () => {
  test('all as expected: routes pass, the kept race is found with its replay line, no leaks, exit 0', async () => {
    const result = await fray(['run', scenario, '--out', join(out, 'ok'), '--no-html']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('routes checked: 2/2 as expected');
    expect(result.stdout).toMatch(
      /⚠ lostUpdate: lost update: counter is 1, expected 2 — found on run \d+ by \S+/,
    );
    expect(result.stdout).toMatch(
      /^ {6}replay: npx fray replay test\/fixtures\/load\/audit\.scenario\.ts 'fr[12];[^']+'$/m,
    );
    expect(result.stdout).toMatch(/✓ atomicIncrement: passed/);
    expect(result.stdout).toContain('leaks: none');
  });

  test('report.json carries the routes, the races with their timelines and coverage, the leaks and the verdict', async () => {
    // Arrange
    const dir = join(out, 'json');

    // Act
    const result = await fray(['run', scenario, '--out', dir, '--no-html']);
    const json: unknown = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    const report = json as RunReport;

    // Assert
    expect(result.code).toBe(0);
    expect(report).toMatchObject({
      format: 'fray-run-report',
      version: 1,
      scenario,
      verdict: 'passed',
      exitCode: 0,
      leaks: [],
      gates: null,
      comparison: null,
    });
    expect(report.routes.map((route) => [route.name, route.status])).toEqual([
      ['GET /health', 'passed'],
      ['any page', 'passed'],
    ]);
    const [lost, atomic] = report.races;
    expect(lost).toMatchObject({ name: 'lostUpdate', status: 'found', exploration: { claim: 'failure' } });
    expect(lost?.replay).toBe(`npx fray replay ${scenario} '${lost?.failure?.replay}'`);
    expect(lost?.failure?.timeline.lanes.map((lane) => lane.task)).toEqual(['a', 'b']);
    expect(lost?.failure?.timeline.broke.message).toBe('Error: lost update: counter is 1, expected 2');
    expect(lost?.failure?.timeline.broke.step).toBe(lost?.failure?.steps);
    expect(atomic).toMatchObject({ name: 'atomicIncrement', status: 'passed', exploration: { seed: 1 } });
    expect(atomic?.exploration?.summary).toMatch(/^passed/);
    expect(asLoadReport(json).levels).toHaveLength(1);
  });

  test('a route answering something else fails the run, naming what differed', async () => {
    const result = await fray(['run', scenario, '--out', join(out, 'route'), '--no-html'], {
      AUDIT_BREAK: 'route',
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('routes checked: 1/2 as expected');
    expect(result.stdout).toContain(
      '✗ GET /health: body {"status":"ok","uptime":1} does not contain {"status":"degraded"}',
    );
  });

  test('a race expected but not found fails the run', async () => {
    const result = await fray(['run', scenario, '--out', join(out, 'race'), '--no-html'], {
      AUDIT_BREAK: 'race',
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ atomicIncrement: expected a race, but none was found/);
  });

  test('a timer the app factory leaves behind fails the run, with where it was created', async () => {
    const result = await fray(['run', scenario, '--out', join(out, 'leak'), '--no-html'], {
      AUDIT_BREAK: 'leak',
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /leaks: 1 left behind\n {2}✗ timers: setInterval \(every 60000 ms\) still scheduled \(created at .*audit\.scenario\.ts:\d+:\d+\)/,
    );
    const report = JSON.parse(await readFile(join(out, 'leak', 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({ verdict: 'failed', exitCode: 1 });
    expect(report.leaks).toEqual([
      {
        check: 'timers',
        description: 'setInterval (every 60000 ms) still scheduled',
        location: expect.stringMatching(/audit\.scenario\.ts:\d+:\d+$/),
        count: 1,
      },
    ]);
  });
});
