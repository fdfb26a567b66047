/**
 * node:test with `node --import fray/node-test/setup --test`, as a user runs it: the
 * planted-leaks suite and the clean suite, in subprocesses against the built package.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  built,
  cleanUp,
  expected,
  expectedSummaries,
  notBuilt,
  runNode,
  samples,
  summarise,
  type Finished,
} from './harness.ts';

if (!built) console.warn(notBuilt);

/** `✔ name` / `✖ name` lines of the spec reporter. */
function outcomes(output: string): Map<string, 'passed' | 'failed'> {
  const seen = new Map<string, 'passed' | 'failed'>();
  for (const line of output.split('\n')) {
    const match = /^\s*([✔✖]) (.+?) \(\d[\d.]*m?s\)$/.exec(line);
    if (match !== null && !seen.has(match[2]!)) seen.set(match[2]!, match[1] === '✔' ? 'passed' : 'failed');
  }
  return seen;
}

describe.skipIf(!built)('node:test with fray/node-test/setup (needs npm run build)', () => {
  const project = join(samples, 'node-test');
  let run: Finished | undefined;

  beforeAll(async () => {
    run = await runNode([
      '--import',
      'fray/node-test/setup',
      '--test',
      '--test-reporter=spec',
      join(project, 'planted.sample.js'),
      join(project, 'clean.sample.js'),
      join(project, 'matchers.sample.js'),
      join(project, 'fake-timers.sample.js'),
    ]);
  }, 170_000);

  afterAll(() => cleanUp(run));

  test('the planted suite reports each leak once, for the test that caused it, at the line that created it', () => {
    const planted = run!.leaks.filter((leak) => leak.test.file?.endsWith('planted.sample.js'));

    expect(planted.map(summarise)).toHaveLength(expected.leaks.length);
    expect(planted.map(summarise)).toEqual(expect.arrayContaining(expectedSummaries()));
    expect(planted.every((leak) => leak.test.runner === 'node:test')).toBe(true);
  });

  test('each leaking test fails; late leaks fail the file through its exit code', () => {
    const seen = outcomes(run!.stdout);

    for (const leak of expected.leaks.filter((entry) => !entry.afterEnd))
      expect(seen.get(leak.test)).toBe('failed');
    for (const name of expected.passing) expect(seen.get(name)).toBe('passed');
    expect(run!.stdout).toContain('LeaksFoundError');
    expect(`${run!.stdout}${run!.stderr}`).toContain('FRAY_LEAKS_LATE');
    expect(run!.code).toBe(1);
  });

  test("fray's assertions run on t.assert: a pass, and a failure in node:test's words", () => {
    const seen = outcomes(run!.stdout);

    expect(seen.get('assertions: awaited once with equal arguments')).toBe('passed');
    expect(seen.get('assertions: fails on purpose when a mock was never awaited')).toBe('failed');
    expect(run!.stdout).toMatch(/to have been awaited/i);
    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('matchers.sample.js'))).toEqual([]);
  });

  test('fray mocks under t.mock.timers: a backoff retry driven by tick()', () => {
    const seen = outcomes(run!.stdout);

    expect(seen.get('fake timers: a backoff retry under t.mock.timers')).toBe('passed');
    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('fake-timers.sample.js'))).toEqual([]);
  });

  test('the clean suite (Express, Fastify, Koa, Hono, supertest, PGlite) reports nothing and passes', () => {
    const seen = outcomes(run!.stdout);

    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('clean.sample.js'))).toEqual([]);
    for (const name of [
      'Express over HTTP',
      'Fastify over HTTP',
      'Koa over HTTP',
      'Hono over HTTP',
      'PGlite queries',
    ]) {
      expect(seen.get(name)).toBe('passed');
    }
  });
});
