/**
 * Vitest with `setupFiles: ['fray/vitest/setup']`, as a user runs it: the planted-leaks
 * suite and the clean suite, in subprocesses against the built package.
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

interface VitestReport {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { title: string; status: string; failureMessages: string[] }[];
  }[];
}

function report(run: Finished | undefined): VitestReport {
  return JSON.parse(readFileSync(join(run!.dir, 'report.json'), 'utf8')) as VitestReport;
}

function fileResult(run: Finished | undefined, file: string): VitestReport['testResults'][number] {
  const result = report(run).testResults.find((entry) => entry.name.endsWith(file));
  if (result === undefined) throw new Error(`${file} did not run:\n${run?.stdout}\n${run?.stderr}`);
  return result;
}

describe.skipIf(!built)('Vitest with fray/vitest/setup (needs npm run build)', () => {
  const project = join(samples, 'vitest');
  const reporter = ['--reporter=json', '--outputFile={dir}/report.json'];
  let forks: Finished | undefined;
  let threads: Finished | undefined;

  beforeAll(async () => {
    [forks, threads] = await Promise.all([
      runNode([bin.vitest, 'run', '--root', project, ...reporter, 'planted', 'clean']),
      runNode([
        bin.vitest,
        'run',
        '--root',
        project,
        '--pool',
        'threads',
        '--no-isolate',
        ...reporter,
        'planted',
      ]),
    ]);
  }, 170_000);

  afterAll(() => Promise.all([cleanUp(forks), cleanUp(threads)]));

  test('the planted suite reports each leak once, for the test that caused it, at the line that created it', () => {
    const planted = forks!.leaks.filter((leak) => leak.test.file?.endsWith('planted.sample.js'));

    expect(planted.map(summarise)).toHaveLength(expected.leaks.length);
    expect(planted.map(summarise)).toEqual(expect.arrayContaining(expectedSummaries()));
    expect(planted.every((leak) => leak.test.runner === 'vitest' && leak.level === 'error')).toBe(true);
  });

  test('the same under --pool threads --no-isolate', () => {
    expect(threads!.leaks.map(summarise)).toHaveLength(expected.leaks.length);
    expect(threads!.leaks.map(summarise)).toEqual(expect.arrayContaining(expectedSummaries()));
  });

  test('each leaking test fails with FRAY_LEAKS_FOUND; late leaks fail the file with FRAY_LEAKS_LATE', () => {
    for (const run of [forks, threads]) {
      const planted = fileResult(run, 'planted.sample.js');
      const failed = planted.assertionResults.filter((result) => result.status === 'failed');
      const passed = planted.assertionResults.filter((result) => result.status === 'passed');

      expect(failed.map((result) => result.title).sort()).toEqual(
        expected.leaks
          .filter((leak) => !leak.afterEnd)
          .map((leak) => leak.test)
          .sort(),
      );
      for (const result of failed)
        expect(result.failureMessages.join('\n')).toContain(`fray/leaks: test "${result.title}"`);
      expect(passed.map((result) => result.title).sort()).toEqual([...expected.passing].sort());
      // The file-level failure: the late leaks, named with the tests that caused them.
      expect(planted.message).toMatch(
        /fray\/leaks: test "starts work that outlives it" \(.*planted\.sample\.js\) was still at work after it ended/,
      );
      expect(run!.code).toBe(1);
    }
  });

  test('the clean suite (Express, Fastify, Koa, Hono, supertest, PGlite) reports nothing and passes', () => {
    const clean = fileResult(forks, 'clean.sample.js');

    expect(forks!.leaks.filter((leak) => leak.test.file?.endsWith('clean.sample.js'))).toEqual([]);
    expect(clean.assertionResults.map((result) => [result.title, result.status])).toEqual(
      clean.assertionResults.map((result) => [result.title, 'passed']),
    );
    expect(clean.assertionResults).toHaveLength(12);
  });
});
