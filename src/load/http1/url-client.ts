/**
 * The client a request function receives for a URL target: `fetch(input, init)` with WHATWG
 * `Request`/`Response` objects plus `get/post/put/patch/delete/head/options(path, init)`
 * accepting `json`, `query` and `form` like fray/http's `inject` client — so one request
 * function works in-process and over a socket. Requests go through the load generator's
 * keep-alive pool.
 *
 * @module
 */
import type { UrlClient, UrlClientInit } from './client-types.ts';
import type { ConnectionPool } from './pool.ts';
import type { Endpoint, RequestHooks } from './types.ts';
import { prepareRequest } from './prepare.ts';

const NULL_BODY = new Set([101, 204, 205, 304]);

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The {@link UrlClient} over a {@link ConnectionPool}.
 *
 * @example
 * ```ts
 * const client = new PooledUrlClient(pool, endpoint, new URL('http://127.0.0.1:3000'));
 * const response = await client.post('/users', { json: { name: 'Ada' } });
 * ```
 */
export class PooledUrlClient implements UrlClient {
  readonly #pool: ConnectionPool;
  readonly #endpoint: Endpoint;
  readonly #base: URL;

  constructor(pool: ConnectionPool, endpoint: Endpoint, base: URL) {
    this.#pool = pool;
    this.#endpoint = endpoint;
    this.#base = base;
  }

  /** The origin this client talks to. */
  get origin(): string {
    return this.#base.origin;
  }

  /** WHATWG fetch against the target; relative URLs resolve against its origin. */
  async fetch(input: string | URL | Request, init: UrlClientInit = {}): Promise<Response> {
    let url: URL;
    let method = init.method;
    let headers = new Headers(init.headers);
    let body: Uint8Array | undefined;
    if (input instanceof Request) {
      url = new URL(input.url);
      method ??= input.method;
      const merged = new Headers(input.headers);
      headers.forEach((value, name) => merged.set(name, value));
      headers = merged;
      if (
        init.body === undefined &&
        init.json === undefined &&
        init.form === undefined &&
        input.body !== null
      ) {
        body = new Uint8Array(await input.arrayBuffer());
      }
    } else {
      url = new URL(input, this.#base);
    }
    if (url.origin !== this.#base.origin) {
      throw new TypeError(`this client only talks to ${this.#base.origin}, not ${url.origin}`);
    }
    if (init.query !== undefined) {
      for (const [name, value] of Object.entries(init.query)) url.searchParams.append(name, String(value));
    }
    method = (method ?? 'GET').toUpperCase();
    if (init.json !== undefined) {
      body = Buffer.from(JSON.stringify(init.json));
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    } else if (init.form !== undefined) {
      body = Buffer.from(new URLSearchParams(init.form).toString());
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (init.body !== undefined && init.body !== null) {
      if (typeof init.body === 'string') body = Buffer.from(init.body);
      else if (init.body instanceof Uint8Array) body = init.body;
      else {
        // Any other BodyInit (FormData, Blob, URLSearchParams, streams): let Request serialize it.
        const serialized = new Request(url, {
          method: method === 'GET' || method === 'HEAD' ? 'POST' : method,
          body: init.body,
          duplex: 'half',
        } as RequestInit);
        body = new Uint8Array(await serialized.arrayBuffer());
        const type = serialized.headers.get('content-type');
        if (type !== null && !headers.has('content-type')) headers.set('content-type', type);
      }
    }
    const pairs: [string, string][] = [];
    headers.forEach((value, name) => pairs.push([name, value]));
    const prepared = prepareRequest(this.#endpoint, {
      method,
      path: `${url.pathname}${url.search}`,
      headers: pairs,
      body,
    });
    const signal = init.signal ?? undefined;
    if (signal?.aborted === true) throw abortError(signal);
    const hooks: RequestHooks = { sentAt: undefined, cancel: undefined };
    const pending = this.#pool.request(prepared, true, hooks);
    let parsed;
    if (signal === undefined) parsed = await pending;
    else {
      const onAbort = (): void => hooks.cancel?.();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        parsed = await Promise.race([
          pending,
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(abortError(signal) as Error), { once: true }),
          ),
        ]);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    }
    if (parsed.status < 200 || parsed.status > 599) {
      throw new TypeError(`unsupported response status ${parsed.status} from ${url.href}`);
    }
    const responseHeaders = new Headers();
    for (const [name, value] of parsed.headers) {
      try {
        responseHeaders.append(name, value);
      } catch {
        // A header the WHATWG Headers class refuses is dropped, as fetch would.
      }
    }
    const payload = NULL_BODY.has(parsed.status) || method === 'HEAD' ? null : Buffer.concat(parsed.body);
    return new Response(payload, {
      status: parsed.status,
      statusText: parsed.statusText,
      headers: responseHeaders,
    });
  }

  /** `GET path`. */
  get(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'GET' });
  }
  /** `POST path`. */
  post(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'POST' });
  }
  /** `PUT path`. */
  put(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'PUT' });
  }
  /** `PATCH path`. */
  patch(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'PATCH' });
  }
  /** `DELETE path`. */
  delete(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'DELETE' });
  }
  /** `HEAD path`. */
  head(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'HEAD' });
  }
  /** `OPTIONS path`. */
  options(path: string, init: UrlClientInit = {}): Promise<Response> {
    return this.fetch(path, { ...init, method: 'OPTIONS' });
  }
}
