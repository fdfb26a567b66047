/**
 * Scenario files for `fray run` and `fray k6`: one TypeScript module (run by Node's own
 * type stripping) that says what to start, what to send, how hard, what must hold, and
 * which races to explore first.
 *
 * @module
 */
import type { CompareOptions } from './compare.ts';
import type { GateOptions, Gates } from './gates.ts';
import type { LoadOptions, RequestFunction, RequestSpec } from './options.ts';
import type { RouteCheck } from './route-check.ts';

/**
 * A scenario. Export it as the module's default (wrapped in {@link defineScenario} for
 * types), or export its fields by name (`export const app = …; export const gates = …`).
 *
 * The top-level code of a scenario module should only define things: with a URL target
 * the load worker imports the module again to find a request function.
 */
export interface Scenario {
  /** Shown in the summary and the report. Default: the file name. */
  readonly name?: string;
  /**
   * Builds the app under test, once per `fray run`: a Node `(req, res)` listener (Express,
   * Connect), an `http.Server`, a Koa app, a Fastify instance, a NestJS application, a
   * fetch handler (`(Request) => Response`, or an object with `fetch` such as Hono). It
   * may be async and may return `{ app, close }` to be shut down after the run.
   */
  readonly app?: () => unknown;
  /** Or load a server already running on loopback. Exclusive with `app`. */
  readonly target?: string;
  /**
   * How requests reach `app`: `'http'` (default) serves it on a loopback port and loads it
   * from a worker thread; `'inject'` calls it in-process through fray/http.
   */
  readonly transport?: 'http' | 'inject';
  /**
   * What to send: `{ method, path, json }`, a list (round-robin), or
   * `(client, i, context) => client.get('/users/' + i)` — the client has
   * `fetch` and `get/post/…(path, { json, query })` on both transports.
   */
  readonly request: RequestSpec | readonly RequestSpec[] | RequestFunction<any>;
  /** Closed model levels, e.g. `[10, 20, 50]`. */
  readonly concurrency?: LoadOptions['concurrency'];
  /** Open model: arrivals per second (or a list of rates). */
  readonly rate?: LoadOptions['rate'];
  readonly duration?: LoadOptions['duration'];
  readonly requests?: LoadOptions['requests'];
  readonly maxDuration?: LoadOptions['maxDuration'];
  readonly warmup?: LoadOptions['warmup'];
  readonly timeout?: LoadOptions['timeout'];
  readonly arrivals?: LoadOptions['arrivals'];
  readonly maxInFlight?: LoadOptions['maxInFlight'];
  readonly connections?: LoadOptions['connections'];
  /** Successful statuses (a number or a list; functions cannot cross into the worker). */
  readonly expectStatus?: number | readonly number[];
  readonly headers?: LoadOptions['headers'];
  readonly seed?: number;
  readonly validity?: LoadOptions['validity'];
  /** What must hold; `fray run` exits 1 when one does not. */
  readonly gates?: Gates;
  /** Confidence of the gates (default 0.95). */
  readonly gateOptions?: Pick<GateOptions, 'confidence' | 'allowInvalid'>;
  /**
   * Route checks run once the app is up, before the load: each request is sent once and
   * its status (and, if given, headers and JSON body) checked. A failing check fails the
   * run (exit 1). Default: none.
   */
  readonly checks?: readonly RouteCheck[];
  /**
   * Race checks run before the load: `explore()` option objects of fray/race, by name.
   * A check that finds a failing interleaving fails the run (exit 1) with its replay line —
   * unless it is marked `expect: 'race'`: a known race kept to demonstrate it (a naive code
   * path beside its fix), which passes when found and fails when fray cannot find it.
   */
  readonly races?: Readonly<Record<string, unknown>>;
  /**
   * Check with fray/leaks that the race checks, the route checks, the app's start-up, the
   * load and the app's shut-down leave nothing behind (timers, sockets, servers, floating
   * mock calls, unhandled rejections); leaks fail the run. Default `true`.
   */
  readonly leaks?: boolean;
  /** A saved report.json to compare with (also `fray run --baseline`); a regression fails the run. */
  readonly baseline?: string;
  /** How to compare with the baseline (metric, noise, confidence). */
  readonly compare?: Omit<CompareOptions, 'seed' | 'resamples'>;
}

/**
 * Type a scenario (identity at runtime).
 *
 * @example
 * ```ts
 * // load/users.scenario.ts
 * import { defineScenario } from 'fray/load';
 * import { createApp } from '../src/app.ts';
 *
 * export default defineScenario({
 *   app: () => createApp(),
 *   request: { method: 'GET', path: '/users' },
 *   concurrency: [10, 50],
 *   duration: '5s',
 *   gates: { p99: '< 50ms', errorRate: 0 },
 * });
 * ```
 */
export function defineScenario<const S extends Scenario>(scenario: S): S {
  return scenario;
}
