/**
 * Export a scenario as a k6 script (and optionally a k6-operator `TestRun`), for load past
 * what one machine can generate. k6 and k6-operator are the distributed engine; fray does
 * not build its own. Levels become k6 scenarios run one after the other (`constant-vus`
 * for concurrency, `constant-arrival-rate` for rates), warm-ups become untagged scenarios,
 * and gates become per-level thresholds.
 *
 * @module
 */
import { LoadOptionsError } from '../errors/index.ts';
import { planLoad, type PlannedLevel } from './options.ts';
import { validateSpec } from './request.ts';
import type { Scenario } from './scenario.ts';
import { parseDuration, parseProportion, parseRate, splitComparison } from './units.ts';
import type { RequestSpec } from './options.ts';
import { validateGates } from './gates.ts';

/** Options of {@link toK6}. */
export interface K6Options {
  /** The URL k6 loads (overridable at run time with `-e BASE_URL=…`). Default the scenario's `target`, else `http://127.0.0.1:3000`. */
  readonly baseUrl?: string;
  /** Name of the script file, used in the TestRun manifest. Default `fray-load.js`. */
  readonly scriptName?: string;
  /** k6-operator: also produce a `TestRun` manifest with this many parallel runners (1–1,000). */
  readonly parallelism?: number;
  /** Where the scenario came from, for the header comment. */
  readonly source?: string;
}

/** The exported files. */
export interface K6Export {
  /** The k6 script (JavaScript). */
  readonly script: string;
  /** The k6-operator TestRun manifest (YAML), when `parallelism` was given. */
  readonly testRun: string | undefined;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

function k6Name(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 50) || 'fray-load'
  );
}

function thresholdsFor(
  gates: Readonly<Record<string, unknown>>,
  tag: string,
  open: boolean,
): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  const add = (metric: string, expression: string): void => {
    (thresholds[`${metric}{${tag}}`] ??= []).push(expression);
  };
  for (const [name, raw] of Object.entries(gates)) {
    if (raw === undefined) continue;
    const { op: parsedOp, operand } =
      typeof raw === 'string' ? splitComparison(raw) : { op: undefined, operand: '' };
    const value: unknown =
      typeof raw === 'number' ? raw : /^\d+(\.\d+)?$/.test(operand) ? Number(operand) : operand;
    const percentile = /^p(\d+)$/.exec(name);
    if (percentile !== null || name === 'max' || name === 'mean') {
      const op = parsedOp ?? '<=';
      const ms = Number(parseDuration(value, name).toFixed(3));
      let stat = name === 'max' ? 'max' : name === 'mean' ? 'avg' : '';
      if (percentile !== null) {
        const digits = percentile[1] ?? '';
        stat = `p(${digits.length <= 2 ? digits : `${digits.slice(0, 2)}.${digits.slice(2)}`})`;
      }
      add('http_req_duration', `${stat}${op}${ms}`);
    } else if (name === 'errorRate') {
      add('http_req_failed', `rate${parsedOp ?? '<='}${parseProportion(value, name)}`);
    } else if (name === 'successRate') {
      const op = parsedOp ?? '>=';
      const flipped = op === '>=' ? '<=' : op === '>' ? '<' : op === '<=' ? '>=' : '>';
      add('http_req_failed', `rate${flipped}${Number((1 - parseProportion(value, name)).toFixed(9))}`);
    } else if (name === 'throughput') {
      add('http_reqs', `rate${parsedOp ?? '>='}${Number(parseRate(value, name).toFixed(3))}`);
    } else if (name === 'dropped' && open) {
      add('dropped_iterations', `count${parsedOp ?? '<='}${Number(value)}`);
    }
  }
  return thresholds;
}

function levelScenario(
  level: PlannedLevel,
  durationMs: number | undefined,
  requests: number | undefined,
  timeLimitMs: number,
  maxInFlight: number,
): Record<string, unknown> {
  if ('concurrency' in level) {
    if (durationMs === undefined && requests !== undefined) {
      return {
        executor: 'shared-iterations',
        vus: level.concurrency,
        iterations: requests,
        maxDuration: seconds(timeLimitMs),
      };
    }
    return { executor: 'constant-vus', vus: level.concurrency, duration: seconds(durationMs ?? timeLimitMs) };
  }
  const whole = Number.isInteger(level.rate);
  const duration =
    durationMs ??
    (requests === undefined ? timeLimitMs : Math.min(timeLimitMs, (requests / level.rate) * 1000));
  return {
    executor: 'constant-arrival-rate',
    rate: whole ? level.rate : Math.max(1, Math.round(level.rate * 60)),
    timeUnit: whole ? '1s' : '1m',
    duration: seconds(duration),
    preAllocatedVUs: Math.min(maxInFlight, Math.max(1, Math.ceil(level.rate / 10))),
    maxVUs: maxInFlight,
  };
}

