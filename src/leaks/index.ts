/**
 * fray/leaks — per test, what a test left behind and the line that created it: mock
 * promises nobody awaited, unhandled rejections (attributed to the test whose async context
 * caused them, not the one running when they surface), timers, sockets, servers, child
 * processes and file handles still open at its end, and work still running after it ended.
 *
 * Turn it on through your runner — `setupFiles: ['fray/vitest/setup']`,
 * `node --import fray/node-test/setup --test`, or Jest's `testEnvironment:
 * 'fray/jest/environment'` — or call {@link enableLeakDetection} and
 * {@link checkLeaks} yourself.
 *
 * @example
 * ```ts
 * import { checkLeaks } from 'fray/leaks';
 *
 * const run = await checkLeaks(async () => {
 *   setInterval(poll, 1000); // forgotten
 * });
 * run.leaks[0]; // { check: 'timers', kind: 'interval', location: '…/poller.test.ts:4:3', … }
 * ```
 *
 * @module
 */
export {
  allowLeaks,
  assertNoLeaks,
  checkLeaks,
  disableLeakDetection,
  enableLeakDetection,
  leakDetector,
  untracked,
  type CheckedOutcome,
  type CheckedRun,
  type CheckLeaksOptions,
} from './api.ts';
export { collapseLeaks, type LeakGroup } from './collapse.ts';
export { LeakDetector } from './detector.ts';
export { TestRun, fileLeaksError, lateLeaksError, leaksError, type TestLeakResult } from './test-run.ts';
export {
  formatLateReport,
  formatTestReport,
  HINTS,
  type Leak,
  type LeakKind,
  type TestInfo,
} from './leak.ts';
export {
  DEFAULT_LEVELS,
  LEAK_CHECKS,
  levelsFromEnvironment,
  type AllowRule,
  type LeakCheck,
  type LeakLevel,
  type LeakLevels,
  type LeaksOptions,
  type ResolvedLeaksOptions,
} from './options.ts';
