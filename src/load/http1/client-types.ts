/**
 * The public shape of the client a request function receives for a URL target, kept apart
 * from its implementation so fray/load's type declarations need nothing from Node's types.
 *
 * @module
 */

/** `RequestInit` plus the conveniences of fray's HTTP clients. */
export interface UrlClientInit extends RequestInit {
  /** A JSON body; sets `content-type: application/json`. */
  json?: unknown;
  /** Query parameters appended to the URL. */
  query?: Record<string, string | number | boolean>;
  /** A form body (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
}

/**
 * A fetch-compatible client bound to the target's origin, sending through fray's keep-alive
 * HTTP/1.1 pool: `fetch(input, init)` with WHATWG `Request`/`Response`, plus
 * `get/post/put/patch/delete/head/options(path, init)` accepting `json`, `query` and `form`
 * like fray/http's `inject` client — one request function works in-process and over a socket.
 *
 * @example
 * ```ts
 * await load('http://127.0.0.1:3000', {
 *   thread: 'main',
 *   request: (client: UrlClient, i) => client.post('/users', { json: { name: `user ${i}` } }),
 *   concurrency: 10,
 * });
 * ```
 */
export interface UrlClient {
  /** The origin this client talks to. */
  readonly origin: string;
  /** WHATWG fetch against the target; relative URLs resolve against its origin. */
  fetch(input: string | URL | Request, init?: UrlClientInit): Promise<Response>;
  get(path: string, init?: UrlClientInit): Promise<Response>;
  post(path: string, init?: UrlClientInit): Promise<Response>;
  put(path: string, init?: UrlClientInit): Promise<Response>;
  patch(path: string, init?: UrlClientInit): Promise<Response>;
  delete(path: string, init?: UrlClientInit): Promise<Response>;
  head(path: string, init?: UrlClientInit): Promise<Response>;
  options(path: string, init?: UrlClientInit): Promise<Response>;
}
