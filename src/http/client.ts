/**
 * The client `inject()` returns: `fetch` semantics over in-memory exchanges with the app.
 *
 * Per request: resolve the URL and headers as fetch would, add the cookie jar's cookies,
 * consult the race controller (fray/race decides when the request starts), dispatch into
 * the app inside the caller's async context (so fray/di overrides and controlled mocks reach
 * the handler), follow redirects, store `Set-Cookie`, decode the body, and return a standard
 * `Response`. A single timer per client guards every request's time to first byte.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { activeController, natives } from '../control/index.ts';
import type { OverrideScope } from '../di/index.ts';
import {
  HttpClientClosedError,
  HttpLifespanError,
  HttpUsageError,
  HttpWebSocketUnsupportedError,
} from '../errors/index.ts';
import type { ResolvedApp } from './apps.ts';
import type { CookieJar } from './cookie-jar.ts';
import { Dispatcher } from './dispatcher.ts';
import { checkConnectionHeaders } from './fetch-refusals.ts';
import { mergeCookie } from './fetch-wire.ts';
import { Flight, type Prepared } from './flight.ts';
import { HeaderList } from './header-list.ts';
import { prepareRaw, type RawRequest, type RawResponse } from './raw-request.ts';
import { prepareBody, type PreparedBody } from './request-body.ts';
import { resolveTarget, type BaseURL } from './target-url.ts';
import type {
  InjectClient,
  InjectedAppInfo,
  InjectRequestInit,
  InjectVerbInit,
  LifespanHooks,
} from './types.ts';
import type { InjectedWebSocket, WebSocketOptions } from './websocket.ts';
import { connectWebSocket } from './websocket-connect.ts';
import { NativeRequest } from './web-globals.ts';

// Captured at module load: a test's fake timers must not stall closing.
const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;

// Methods whose name fetch upper-cases; any other method is sent as written.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Everything the client is made of; built by `inject()`. */
export interface ClientParts {
  readonly app: ResolvedApp;
  readonly base: BaseURL;
  readonly headers: HeaderList;
  readonly jar: CookieJar | undefined;
  readonly timeout: number;
  readonly scope: OverrideScope | undefined;
  readonly remoteAddress: string;
  readonly fetchHeaders: boolean;
  /** Shut the app down on close. */
  readonly stopApp: boolean;
  readonly hooks: LifespanHooks | undefined;
}

/** The client. Create it with `inject()`. */
export class Client implements InjectClient {
  readonly #parts: ClientParts;
  readonly #dispatcher: Dispatcher;
  readonly #sockets = new Set<InjectedWebSocket>();
  readonly #app: InjectedAppInfo;
  #closing: Promise<void> | undefined;
  /** The client's timeout, checked once. */
  readonly #defaultTimeout: number;
  /** Whether the client's default headers keep the connection alive (checked on first use). */
  #defaultKeepAlive: boolean | undefined = undefined;

  constructor(parts: ClientParts) {
    this.#parts = parts;
    this.#dispatcher = new Dispatcher(parts);
    this.#app = { kind: parts.app.kind, label: parts.app.label };
    this.#defaultTimeout = checkTimeout(parts.timeout);
  }

  get cookies(): CookieJar | undefined {
    return this.#parts.jar;
  }

  get baseURL(): string {
    return this.#parts.base.url.href;
  }

  get app(): InjectedAppInfo {
    return this.#app;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  get pending(): number {
    return this.#dispatcher.pending;
  }

  // Every method is an own bound function, so it works detached: `const { fetch } = client`,
  // or `client.fetch` handed to code that injects a fetch implementation and calls it plainly.
  readonly fetch = (input: string | URL | Request, init?: InjectRequestInit): Promise<Response> =>
    this.#request(input, init, undefined);

