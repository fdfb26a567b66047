/**
 * `fray/vitest/setup` — list it in `test.setupFiles` and every test file gets fray's
 * matchers (`toHaveBeenAwaited`…), fray mocks numbered on Vitest's spy clock (so
 * `toHaveBeenCalledBefore` compares them with `vi.fn()` spies) and fray/leaks (each test
 * fails with `FRAY_LEAKS_FOUND` when it leaves something behind).
 *
 * Levels come from `FRAY_LEAKS` (`FRAY_LEAKS=timers=warn,lateActivity=off`) and from
 * `test.provide: { frayLeaks: { checks, allow } }` in the Vitest config; for functions or
 * regular expressions in the allow-list, write your own setup file calling
 * `installFrayLeaks()` from `fray/vitest` instead.
 *
 * Imported outside a Vitest run it does nothing and `setupApplied` is `false`.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({
 *   test: {
 *     setupFiles: ['fray/vitest/setup'],
 *     provide: { frayLeaks: { checks: { lateActivity: 'warn' }, allow: ['node_modules/pg-pool'] } },
 *   },
 * });
 * ```
 *
 * @module
 */
import { useVitestCallOrder } from './call-order.ts';
import { frayMatchers } from './index.ts';
import { installFrayLeaks } from './install-leaks.ts';
import { warnAboutParallelLoad } from './parallel-load.ts';
import { insideVitest, vitest } from './runtime.ts';

// Captured at module load so a test's console stub cannot swallow fray's one warning.
const consoleWarn = console.warn.bind(console);

function apply(): boolean {
  if (!insideVitest()) return false;
  const { expect, aroundEach } = vitest('fray/vitest/setup');
  expect.extend(frayMatchers);
  // fray mocks and vi.fn() spies numbered on one clock (toHaveBeenCalledBefore); for the run.
  useVitestCallOrder();
  const config = (globalThis as { __vitest_worker__?: { config?: { maxWorkers?: unknown } } })
    .__vitest_worker__?.config;
  warnAboutParallelLoad(typeof config?.maxWorkers === 'number' ? config.maxWorkers : 1);
  if (typeof aroundEach !== 'function') {
    // Vitest before 4.1: the matchers work, the leak checks cannot attach.
    consoleWarn(
      'fray/vitest/setup: fray/leaks needs Vitest 4.1 or later (aroundEach); only the matchers are on.',
    );
    return true;
  }
  installFrayLeaks();
  return true;
}

/**
 * Whether this module registered the matchers and the leak checks (it only does inside a
 * Vitest run).
 *
 * @example
 * ```ts
 * import { setupApplied } from 'fray/vitest/setup';
 * if (!setupApplied) console.warn('fray: not running under Vitest');
 * ```
 */
export const setupApplied: boolean = apply();
