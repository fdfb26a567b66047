/**
 * fray/load — concurrency and load runs with honest statistics: closed and open models,
 * HdrHistogram latencies in microseconds corrected for coordinated omission, errors by
 * kind, a generator that watches its own saturation, gates judged by confidence bounds,
 * comparisons with confidence intervals, interleaved A/B tests, and reports (JSON, HTML,
 * k6 export).
 *
 * @example
 * ```ts
 * import { expect, test } from 'vitest';
 * import { inject } from 'fray/http';
 * import { load, loadMatchers } from 'fray/load';
 *
 * expect.extend(loadMatchers);
 *
 * test('GET /users holds its p99 at 50 concurrent users', async () => {
 *   const report = await load(inject(app), {
 *     request: { method: 'GET', path: '/users' },
 *     concurrency: 50,
 *     duration: '3s',
 *   });
 *   expect(report).toMeet({ p99: '< 50ms', errorRate: 0 });
 * });
 * ```
 *
 * @module
 */
export { load, validateLoadOptions, type ClientOf } from './load.ts';
export { LOAD_OPTION_NAMES, plannedLevelLabels } from './options.ts';
export { abTest, type AbSide, type AbTestOptions, type AbTestResult } from './ab-test.ts';
export {
  assertComparableLevels,
  compare,
  validateCompareOptions,
  type CompareMethod,
  type CompareMetric,
  type CompareOptions,
  type Comparison,
  type LevelComparison,
  type Verdict,
} from './compare.ts';
export {
  checkGates,
  validateGateOptions,
  validateGates,
  type GateCheck,
  type GateOptions,
  type GateResult,
  type Gates,
  type GateValue,
} from './gates.ts';
export {
  loadMatchers,
  type LoadMatcherContext,
  type LoadMatcherResult,
  type LoadMatchers,
} from './matchers.ts';
export { LatencyHistogram, type Distribution, type LatencySummary } from './histogram.ts';
export {
  asLoadReport,
  levelHistogram,
  type LevelReport,
  type LoadReport,
  type ReportEnvironment,
  type RoundSummary,
} from './report.ts';
export { renderHtmlReport, type HtmlReportExtras } from './html-report.ts';
export {
  RUN_REPORT_FORMAT,
  RUN_REPORT_VERSION,
  type RaceCheckFailure,
  type RaceCheckSummary,
  type RaceClaim,
  type RaceExploration,
  type ReportedLeak,
  type RunReport,
} from './run-report.ts';
export {
  containsJson,
  runRouteChecks,
  validateRouteChecks,
  type RouteCheck,
  type RouteCheckSummary,
  type RouteExpectation,
} from './route-check.ts';
export { toK6, type K6Export, type K6Options } from './k6.ts';
export { defineScenario, type Scenario } from './scenario.ts';
export { progressFraction, type LoadProgress } from './progress.ts';
export type {
  ExpectStatus,
  LoadOptions,
  RequestContext,
  RequestFunction,
  RequestModule,
  RequestSpec,
  ValidityThresholds,
} from './options.ts';
export type { FetchClient, LoadFunction, LoadTarget } from './target.ts';
export type { UrlClient, UrlClientInit } from './http1/client-types.ts';
export type { GeneratorHealth, StopReason, TimelinePoint } from './recorder.ts';
export {
  formatMs,
  formatPercent,
  formatRate,
  parseDuration,
  parseRate,
  type Duration,
  type Rate,
} from './units.ts';