  readonly get = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'GET');

  readonly post = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'POST');

  readonly put = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'PUT');

  readonly patch = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'PATCH');

  readonly delete = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'DELETE');

  readonly head = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'HEAD');

  readonly options = (path: string | URL, init?: InjectVerbInit): Promise<Response> =>
    this.#request(path, init, 'OPTIONS');

  readonly request = (spec: RawRequest): Promise<RawResponse> => this.#raw(spec);

  readonly websocket = (path: string, options: WebSocketOptions = {}): Promise<InjectedWebSocket> =>
    this.#websocket(path, options);

  readonly close = (): Promise<void> => {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  };

  readonly [Symbol.asyncDispose] = (): Promise<void> => this.close();

  async #websocket(path: string, options: WebSocketOptions): Promise<InjectedWebSocket> {
    const parts = this.#parts;
    const url = resolveTarget(path, parts.base, undefined);
    if (this.#closing !== undefined) throw new HttpClientClosedError('GET', url.href, url.pathname, 'before');
    const server = parts.app.upgradeServer();
    if (server === undefined) throw new HttpWebSocketUnsupportedError(parts.app.label);
    const headers =
      options.headers === undefined ? parts.headers.clone() : withDefaults(parts.headers, options.headers);
    const cookie = parts.jar?.header(url.href);
    if (cookie !== undefined) headers.setTrusted('cookie', mergeCookie(headers.get('cookie'), cookie));
    const record: Record<string, string> = {};
    for (let i = 0; i < headers.names.length; i++)
      record[headers.names[i] as string] = headers.values[i] as string;
    const timeout = options.timeout ?? parts.timeout;
    const scope = parts.scope;
    const ws = await connectWebSocket({
      server,
      url: `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}${url.target}`,
      path: url.pathname,
      headers: record,
      protocols: typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []),
      timeout: timeout === 0 ? Infinity : timeout,
      perMessageDeflate: options.perMessageDeflate ?? false,
      remoteAddress: parts.remoteAddress,
      run: scope === undefined ? (fn) => fn() : (fn) => scope.run(fn),
      onSetCookie: (values) => parts.jar?.store(url.href, values),
    });
    this.#sockets.add(ws);
    void ws.closed.then(() => this.#sockets.delete(ws));
    return ws;
  }

  async #shutDown(): Promise<void> {
    const parts = this.#parts;
    await Promise.all([...this.#sockets].map((ws) => closeSocket(ws, parts.timeout)));
    this.#dispatcher.abortAll();
    if (!parts.stopApp) return;
    try {
      await parts.hooks?.shutdown?.();
      await parts.app.stop();
    } catch (error) {
      throw new HttpLifespanError('shutdown', parts.app.label, error);
    }
  }

  #request(
    input: string | URL | Request,
    init: InjectRequestInit | undefined,
    verb: string | undefined,
  ): Promise<Response> {
    let prepared: Prepared;
    try {
      prepared = this.#prepare(input, init, verb);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows fetch's synchronous TypeError or a FrayError unchanged
      return Promise.reject(error);
    }
    return this.#send(prepared);
  }

  #raw(spec: RawRequest): Promise<RawResponse> {
    let prepared: Prepared;
    try {
      const parts = this.#parts;
      const raw = prepareRaw(spec, parts.base, parts.headers, this.#dispatcher.mode);
      prepared = {
        method: raw.method,
        url: raw.url,
        headers: NO_HEADERS,
        keepAlive: true,
        body: raw.body,
        signal: raw.signal,
        redirect: 'manual',
        credentials: raw.cookies,
        timeout: checkTimeout(raw.timeout ?? parts.timeout),
        raw,
      };
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows a FrayError unchanged
      return Promise.reject(error);
    }
    return this.#send(prepared) as Promise<RawResponse>;
  }

  #send(prepared: Prepared): Promise<Response> {
    if (this.#closing !== undefined) {
      return Promise.reject(
        new HttpClientClosedError(prepared.method, prepared.url.href, prepared.url.pathname, 'before'),
      );
    }
    const controller = activeController();
    if (controller === undefined) return new Flight(this.#dispatcher, prepared).run(false);
    // A scheduler decides when the request starts; it then runs in the caller's context, so
    // the app's own controlled operations (mocks, nested requests) stay under control.
    const inCallerContext = AsyncLocalStorage.snapshot();
    return controller.run(
      {
        kind: 'http',
        label: `${prepared.method} ${prepared.url.pathname}`,
        args: [{ method: prepared.method, url: prepared.url.href }],
      },
      () => inCallerContext(() => new Flight(this.#dispatcher, prepared).run(true)),
    );
  }

  #prepare(
    input: string | URL | Request,
    init: InjectRequestInit | undefined,
    verb: string | undefined,
  ): Prepared {
    const parts = this.#parts;
    if (init === undefined && verb !== undefined && typeof input === 'string') {
      // `client.get('/path')`, the most common request: nothing to read from an init.
      const keepAlive = (this.#defaultKeepAlive ??=
        parts.headers.size === 0 || checkConnectionHeaders(parts.headers));
      return {
        method: verb,
        url: resolveTarget(input, parts.base, undefined),
        headers: parts.headers,
        keepAlive,
        body: NO_BODY,
        signal: undefined,
        redirect: 'follow',
        credentials: true,
        timeout: this.#defaultTimeout,
        raw: undefined,
      };
    }
    if (input instanceof NativeRequest) return this.#prepareFromRequest(input, init, verb);
    const options = init ?? EMPTY_INIT;
    const method = verb ?? normalizeMethod(options.method ?? 'GET');
    const url = resolveTarget(input, parts.base, options.query);
    const headers =
      options.headers === undefined || options.headers === null
        ? parts.headers
        : withDefaults(parts.headers, options.headers);
    const body =
      options.body === undefined &&
      options.json === undefined &&
      options.form === undefined &&
      !('json' in options)
        ? NO_BODY
        : prepareBody(
            {
              body: options.body,
              json: options.json,
              form: options.form,
              duplex: (options as { duplex?: string }).duplex,
              hasJson: 'json' in options && options.json !== undefined,
            },
            method,
          );
    return {
      method,
      url,
      headers,
      keepAlive: headers.size === 0 || checkConnectionHeaders(headers),
      body,
      signal: options.signal ?? undefined,
      redirect: options.redirect ?? 'follow',
      credentials: options.credentials !== 'omit',
      timeout: checkTimeout(options.timeout ?? parts.timeout),
      raw: undefined,
    };
  }

  #prepareFromRequest(
    input: Request,
    init: InjectRequestInit | undefined,
    verb: string | undefined,
  ): Prepared {
    const parts = this.#parts;
    const request =
      init === undefined && verb === undefined
        ? input
        : new NativeRequest(input, { ...init, ...(verb ? { method: verb } : {}) });
    const url = resolveTarget(request.url, parts.base, init?.query);
    const headers = withDefaults(parts.headers, request.headers);
    const body: PreparedBody | Promise<PreparedBody> =
      request.body === null
        ? NO_BODY
        : request.arrayBuffer().then((buffer) => ({
            body: { kind: 'bytes', bytes: new Uint8Array(buffer) },
            contentType: undefined,
          }));
    return {
      method: request.method,
      url,
      headers,
      keepAlive: headers.size === 0 || checkConnectionHeaders(headers),
      body,
      signal: request.signal,
      redirect: request.redirect,
      credentials: request.credentials !== 'omit',
      timeout: checkTimeout(init?.timeout ?? parts.timeout),
      raw: undefined,
    };
  }
}

