/**
 * `fray run` as an audit: route checks before the load, races kept on purpose
 * (`expect: 'race'`) beside race-free fixes, and a fray/leaks check of the whole run —
 * each able to fail the run with exit 1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
      /^ {6}replay: npx fray replay test\/fixtures\/load\/audit\.scenario\.ts 'fr1;[^']+'$/m,
    );
    expect(result.stdout).toMatch(/✓ atomicIncrement: passed/);
    expect(result.stdout).toContain('leaks: none');
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
  });
});
