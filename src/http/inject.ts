/**
 * `inject(app, options)`: recognise the app, run its start-up, and return an in-process
 * client for it.
 *
 * @module
 */
import { overrideScope, type OverrideScope } from '../di/index.ts';
import { HttpLifespanError, HttpUnknownOptionError, HttpUsageError, unknownKey } from '../errors/index.ts';
import { resolveApp } from './apps.ts';
import { Client } from './client.ts';
import { CookieJar } from './cookie-jar.ts';
import { HeaderList } from './header-list.ts';
import { parseBaseURL } from './target-url.ts';
import type { InjectableApp, InjectClient, InjectOptions, LifespanHooks } from './types.ts';

const DEFAULT_TIMEOUT = 4_000;

// Every option of `inject()` (the record type makes leaving one out a compile error); any other
// key is refused as a typo.
const OPTION_KEYS: Record<keyof InjectOptions, true> = {
  baseURL: true,
  headers: true,
  cookies: true,
  timeout: true,
  overrides: true,
  lifespan: true,
  kind: true,
  remoteAddress: true,
  fetchHeaders: true,
};
const INJECT_OPTION_NAMES: readonly string[] = Object.keys(OPTION_KEYS);

/**
 * An in-process HTTP client for `app` — Express, Fastify, Koa, Hono, NestJS, Connect, a node
 * `(req, res)` listener, a fetch handler or an `http.Server` — with `fetch` semantics, no
 * port and no patching: requests go into the app in memory as a real `IncomingMessage` /
 * `ServerResponse` pair (or a `Request` for fetch handlers) and come back as a standard
 * `Response`, streamed. Resolves once the app has started (Fastify `ready()`, Nest
 * `init()`, your `lifespan.startup`); dispose the client to shut it down.
 *
 * @example
 * ```ts
 * import { inject } from 'fray/http';
 *
 * test('creates a user', async () => {
 *   await using client = await inject(app, { overrides: [[Db, testDb]] });
 *   const res = await client.post('/users', { json: { name: 'Ada' } });
 *   expect(res.status).toBe(201);
 *   expect(await res.json()).toMatchObject({ name: 'Ada' });
 * }); // the app is shut down here
 * ```
 */
export async function inject<T extends readonly unknown[] = any[]>(
  app: InjectableApp,
  options: InjectOptions<T> = {},
): Promise<InjectClient> {
  checkOptionNames(options);
  const resolved = resolveApp(app, checkKind(options.kind));
  const base = parseBaseURL(options.baseURL);
  const headers = new HeaderList();
  headers.appendAll(options.headers);
  const scope: OverrideScope | undefined =
    options.overrides === undefined ? undefined : overrideScope(options.overrides as never);
  const lifespan = options.lifespan ?? true;
  const jar = cookieJar(options.cookies, base.url);
  const timeout = checkTimeout(options.timeout);
  const hooks: LifespanHooks | undefined = typeof lifespan === 'object' ? lifespan : undefined;
  try {
    const start = async (): Promise<void> => {
      await resolved.start();
      await hooks?.startup?.();
    };
    await (scope === undefined ? start() : scope.run(start));
  } catch (error) {
    throw new HttpLifespanError('startup', resolved.label, error);
  }
  return new Client({
    app: resolved,
    base,
    headers,
    jar,
    timeout,
    scope,
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
    fetchHeaders: options.fetchHeaders ?? true,
    stopApp: lifespan !== false,
    hooks,
  });
}

function checkOptionNames(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HttpUsageError(
      `inject(): options must be an object, got ${Array.isArray(options) ? 'an array' : options === null ? 'null' : typeof options}.`,
      "inject(app, { baseURL: 'http://localhost', timeout: 4_000 })",
    );
  }
  const unknown = unknownKey(options, INJECT_OPTION_NAMES);
  if (unknown !== undefined)
    throw new HttpUnknownOptionError('inject()', unknown.key, unknown.closest, INJECT_OPTION_NAMES);
}

function cookieJar(option: InjectOptions['cookies'], url: URL): CookieJar | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return new CookieJar({ url });
  if (option instanceof CookieJar) {
    option.adopt(url);
    return option;
  }
  if (typeof option !== 'object' || option === null) {
    throw new HttpUsageError(
      `inject(): cookies must be a boolean, a CookieJar or a record of cookies, got ${typeof option}.`,
      "inject(app, { cookies: { session: 'abc' } })",
    );
  }
  const jar = new CookieJar({ url });
  for (const [name, value] of Object.entries(option)) jar.set(name, String(value));
  return jar;
}

function checkTimeout(timeout: number | undefined): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new HttpUsageError(
      `inject(): timeout must be a number of milliseconds >= 0, got ${String(timeout)}.`,
      'pass e.g. { timeout: 10_000 }; 0 or Infinity disables the timeout.',
    );
  }
  return timeout === 0 ? Infinity : timeout;
}

function checkKind(kind: InjectOptions['kind']): 'auto' | 'node' | 'fetch' {
  if (kind === undefined) return 'auto';
  if (kind === 'auto' || kind === 'node' || kind === 'fetch') return kind;
  throw new HttpUsageError(
    `inject(): kind must be 'auto', 'node' or 'fetch', got '${String(kind)}'.`,
    "inject(handler, { kind: 'fetch' })",
  );
}