const NO_BODY: PreparedBody = { body: null, contentType: undefined };
const NO_HEADERS = new HeaderList();
const EMPTY_INIT: InjectRequestInit = Object.freeze({});

function normalizeMethod(method: string): string {
  if (!METHOD_TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

function checkTimeout(timeout: number): number {
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new HttpUsageError(
      `timeout must be a number of milliseconds >= 0, got ${String(timeout)}.`,
      'pass e.g. { timeout: 10_000 }; 0 or Infinity disables the timeout.',
    );
  }
  return timeout === 0 ? Infinity : timeout;
}

/** The client's default headers, replaced by the request's own of the same name. */
function withDefaults(defaults: HeaderList, own: HeadersInit): HeaderList {
  const list = new HeaderList();
  list.appendAll(own);
  if (defaults.size === 0) return list;
  const merged = defaults.clone();
  for (let i = 0; i < list.names.length; i++)
    merged.setTrusted(list.names[i] as string, list.values[i] as string);
  return merged;
}

async function closeSocket(ws: InjectedWebSocket, timeout: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = realSetTimeout(resolve, Number.isFinite(timeout) ? timeout : 4_000);
  });
  await Promise.race([ws.close(1001, 'client closed'), limit]);
  realClearTimeout(timer);
  if (ws.readyState !== 3) ws.raw.terminate();
}
