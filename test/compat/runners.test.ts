/**
 * The runner rows of docs/testing.md's compatibility matrix, as sample projects a user would
 * have: each under test/compat/runners/<name> with its own package.json and lockfile,
 * installed from the npm registry (fray itself from this checkout, as a packed copy —
 * `install-links` — so `pg` is deduplicated as in a real install), then run with its own
 * runner in a subprocess against the built package.
 *
 * - Jest 30 on CommonJS (the NestJS default), ts-jest and @swc/jest: with
 *   `--experimental-vm-modules` (Jest's require() of ES modules, Node ≥ 24.9). Without the
 *   flag Jest refuses fray's ES modules — checked too, so the documented flag stays true.
 * - Jest 29 on native ES modules.
 * - Vitest 3.2: fray's matchers and fixtures; the leak checks need Vitest 4.1 and say so.
 *
 * After changing fray's dependencies, run `npm install` in each sample to refresh its lock
 * (the install below tolerates drift in fray's own entry and keeps everything else locked).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { built, notBuilt, root, runNode } from '../runners/harness.ts';

if (!built) console.warn(notBuilt);

const samples = join(root, 'test/compat/runners');
const run = promisify(execFile);

async function install(sample: string): Promise<string> {
  const cwd = join(samples, sample);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save'], {
    cwd,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return cwd;
}

const vmModules = '--experimental-vm-modules';

describe.skipIf(!built)('runner sample projects (need npm run build)', () => {
  describe('Jest 30 on CommonJS (ts-jest, @swc/jest)', () => {
    let cwd = '';
    beforeAll(async () => {
      cwd = await install('jest30-cjs');
    }, 240_000);

    test.each(['ts-jest', 'swc'])('%s: passes with --experimental-vm-modules', async (transform) => {
      const result = await runNode([vmModules, 'node_modules/jest/bin/jest.js', '--ci'], {
        cwd,
        env: { TRANSFORM: transform },
      });

      expect(result.stderr).toContain('Tests:       3 passed, 3 total');
      expect(result.code).toBe(0);
    });

    test('without the flag Jest cannot load fray (the documented requirement)', async () => {
      const result = await runNode(['node_modules/jest/bin/jest.js', '--ci'], { cwd });

      expect(result.stderr).toContain('Must use import to load ES Module');
      expect(result.code).toBe(1);
    });
  });

  test('Jest 29 on native ES modules passes', async () => {
    const cwd = await install('jest29-esm');

    const result = await runNode([vmModules, 'node_modules/jest/bin/jest.js', '--ci'], { cwd });

    expect(result.stderr).toContain('Tests:       3 passed, 3 total');
    expect(result.code).toBe(0);
  }, 300_000);

  test('Vitest 3.2: matchers and fixtures pass; the leak checks say they need 4.1', async () => {
    const cwd = await install('vitest32');

    const result = await runNode(['node_modules/vitest/vitest.mjs', 'run'], { cwd });

    expect(result.stdout).toMatch(/Tests\s+3 passed \(3\)/);
    expect(result.stdout + result.stderr).toContain('fray/leaks needs Vitest 4.1 or later');
    expect(result.code).toBe(0);
  }, 300_000);
});
