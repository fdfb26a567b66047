/**
 * Declarative requests (`{ method, path, json }`): validation, and their two wire forms —
 * a `fetch(path, init)` call for in-process clients and ready HTTP/1.1 bytes for URLs.
 *
 * @module
 */
import { LoadOptionsError } from '../errors/index.ts';
import type { RawRequest } from './http1/prepare.ts';
import type { RequestModule, RequestSpec } from './options.ts';
import { describe } from './units.ts';

const SPEC_KEYS = new Set(['method', 'path', 'query', 'headers', 'json', 'body']);

/**
 * Whether `value` looks like a {@link RequestModule} (`{ module, export? }`).
 *
 * @example
 * ```ts
 * isRequestModule({ module: import.meta.url, export: 'request' }); // true
 * ```
 */
export function isRequestModule(value: unknown): value is RequestModule {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'module' in value &&
    (typeof value.module === 'string' || value.module instanceof URL)
  );
}

/**
 * Check a declarative request and throw a {@link LoadOptionsError} naming what is wrong.
 *
 * @example
 * ```ts
 * validateSpec({ method: 'POST', path: '/users', json: { name: 'a' } }, 'request');
 * ```
 */
export function validateSpec(spec: unknown, option: string): asserts spec is RequestSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new LoadOptionsError(
      option,
      `expected a request like { method, path }, got ${describe(spec)}.`,
      "write e.g. { method: 'GET', path: '/users' }.",
    );
  }
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.has(key)) {
      throw new LoadOptionsError(
        `${option}.${key}`,
        'is not a field of a request.',
        `use only ${[...SPEC_KEYS].join(', ')}.`,
      );
    }
  }
  const { path, method, json, body, headers, query } = spec as Record<string, unknown>;
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path)) {
    throw new LoadOptionsError(
      `${option}.path`,
      `expected a path starting with '/', got ${describe(path)}.`,
      "write the path relative to the target, e.g. '/users?page=2'.",
    );
  }
  if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) {
    throw new LoadOptionsError(
      `${option}.method`,
      `expected an HTTP method, got ${describe(method)}.`,
      "use e.g. 'GET' or 'POST'.",
    );
  }
  if (json !== undefined && body !== undefined) {
    throw new LoadOptionsError(option, 'has both json and body.', 'give one of them.');
  }
  if (body !== undefined && typeof body !== 'string') {
    throw new LoadOptionsError(
      `${option}.body`,
      `expected a string, got ${describe(body)}.`,
      'serialize the body to a string, or use json.',
    );
  }
  for (const [field, value] of [
    ['headers', headers],
    ['query', query],
  ] as const) {
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new LoadOptionsError(
        `${option}.${field}`,
        `expected an object, got ${describe(value)}.`,
        `write ${field} as { name: value }.`,
      );
    }
  }
}

function pathWithQuery(spec: RequestSpec): string {
  if (spec.query === undefined) return spec.path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(spec.query)) params.append(name, String(value));
  const text = params.toString();
  if (text === '') return spec.path;
  return `${spec.path}${spec.path.includes('?') ? '&' : '?'}${text}`;
}

function headerPairs(
  spec: RequestSpec,
  defaults: Readonly<Record<string, string>> | undefined,
): [string, string][] {
  const merged = new Map<string, [string, string]>();
  for (const source of [defaults, spec.headers]) {
    if (source === undefined) continue;
    for (const [name, value] of Object.entries(source)) merged.set(name.toLowerCase(), [name, String(value)]);
  }
  if (spec.json !== undefined && !merged.has('content-type'))
    merged.set('content-type', ['content-type', 'application/json']);
  return [...merged.values()];
}

function bodyText(spec: RequestSpec): string | undefined {
  if (spec.json !== undefined) return JSON.stringify(spec.json);
  return spec.body;
}

/**
 * The HTTP/1.1 form of a declarative request.
 *
 * @example
 * ```ts
 * specToRaw({ path: '/users', query: { page: 2 } }, undefined).path; // '/users?page=2'
 * ```
 */
export function specToRaw(
  spec: RequestSpec,
  defaults: Readonly<Record<string, string>> | undefined,
): RawRequest {
  const text = bodyText(spec);
  return {
    method: (spec.method ?? 'GET').toUpperCase(),
    path: pathWithQuery(spec),
    headers: headerPairs(spec, defaults),
    body: text === undefined ? undefined : Buffer.from(text, 'utf8'),
  };
}

/** A declarative request as the arguments of `client.fetch(path, init)`. */
export interface FetchCall {
  readonly path: string;
  readonly init: RequestInit;
}

/**
 * The `fetch(path, init)` form of a declarative request, for in-process clients.
 *
 * @example
 * ```ts
 * const { path, init } = specToFetch({ method: 'POST', path: '/users', json: { a: 1 } }, undefined);
 * ```
 */
export function specToFetch(
  spec: RequestSpec,
  defaults: Readonly<Record<string, string>> | undefined,
): FetchCall {
  const text = bodyText(spec);
  const init: RequestInit = {
    method: (spec.method ?? 'GET').toUpperCase(),
    headers: headerPairs(spec, defaults),
  };
  if (text !== undefined) init.body = text;
  return { path: pathWithQuery(spec), init };
}
