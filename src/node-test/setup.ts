/**
 * `fray/node-test/setup` — load it before the test files and every node:test test gets
 * fray's assertions (`t.assert.awaited…`) and fray/leaks:
 *
 * ```sh
 * node --import fray/node-test/setup --test
 * FRAY_LEAKS=lateActivity=warn node --import fray/node-test/setup --test
 * ```
 *
 * With `--test`, Node runs each test file in a child process that inherits `--import`;
 * this module acts only where tests run (the children, or the single process with
 * `--test-isolation=none`, or `node --import fray/node-test/setup file.test.js`), never in
 * the orchestrating parent. Imported any other way it does nothing and `setupApplied` is
 * `false`. For options beyond `FRAY_LEAKS`, write your own module calling
 * `installFrayLeaks()` from `fray/node-test`.
 *
 * @module
 */
import { installFrayLeaks, registerFrayAssertions } from './index.ts';

function runsTests(): boolean {
  if (process.env['NODE_TEST_CONTEXT'] !== undefined) return true;
  const argv = process.execArgv;
  if (argv.includes('--test')) return argv.some((arg) => arg === '--test-isolation=none');
  // Loaded with --import in a process that runs a test file directly.
  return argv.some((arg, i) =>
    arg === '--import'
      ? /node-test[\\/]setup/.test(argv[i + 1] ?? '')
      : /^--import=.*node-test[\\/]setup/.test(arg),
  );
}

function apply(): boolean {
  if (!runsTests()) return false;
  registerFrayAssertions();
  installFrayLeaks();
  return true;
}

/**
 * Whether this module registered the assertions and the leak checks (only where node:test
 * runs tests).
 *
 * @example
 * ```ts
 * import { setupApplied } from 'fray/node-test/setup';
 * ```
 */
export const setupApplied: boolean = apply();
