/**
 * What a test file leaves open outside its tests — an app built once at the top of the
 * module whose timer never stops — is reported when the file ends, with where it was
 * created, in Vitest, Jest and node:test (it used to be invisible: node:test hung, Jest said
 * "did not exit", fray said nothing).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, built, cleanUp, notBuilt, runNode, samples, type Finished } from './harness.ts';

if (!built) console.warn(notBuilt);

const project = join(samples, 'module-scope');
const runs: Record<'vitest' | 'jest' | 'node:test', Finished | undefined> = {
  vitest: undefined,
  jest: undefined,
  'node:test': undefined,
};

describe.skipIf(!built)('a leak created at module scope (needs npm run build)', () => {
  beforeAll(async () => {
    [runs.vitest, runs.jest, runs['node:test']] = await Promise.all([
      runNode([bin.vitest, 'run', '--root', join(project, 'vitest')]),
      runNode(['--experimental-vm-modules', bin.jest, '--ci'], { cwd: join(project, 'jest') }),
      runNode([
        '--import',
        'fray/node-test/setup',
        '--test',
        '--test-reporter=spec',
        join(project, 'node-test/app.sample.js'),
      ]),
    ]);
  }, 170_000);

  afterAll(async () => {
    for (const run of Object.values(runs)) await cleanUp(run);
  });

  test.each(['vitest', 'jest', 'node:test'] as const)(
    '%s: reported when the file ends, with its creation site, and the run fails',
    (runner) => {
      const run = runs[runner]!;
      const output = `${run.stdout}\n${run.stderr}`;

      expect(run.code).not.toBe(0);
      expect(output).toMatch(/left this open when it ended \(created outside its tests/);
      expect(output).toMatch(/timer\.js:3/);
      const leak = run.leaks.find((entry) => entry.test.fullName.endsWith('(module scope and hooks)'));
      expect(leak).toMatchObject({ check: 'timers', level: 'error' });
      expect(leak?.location).toMatch(/timer\.js:3:\d+$/);
    },
  );
});
