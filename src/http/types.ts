/**
 * The public types of `fray/http`: the client `inject()` returns, its options and the
 * per-request init. Kept free of Node-specific types so a project without `@types/node`
 * type-checks against them.
 *
 * @module
 */
import type { OverridePairs } from '../di/index.ts';
import type { CookieJar } from './cookie-jar.ts';
import type { RawRequest, RawResponse } from './raw-request.ts';
import type { FormInit } from './request-body.ts';
import type { QueryInit } from './target-url.ts';
import type { InjectedWebSocket, WebSocketOptions } from './websocket.ts';

/**
 * Anything `inject()` accepts: a node `(req, res)` listener (Express, Connect, Koa's
 * `callback()`), a Koa app, a Fastify instance, an object with `.fetch` (Hono), a fetch
 * handler `(Request) => Response`, an `http.Server`, or a NestJS application. Checked at
 * run time (`FRAY_HTTP_UNSUPPORTED_APP`); typed loosely so every framework's own types fit.
 */
export type InjectableApp = object;

/** Start-up and shut-down code of your own, run around the app's. */
export interface LifespanHooks {
  /** Runs after the app's own start-up, before `inject()` resolves. */
  readonly startup?: () => unknown;
  /** Runs when the client is disposed, before the app's own shut-down. */
  readonly shutdown?: () => unknown;
}

/** Options of `inject(app, options)`. */
export interface InjectOptions<T extends readonly unknown[] = any[]> {
  /**
   * The URL requests are made against: its host is the `Host` header, its path prefixes
   * paths starting with `/`, `https:` makes `req.socket.encrypted` true (Express
   * `req.secure`, Koa `ctx.secure`). Default `http://localhost`.
   */
  readonly baseURL?: string | URL;
  /** Headers sent with every request; a request's own headers of the same name replace them. */
  readonly headers?: HeadersInit;
  /**
   * The cookie jar kept across requests, as a browser keeps one: `true` (default) for a new
   * jar, a `CookieJar` to share or inspect, a record of initial cookies, `false` for none.
   */
  readonly cookies?: boolean | CookieJar | Readonly<Record<string, string>>;
  /**
   * Milliseconds the app has to start responding (send status and headers) before the
   * request fails with `FRAY_HTTP_NO_RESPONSE`; streaming bodies are not limited. `0` or
   * `Infinity` disables it. Default 4,000 — below the 5 s test timeout of Vitest and Jest,
   * so the failure names the request rather than the test.
   */
  readonly timeout?: number;
  /**
   * fray/di overrides applied to every request of this client (and to the app's start-up):
   * `[[Db, testDb], [Clock, fixedClock]]`. An override active where a request is made wins
   * over the client's for the same token.
   */
  readonly overrides?: readonly [...OverridePairs<T>];
  /**
   * Start-up and shut-down. `true` (default): `inject()` readies the app (Fastify `ready()`,
   * Nest `init()`) and disposing the client shuts it down (Fastify `close()`, Nest
   * `close()`). With hooks, also runs yours. `false`: the app is still readied (it cannot
   * serve otherwise) but never shut down by the client.
   */
  readonly lifespan?: boolean | LifespanHooks;
  /**
   * How to read a bare function: `'node'` for `(req, res)`, `'fetch'` for
   * `(request) => Response`. Default `'auto'`: two or more declared parameters mean node.
   */
  readonly kind?: 'auto' | 'node' | 'fetch';
  /** The client address the app sees (`req.socket.remoteAddress`, `req.ip`). Default `127.0.0.1`. */
  readonly remoteAddress?: string;
  /**
   * Send the headers Node's `fetch` adds to every request (`accept: *\/*`,
   * `accept-language: *`, `sec-fetch-mode: cors`, `user-agent: node`,
   * `accept-encoding: gzip, deflate`), so the app sees what it sees from real `fetch`.
   * Compressed responses are decoded, as fetch does. Default `true`.
   */
  readonly fetchHeaders?: boolean;
}

/** `RequestInit` plus fray's shortcuts. */
export interface InjectRequestInit extends RequestInit {
  /** Send `JSON.stringify(json)` with `content-type: application/json` (unless set). */
  readonly json?: unknown;
  /** Append to the URL's query: `{ page: 2, tag: ['a', 'b'] }`; `undefined` values are skipped. */
  readonly query?: QueryInit;
  /** Send a form: url-encoded, or `multipart/form-data` when a value is a `Blob`/`File`. */
  readonly form?: FormInit;
  /** This request's timeout in ms (see `InjectOptions.timeout`). */
  readonly timeout?: number;
}

/** Init of the verb helpers (`client.get(path, init)`): everything but the method. */
export type InjectVerbInit = Omit<InjectRequestInit, 'method'>;

/** What `inject()` recognised. */
export interface InjectedAppInfo {
  /** `express`, `fastify`, `koa`, `nest`, `fetch-app`, `node-listener`… */
  readonly kind: string;
  /** For messages: `an Express app`. */
  readonly label: string;
}

/**
 * An in-process client for one app. Every request is dispatched into the app in memory —
 * no port, no socket — and answers with a standard `Response`.
 */
export interface InjectClient extends AsyncDisposable {
  /**
   * `fetch` semantics (redirects, `AbortSignal`, decoding, `Response`), answered by the app.
   * A path is resolved against `baseURL`; an absolute URL is dispatched into the app too.
   */
  fetch(input: string | URL | Request, init?: InjectRequestInit): Promise<Response>;
  get(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  post(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  put(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  patch(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  delete(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  head(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  options(path: string | URL, init?: InjectVerbInit): Promise<Response>;
  /**
   * A raw request, for what `fetch` refuses or rewrites: any method (`TRACE`), a path byte for
   * byte (`/static/../../etc/passwd`), header lines as written (duplicates, malformed ones,
   * `Transfer-Encoding`), a body on GET, HTTP/1.0. Node apps receive it through Node's own
   * HTTP parser. Answers the server's response as written (no redirects followed, no
   * decoding) with its header lines in `rawHeaders`.
   *
   * @example
   * ```ts
   * const res = await client.request({ path: '/static/../../etc/passwd' });
   * expect(res.status).toBe(404);
   * ```
   */
  request(spec: RawRequest): Promise<RawResponse>;
  /** Open an in-process WebSocket (apps with an `http.Server`: the server itself, Fastify, Nest). */
  websocket(path: string, options?: WebSocketOptions): Promise<InjectedWebSocket>;
  /** The cookie jar, or `undefined` when created with `{ cookies: false }`. */
  readonly cookies: CookieJar | undefined;
  /** The base URL requests resolve against. */
  readonly baseURL: string;
  /** What `inject()` recognised. */
  readonly app: InjectedAppInfo;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** Number of requests not yet settled (head not received, or body still streaming). */
  readonly pending: number;
  /**
   * Close the client: abort requests still running (their handlers see a closed
   * connection), close WebSockets (1001), then run shut-down. Idempotent.
   */
  close(): Promise<void>;
}
