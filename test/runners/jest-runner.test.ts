/**
 * Jest (native ES modules, `testEnvironment: 'fray/jest/environment'`), as a user runs it:
 * the planted-leaks suite and the clean suite, in a subprocess against the built package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  bin,
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

interface JestReport {
  testResults: {
    name: string;
    message: string;
    assertionResults: { title: string; status: string; failureMessages: string[] }[];
  }[];
}

describe.skipIf(!built)('Jest with fray/jest/environment (needs npm run build)', () => {
  const project = join(samples, 'jest');
  let run: Finished | undefined;
  let results: JestReport['testResults'] = [];

  beforeAll(async () => {
    run = await runNode(
      ['--experimental-vm-modules', bin.jest, '--ci', '--json', '--outputFile={dir}/report.json'],
      { cwd: project },
    );
    results = (JSON.parse(readFileSync(join(run.dir, 'report.json'), 'utf8')) as JestReport).testResults;
  }, 170_000);

  afterAll(() => cleanUp(run));

  const file = (name: string) => {
    const result = results.find((entry) => entry.name.endsWith(name));
    if (result === undefined) throw new Error(`${name} did not run:\n${run?.stderr}`);
    return result;
  };

  test('the planted suite reports each leak once, for the test that caused it, at the line that created it', () => {
    const planted = run!.leaks.filter((leak) => leak.test.file?.endsWith('planted.sample.js'));

    expect(planted.map(summarise)).toHaveLength(expected.leaks.length);
    expect(planted.map(summarise)).toEqual(expect.arrayContaining(expectedSummaries()));
    expect(planted.every((leak) => leak.test.runner === 'jest')).toBe(true);
  });

  test('each leaking test fails with FRAY_LEAKS_FOUND; late leaks fail the file with FRAY_LEAKS_LATE', () => {
    const planted = file('planted.sample.js');
    const failedByFray = planted.assertionResults.filter(
      (result) =>
        result.status === 'failed' && result.failureMessages.join('\n').includes('fray/leaks: test'),
    );

    expect(failedByFray.map((result) => result.title).sort()).toEqual(
      expected.leaks
        .filter((leak) => !leak.afterEnd)
        .map((leak) => leak.test)
        .sort(),
    );
    for (const result of failedByFray) {
      expect(result.failureMessages.join('\n')).toContain(`fray/leaks: test "${result.title}"`);
    }
    expect(planted.message).toContain('LateLeaksError');
    expect(run!.code).toBe(1);
  });

  test("fray's matchers run under Jest: passes, .not, toBeRaceFree, and a failure in Jest's words", () => {
    const matchers = file('matchers.sample.js');
    const status = Object.fromEntries(
      matchers.assertionResults.map((result) => [result.title, result.status]),
    );

    expect(status).toEqual({
      'matchers: awaited once with equal arguments': 'passed',
      'matchers: a mock never called is not awaited': 'passed',
      'matchers: toBeRaceFree on an explored scenario': 'passed',
      'matchers: fails on purpose when an awaited mock is said not to be': 'failed',
    });
    const failure = matchers.assertionResults.find((result) => result.status === 'failed');
    expect(failure?.failureMessages.join('\n')).toMatch(/expected asyncMock not to have been awaited/);
    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('matchers.sample.js'))).toEqual([]);
  });

  test('fray mocks are spies to Jest’s own matchers: passes, and a failure naming the mock', () => {
    const spies = file('spies.sample.js');
    const status = Object.fromEntries(spies.assertionResults.map((result) => [result.title, result.status]));

    expect(status).toEqual({
      'spies: jest.isMockFunction and the toHaveBeenCalled family on fray mocks': 'passed',
      'spies: fails on purpose, to show Jest naming the fray mock': 'failed',
    });
    const failure = spies.assertionResults.find((result) => result.status === 'failed');
    expect(failure?.failureMessages.join('\n')).toMatch(/expect\(repo\.save\)\.toHaveBeenCalledWith/);
    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('spies.sample.js'))).toEqual([]);
  });

  test('fray mocks under jest.useFakeTimers(): a backoff retry and a timeout driven by the clock', () => {
    const timers = file('fake-timers.sample.js');

    expect(
      Object.fromEntries(timers.assertionResults.map((result) => [result.title, result.status])),
    ).toEqual({
      'fake timers: a backoff retry advances one attempt per delay': 'passed',
      'fake timers: a held call loses the race against the clock': 'passed',
      'fake timers: inject answers an Express app under the default fake timers (nextTick faked too)':
        'passed',
    });
    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('fake-timers.sample.js'))).toEqual([]);
  });

  test('the clean suite (Express, Fastify, Koa, Hono, supertest, PGlite) reports nothing and passes', () => {
    const clean = file('clean.sample.js');

    expect(run!.leaks.filter((leak) => leak.test.file?.endsWith('clean.sample.js'))).toEqual([]);
    expect(clean.assertionResults).toHaveLength(12);
    expect(clean.assertionResults.every((result) => result.status === 'passed')).toBe(true);
  });
});