function levelLength(scenario: Record<string, unknown>): number {
  return parseDuration(scenario['duration'] ?? scenario['maxDuration'] ?? '0s', 'duration');
}

/**
 * Translate a scenario into a k6 script.
 *
 * @example
 * ```ts
 * const { script } = toK6(scenario, { baseUrl: 'https://staging.example.com' });
 * await writeFile('load.js', script); // then: k6 run load.js
 * ```
 */
export function toK6(scenario: Scenario, options: K6Options = {}): K6Export {
  if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario)) {
    throw new LoadOptionsError(
      'scenario',
      `expected a scenario object, got ${scenario === null ? 'null' : Array.isArray(scenario) ? 'an array' : typeof scenario}.`,
      "pass the object given to defineScenario(), e.g. toK6({ request: { path: '/' }, concurrency: 10, duration: '30s' }).",
    );
  }
  if (typeof scenario.request === 'function') {
    throw new LoadOptionsError(
      'request',
      'a request function cannot be translated to a k6 script.',
      'describe the requests declaratively ({ method, path, json } or a list of them) to export them to k6.',
    );
  }
  const specs: readonly RequestSpec[] = Array.isArray(scenario.request)
    ? (scenario.request as readonly RequestSpec[])
    : [scenario.request as RequestSpec];
  if (specs.length === 0)
    throw new LoadOptionsError('request', 'is an empty list.', 'list at least one request.');
  specs.forEach((spec, i) =>
    validateSpec(spec, Array.isArray(scenario.request) ? `request[${i}]` : 'request'),
  );
  if (scenario.gates !== undefined) validateGates(scenario.gates);
  const plan = planLoad({
    ...(scenario.concurrency === undefined ? {} : { concurrency: scenario.concurrency }),
    ...(scenario.rate === undefined ? {} : { rate: scenario.rate }),
    ...(scenario.duration === undefined ? {} : { duration: scenario.duration }),
    ...(scenario.requests === undefined ? {} : { requests: scenario.requests }),
    ...(scenario.maxDuration === undefined ? {} : { maxDuration: scenario.maxDuration }),
    ...(scenario.warmup === undefined ? {} : { warmup: scenario.warmup }),
    ...(scenario.timeout === undefined ? {} : { timeout: scenario.timeout }),
    ...(scenario.maxInFlight === undefined ? {} : { maxInFlight: scenario.maxInFlight }),
    seed: 0,
  });
  const baseUrl = options.baseUrl ?? scenario.target ?? 'http://127.0.0.1:3000';
  try {
    new URL(baseUrl);
  } catch {
    throw new LoadOptionsError(
      'baseUrl',
      `'${baseUrl}' is not a URL.`,
      "pass an absolute URL like 'https://staging.example.com'.",
    );
  }
  const scenarios: Record<string, Record<string, unknown>> = {};
  let thresholds: Record<string, string[]> = {};
  let start = 0;
  const gracefulMs = plan.timeoutMs;
  plan.levels.forEach((level, i) => {
    const label =
      'concurrency' in level ? `c${level.concurrency}` : `r${String(level.rate).replace('.', '_')}`;
    const name = `level_${i}_${label}`;
    // fray's own default warm-up (a JIT warm-up of the generator's process) is not exported.
    if (plan.warmup !== undefined && !plan.warmup.byDefault) {
      const warm =
        'durationMs' in plan.warmup
          ? levelScenario(level, plan.warmup.durationMs, undefined, plan.warmup.durationMs, plan.maxInFlight)
          : levelScenario(level, undefined, plan.warmup.requests, plan.timeLimitMs, plan.maxInFlight);
      scenarios[`warmup_${i}_${label}`] = {
        ...warm,
        startTime: seconds(start),
        gracefulStop: seconds(gracefulMs),
        tags: { phase: 'warmup' },
      };
      start += levelLength(warm) + gracefulMs;
    }
    const measured = levelScenario(level, plan.durationMs, plan.requests, plan.timeLimitMs, plan.maxInFlight);
    scenarios[name] = {
      ...measured,
      startTime: start === 0 ? '0s' : seconds(start),
      gracefulStop: seconds(gracefulMs),
      tags: { phase: 'measure', level: name },
    };
    start += levelLength(measured) + gracefulMs;
    if (scenario.gates !== undefined)
      thresholds = {
        ...thresholds,
        ...thresholdsFor(scenario.gates as Record<string, unknown>, `level:${name}`, plan.model === 'open'),
      };
  });
  const requests = specs.map((spec) => {
    const headers: Record<string, string> = { ...(scenario.headers ?? {}), ...(spec.headers ?? {}) };
    if (spec.json !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    let path = spec.path;
    if (spec.query !== undefined) {
      const query = new URLSearchParams(
        Object.entries(spec.query).map(([k, v]) => [k, String(v)]),
      ).toString();
      if (query !== '') path += `${path.includes('?') ? '&' : '?'}${query}`;
    }
    const body = spec.json !== undefined ? JSON.stringify(spec.json) : (spec.body ?? null);
    return { method: (spec.method ?? 'GET').toUpperCase(), path, body, headers };
  });
  const statuses =
    scenario.expectStatus === undefined
      ? undefined
      : typeof scenario.expectStatus === 'number'
        ? [scenario.expectStatus]
        : [...scenario.expectStatus];
  const name = scenario.name ?? 'fray load';
  const timeoutSeconds = `${Math.ceil(plan.timeoutMs / 1000)}s`;
  const script = `// k6 script exported by \`fray k6\`${options.source === undefined ? '' : ` from ${options.source}`} — ${name}
//
//   k6 run ${options.scriptName ?? 'fray-load.js'}                      # one machine
//   k6 run -e BASE_URL=https://staging.example.com ${options.scriptName ?? 'fray-load.js'}
//   kubectl apply -f <TestRun manifest from \`fray k6 --parallelism N\`>   # k6-operator, N machines
//
// Levels run one after the other as k6 scenarios; thresholds are per level (tag \`level\`).
// Note: k6 judges thresholds on point estimates; fray's gates use confidence bounds, so a
// run can pass here with fewer samples than \`fray run\` would accept.
import http from 'k6/http';
import exec from 'k6/execution';

const BASE_URL = (__ENV.BASE_URL || ${JSON.stringify(baseUrl.replace(/\/$/, ''))}).replace(/\\/$/, '');
const REQUESTS = ${JSON.stringify(requests, null, 2)};
${statuses === undefined ? '' : `\nhttp.setResponseCallback(http.expectedStatuses(${statuses.join(', ')}));\n`}
export const options = ${JSON.stringify({ scenarios, thresholds, summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max'] }, null, 2)};

export default function () {
  const request = REQUESTS[exec.scenario.iterationInTest % REQUESTS.length];
  http.request(request.method, BASE_URL + request.path, request.body, {
    headers: request.headers,
    timeout: ${JSON.stringify(timeoutSeconds)},
  });
}
`;
  let testRun: string | undefined;
  if (options.parallelism !== undefined) {
    if (!Number.isInteger(options.parallelism) || options.parallelism < 1 || options.parallelism > 1000) {
      throw new LoadOptionsError(
        'parallelism',
        `expected a whole number from 1 to 1,000, got ${String(options.parallelism)}.`,
        'pass e.g. --parallelism 4.',
      );
    }
    const id = k6Name(name);
    const file = options.scriptName ?? 'fray-load.js';
    testRun = `# k6-operator TestRun exported by \`fray k6\` — ${name}
# 1. kubectl create configmap ${id}-script --from-file=${file}
# 2. kubectl apply -f this-file.yaml
# The operator splits VUs and arrival rates across the ${options.parallelism} runners (execution segments).
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: ${id}
spec:
  parallelism: ${options.parallelism}
  script:
    configMap:
      name: ${id}-script
      file: ${file}
  arguments: --env BASE_URL=${baseUrl}
`;
  }
  return { script, testRun };
}
