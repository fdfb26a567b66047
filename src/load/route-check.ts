/**
 * Route checks: before a scenario's load, send each declared request once and check the
 * answer — status, headers, and a JSON body that must contain what is expected. A load run
 * on an app whose routes answer 500 measures nothing worth gating.
 *
 * @module
 */
import { LoadOptionsError } from '../errors/index.ts';
import type { RequestSpec } from './options.ts';
import { specToFetch, validateSpec } from './request.ts';
import type { FetchClient } from './target.ts';

/** What a route check expects back. */
export interface RouteExpectation {
  /** The status, or any of several. */
  readonly status: number | readonly number[];
  /**
   * A JSON value the body must contain: objects may have more keys than given, arrays must
   * have the same length and contain each element in order, other values must be equal.
   * Default: the body is not looked at.
   */
  readonly json?: unknown;
  /** Headers that must be present with these values (names case-insensitive). Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route check of a scenario. */
export interface RouteCheck {
  /** Shown in the summary. Default: `METHOD path`. */
  readonly name?: string;
  /** The request, as in a scenario's `request`. */
  readonly request: RequestSpec;
  /** What must come back. */
  readonly expect: RouteExpectation;
}

/** The outcome of one route check. */
export interface RouteCheckSummary {
  readonly name: string;
  readonly status: 'passed' | 'failed';
  /** One line: the status and time, or what differed. */
  readonly detail: string;
  /** Time to the full response body, ms. */
  readonly ms: number;
}

/** Throw a coded error unless `checks` is a list of route checks. */
export function validateRouteChecks(checks: unknown): asserts checks is readonly RouteCheck[] {
  const fix = "write checks: [{ request: { method: 'GET', path: '/health' }, expect: { status: 200 } }].";
  if (!Array.isArray(checks)) throw new LoadOptionsError('checks', 'must be a list of route checks.', fix);
  checks.forEach((check: unknown, i) => {
    const where = `checks[${i}]`;
    if (typeof check !== 'object' || check === null)
      throw new LoadOptionsError(where, 'is not an object.', fix);
    const { request, expect } = check as { request?: unknown; expect?: unknown };
    validateSpec(request, `${where}.request`);
    const status = (expect as { status?: unknown } | undefined)?.status;
    const statuses = Array.isArray(status) ? (status as unknown[]) : [status];
    if (
      statuses.length === 0 ||
      !statuses.every((s) => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599)
    ) {
      throw new LoadOptionsError(`${where}.expect.status`, 'must be an HTTP status or a list of them.', fix);
    }
  });
}

/** Whether `actual` contains `expected` (see {@link RouteExpectation.json}). */
export function containsJson(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => containsJson(item, actual[i]))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(
      ([key, value]) =>
        Object.hasOwn(actual, key) && containsJson(value, (actual as Record<string, unknown>)[key]),
    );
  }
  return Object.is(expected, actual);
}

function describeCheck(check: RouteCheck): string {
  return check.name ?? `${(check.request.method ?? 'GET').toUpperCase()} ${check.request.path}`;
}

async function runOne(client: FetchClient, check: RouteCheck, now: () => number): Promise<RouteCheckSummary> {
  const name = describeCheck(check);
  const { path, init } = specToFetch(check.request, undefined);
  const started = now();
  let response: Response;
  let text: string;
  try {
    response = await client.fetch(path, init);
    text = await response.text();
  } catch (error) {
    const ms = now() - started;
    return {
      name,
      status: 'failed',
      detail: `request failed: ${error instanceof Error ? error.message : String(error)}`,
      ms,
    };
  }
  const ms = now() - started;
  const wanted = Array.isArray(check.expect.status) ? check.expect.status : [check.expect.status];
  const problems: string[] = [];
  if (!wanted.includes(response.status))
    problems.push(`status ${response.status}, expected ${wanted.join(' or ')}`);
  for (const [header, value] of Object.entries(check.expect.headers ?? {})) {
    const got = response.headers.get(header);
    if (got !== value)
      problems.push(
        `header ${header}: ${got === null ? 'missing' : JSON.stringify(got)}, expected ${JSON.stringify(value)}`,
      );
  }
  if (check.expect.json !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    if (body === undefined) problems.push(`body is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    else if (!containsJson(check.expect.json, body)) {
      problems.push(
        `body ${JSON.stringify(body).slice(0, 160)} does not contain ${JSON.stringify(check.expect.json)}`,
      );
    }
  }
  return problems.length === 0
    ? { name, status: 'passed', detail: `${response.status} in ${ms.toFixed(1)} ms`, ms }
    : { name, status: 'failed', detail: problems.join('; '), ms };
}

/**
 * Run route checks one after the other (in order: a check may create what the next reads).
 *
 * @example
 * ```ts
 * const results = await runRouteChecks(client, [
 *   { request: { path: '/health' }, expect: { status: 200, json: { status: 'ok' } } },
 * ]);
 * results.every((r) => r.status === 'passed');
 * ```
 */
export async function runRouteChecks(
  client: FetchClient,
  checks: readonly RouteCheck[],
  now: () => number = () => performance.now(),
): Promise<RouteCheckSummary[]> {
  const results: RouteCheckSummary[] = [];
  for (const check of checks) results.push(await runOne(client, check, now));
  return results;
}
