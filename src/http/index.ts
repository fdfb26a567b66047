/**
 * fray/http — an in-process HTTP client for every Node framework.
 *
 * `inject(app)` accepts Express, Connect, Koa, Fastify, Hono (any `.fetch` app), a fetch
 * handler, a node `(req, res)` listener, an `http.Server` and NestJS applications, and
 * answers `fetch`-style requests with standard `Response`s — without a port, without
 * patching the app or any prototype (an injected Express app and a real Express server run
 * side by side), with streaming bodies (SSE), in-process WebSockets, a cookie jar, timeouts
 * that name the request, `AbortSignal`s the handler sees as closed connections, start-up and
 * shut-down with `await using`, and fray/di overrides per client. `client.request()` sends what
 * `fetch` refuses — any method, a path byte for byte, header lines as written, a body on GET,
 * HTTP/1.0 — through Node's own HTTP parser.
 *
 * @example
 * ```ts
 * import { inject } from 'fray/http';
 *
 * await using client = await inject(app);
 * const res = await client.get('/health');
 * expect(res.status).toBe(200);
 * ```
 *
 * @module
 */
export { inject } from './inject.ts';
export type {
  InjectableApp,
  InjectClient,
  InjectedAppInfo,
  InjectOptions,
  InjectRequestInit,
  InjectVerbInit,
  LifespanHooks,
} from './types.ts';
export { CookieJar, type Cookie, type CookieAttributes, type CookieJarOptions } from './cookie-jar.ts';
export {
  InjectedWebSocket,
  type RawWebSocket,
  type WebSocketClose,
  type WebSocketMessage,
  type WebSocketOptions,
} from './websocket.ts';
export type { FormInit, FormValue } from './request-body.ts';
export type { RawRequest, RawResponse } from './raw-request.ts';
export type { QueryInit, QueryValue } from './target-url.ts';
