/**
 * fray/race under plain `node --test`, as a user runs it, against the built package: with
 * `--import fray/race/register` every await of the test file (ESM and CommonJS) is a
 * scheduling point and a race between two awaits is found; without it the same test passes,
 * and says it is not a proof.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { built, notBuilt, runNode, samples } from './harness.ts';

if (!built) console.warn(notBuilt);

const files = [
  join(samples, 'node-test', 'race.sample.js'),
  join(samples, 'node-test', 'race-cjs.sample.cjs'),
];

describe.skipIf(!built)('fray/race under node --test (needs npm run build)', () => {
  test('with --import fray/race/register: the race between two awaits is found, ESM and CommonJS', async () => {
    // Act
    const run = await runNode(
      ['--import', 'fray/race/register', '--test', '--test-reporter=spec', ...files],
      {
        env: { FRAY_SAMPLE_EXPECT: 'found' },
      },
    );
    // Assert
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('✔ a clear between has() and get() of a synchronous cache (ESM)');
    expect(run.stdout).toContain('✔ a clear between has() and get() of a synchronous cache (CommonJS)');
  });

  test('raceTest from fray/node-test fails the test body with the report and the replay line', async () => {
    // Act
    const run = await runNode([
      '--import',
      'fray/race/register',
      '--test',
      '--test-reporter=spec',
      join(samples, 'node-test', 'race-test.sample.js'),
    ]);
    // Assert
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✖ raceTest: a clear between has() and get() of a synchronous cache');
    expect(run.stdout).toContain('FRAY_RACE_FOUND');
    expect(run.stdout).toMatch(/replay: 'fr[12];/);
  });

  test('without it: the same scenario passes, not exhaustive, and names the gap', async () => {
    // Act
    const run = await runNode(['--test', '--test-reporter=spec', ...files], {
      env: { FRAY_SAMPLE_EXPECT: 'passed' },
    });
    // Assert
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('✔ a clear between has() and get() of a synchronous cache (ESM)');
  });
});
