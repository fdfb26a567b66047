/**
 * The `toMeet` matcher for Vitest and Jest: `expect(report).toMeet({ p99: '< 50ms' })`
 * passes only when every gate holds on every level by its confidence bound (see
 * {@link checkGates}); the failure message lists each gate's verdict.
 *
 * @module
 */
import { checkGates, type GateOptions, type Gates, type GateResult } from './gates.ts';
import type { LevelReport, LoadReport } from './report.ts';

/** The subset of the Vitest/Jest matcher context `toMeet` uses. */
export interface LoadMatcherContext {
  isNot?: boolean;
}

/** What a matcher returns to the runner. */
export interface LoadMatcherResult {
  pass: boolean;
  message: () => string;
}

const MARK: Readonly<Record<GateResult['status'], string>> = { pass: '✓', fail: '✗', inconclusive: '?' };

/**
 * The load matchers, ready for `expect.extend(loadMatchers)`.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * import { load, loadMatchers } from 'fray/load';
 *
 * expect.extend(loadMatchers);
 * const report = await load(client, { request: { path: '/users' }, concurrency: 20, duration: '5s' });
 * expect(report).toMeet({ p99: '< 50ms', errorRate: 0, throughput: '>= 500/s' });
 * ```
 */
export const loadMatchers = {
  /** Every gate holds on every level (by its confidence bound), and every level is valid. */
  toMeet(
    this: LoadMatcherContext,
    received: LoadReport | LevelReport,
    gates: Gates,
    options?: GateOptions,
  ): LoadMatcherResult {
    const check = checkGates(received, gates, options);
    const lines = check.results.map((result) => `  ${MARK[result.status]} ${result.message}`).join('\n');
    const not = this.isNot === true ? 'not ' : '';
    return {
      pass: check.pass,
      message: () =>
        `expected the load report ${not}to meet its gates${check.pass ? '' : ' (✗ failed, ? inconclusive: not shown at the confidence asked)'}:\n${lines}`,
    };
  },
};

/** Type declarations of {@link loadMatchers}, for augmenting a runner's `expect`. */
export interface LoadMatchers<R = unknown> {
  /**
   * Assert that a load report (or one level) meets `gates`, judged by confidence bounds:
   * a percentile passes only when its bound is within the limit, and too few samples
   * never pass.
   */
  toMeet(gates: Gates, options?: GateOptions): R;
}
