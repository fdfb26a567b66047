/**
 * One `client.fetch()` in flight: the exchanges it makes (one per redirect hop), its
 * deadline, its `AbortSignal`, the cookies it stores and the `Response` it finally returns —
 * fetch's "main fetch" and "HTTP-redirect fetch" steps. One object per request carries all
 * of it (it is the deadline target, the abort listener and the exchanges' owner), so a
 * request allocates no closures.
 *
 * @module
 */
import { HttpNoResponseError } from '../errors/index.ts';
import type { CookieJar } from './cookie-jar.ts';
import type { Deadline, Deadlines } from './deadlines.ts';
import type { FetchExchange } from './fetch-exchange.ts';
import { type HeaderList } from './header-list.ts';
import type { PreparedRaw } from './raw-request.ts';
import { rawResponse, rawSetCookies } from './raw-response.ts';
import { rawWire } from './raw-request.ts';
import {
  SocketExchange,
  type ExchangeOwner,
  type ParsedResponse,
  type WireRequest,
} from './socket-exchange.ts';
import type { PreparedBody, RequestBody } from './request-body.ts';
import {
  buildResponse,
  decodeBody,
  markFetched,
  NULL_BODY_STATUS,
  REDIRECT_STATUS,
} from './response-build.ts';
import { fetchWire } from './fetch-wire.ts';
import { resolveLocation, type TargetURL } from './target-url.ts';
import { NativeResponse } from './web-globals.ts';

/** An exchange with the app, node or fetch. */
export type Exchange = SocketExchange | FetchExchange;

/** A request after the synchronous part of fetch's steps. */
export interface Prepared {
  readonly method: string;
  readonly url: TargetURL;
  readonly headers: HeaderList;
  /** `false` when the request says `connection: close`: the server closes after the response. */
  readonly keepAlive: boolean;
  readonly body: PreparedBody | Promise<PreparedBody>;
  readonly signal: AbortSignal | undefined;
  readonly redirect: RequestRedirect;
  /** `false` for `credentials: 'omit'`: the jar is neither read nor written. */
  readonly credentials: boolean;
  /** Milliseconds to the response head; `Infinity` for none. */
  readonly timeout: number;
  /** A raw request (`client.request()`): sent as written, answered as the server wrote it. */
  readonly raw: PreparedRaw | undefined;
}

/** What a flight needs from its client. */
export interface FlightHost {
  readonly deadlines: Deadlines;
  readonly jar: CookieJar | undefined;
  readonly fetchHeaders: boolean;
  readonly mode: 'node' | 'fetch';
  /** Create the exchange for `wire` and track it. */
  open(wire: WireRequest, owner: ExchangeOwner): Exchange;
  /** Dispatch an opened exchange into the app (at once when `controlled`). */
  start(exchange: Exchange, controlled: boolean): void;
  /** Stop tracking a settled exchange. */
  forget(exchange: Exchange): void;
  /** The transport headers of a request without headers or body to `host` (cached). */
  transportCache(host: string, emptyPayload: boolean): string[];
}

const MAX_REDIRECTS = 20;
// Removed when a redirect turns the request into a GET (fetch's request-body-header names).
const BODY_HEADERS = [
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
  'content-length',
];
const CROSS_ORIGIN_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];
const EMPTY: string[] = [];

type Answer = ParsedResponse | Response;

/** One `fetch()` call, from dispatch to the returned `Response` (and the end of its body). */
export class Flight implements ExchangeOwner {
  readonly #host: FlightHost;
  readonly #prepared: Prepared;
  #method: string;
  #url: TargetURL;
  #headers: HeaderList;
  #body: RequestBody | null = null;
  #contentType: string | undefined = undefined;
  #redirects = 0;
  #controlled = false;
  #resolve!: (response: Response) => void;
  #reject!: (reason: unknown) => void;
  #done = false;
  #current: Exchange | undefined = undefined;
  #timedOut: HttpNoResponseError | undefined = undefined;
  #deadline: Deadline | undefined = undefined;
  /** The abort listener stays after the response while a node body streams. */
  #listening = false;
  #streaming: Exchange | undefined = undefined;

  constructor(host: FlightHost, prepared: Prepared) {
    this.#host = host;
    this.#prepared = prepared;
    this.#method = prepared.method;
    this.#url = prepared.url;
    this.#headers = prepared.headers;
  }

  /**
   * Run the request; `controlled` when a race controller started it (no extra turn). The
   * flight is driven by its exchanges' callbacks rather than by `await`: one promise per
   * request, settled in the same turn the app answers.
   */
  run(controlled: boolean): Promise<Response> {
    const { promise, resolve, reject } = Promise.withResolvers<Response>();
    this.#resolve = resolve;
    this.#reject = reject;
    this.#controlled = controlled;
    const prepared = this.#prepared;
    if (prepared.signal?.aborted === true) {
      this.#finish(undefined, prepared.signal.reason);
    } else if (prepared.body instanceof Promise) {
      prepared.body.then(
        (body) => this.#begin(body),
        (error: unknown) => this.#finish(undefined, error),
      );
    } else {
      this.#begin(prepared.body);
    }
    return promise;
  }

  #begin(body: PreparedBody): void {
    const prepared = this.#prepared;
    this.#body = body.body;
    this.#contentType = body.contentType;
    const signal = prepared.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#finish(undefined, signal.reason);
        return;
      }
      signal.addEventListener('abort', this, { once: true });
      this.#listening = true;
    }
    this.#send();
  }

  /** Dispatch the current hop. */
  #send(): void {
    try {
      const raw = this.#prepared.raw;
      const wire =
        raw === undefined
          ? fetchWire(
              this.#host,
              this.#prepared,
              this.#method,
              this.#url,
              this.#headers,
              this.#body,
              this.#contentType,
            )
          : rawWire(raw, this.#body, this.#rawCookie(raw));
      const exchange = this.#host.open(wire, this);
      this.#current = exchange;
      const signal = this.#prepared.signal;
      if (this.#timedOut !== undefined) exchange.abort(this.#timedOut);
      else if (signal?.aborted === true) exchange.abort(signal.reason);
      else this.#host.start(exchange, this.#controlled);
    } catch (error) {
      this.#finish(undefined, error);
    }
  }

  /** The app answered the current hop: follow a redirect, or finish with the response. */
  answered(exchange: object, answer: Answer): void {
    if (exchange !== this.#current || this.#done) return;
    try {
      const prepared = this.#prepared;
      const host = this.#host;
      const url = this.#url;
      const method = this.#method;
      const status = answer.status;
      if (prepared.raw !== undefined) {
        if (prepared.credentials && host.jar !== undefined) {
          const cookies = rawSetCookies(answer);
          if (cookies.length > 0) storeQuietly(host.jar, url.href, cookies);
        }
        if (exchange instanceof SocketExchange && !exchange.isSettled) this.#streaming = exchange;
        this.#finish(rawResponse(answer, method, url.href), undefined);
        return;
      }
      if (prepared.credentials && host.jar !== undefined) {
        const cookies = setCookies(answer);
        if (cookies.length > 0) host.jar.store(url.href, cookies);
      }
      const location = REDIRECT_STATUS.has(status) ? header(answer, 'location') : undefined;
      if (location === undefined || prepared.redirect === 'manual') {
        // A node body still streaming keeps the abort listener: aborting errors the body.
        if (exchange instanceof SocketExchange && !exchange.isSettled) this.#streaming = exchange;
        this.#finish(finish(answer, method, url.href, this.#redirects > 0), undefined);
        return;
      }
      discard(answer);
      if (prepared.redirect === 'error') {
        throw new TypeError('fetch failed', { cause: new Error('unexpected redirect') });
      }
      const next = resolveLocation(location, url.href);
      if (next === undefined || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
        throw new TypeError('fetch failed', {
          cause: new TypeError(`invalid redirect location '${location}'`),
        });
      }
      if (++this.#redirects > MAX_REDIRECTS) {
        throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
      }
      const body = this.#body;
      if (status !== 303 && body !== null && body.kind === 'stream') {
        throw new TypeError('fetch failed', {
          cause: new TypeError('cannot follow a redirect with a streamed request body'),
        });
      }
      if (
        ((status === 301 || status === 302) && method === 'POST') ||
        (status === 303 && method !== 'GET' && method !== 'HEAD')
      ) {
        this.#method = 'GET';
        this.#body = null;
        this.#contentType = undefined;
        this.#headers = without(this.#headers, BODY_HEADERS);
      }
      if (next.origin !== url.origin) this.#headers = without(this.#headers, CROSS_ORIGIN_HEADERS);
      this.#url = next;
      this.#send();
    } catch (error) {
      this.#streaming = undefined;
      this.#finish(undefined, error);
    }
  }

  /**
   * The app is running the current hop and has not answered yet: start the deadline (once per
   * request). A fetch handler that answers at once never needs one.
   */
  waiting(exchange: object): void {
    if (exchange !== this.#current || this.#done || this.#deadline !== undefined) return;
    this.#deadline = this.#host.deadlines.add(this.#prepared.timeout, this);
  }

  /** The current hop failed before the app answered (timeout, abort, handler error, broken connection). */
  failed(exchange: object, reason: unknown): void {
    if (exchange !== this.#current) return;
    this.#finish(undefined, reason);
  }

  /** Settle the caller's promise once, and stop the deadline and (unless a body streams) the listener. */
  #finish(response: Response | undefined, error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#deadline?.cancel();
    if (this.#listening && this.#streaming === undefined) this.#stopListening();
    if (response === undefined) this.#reject(error);
    else this.#resolve(response);
  }

  /** The deadline passed before the app answered. */
  expire(): void {
    const url = this.#url;
    this.#timedOut = new HttpNoResponseError(this.#method, url.href, url.pathname, this.#prepared.timeout);
    this.#current?.abort(this.#timedOut);
  }

  /** The request's `AbortSignal` fired. */
  handleEvent(): void {
    const reason: unknown = this.#prepared.signal?.reason;
    (this.#streaming ?? this.#current)?.abort(reason);
  }

  /** An exchange is over (failed, or answered with its body read). */
  settled(exchange: object): void {
    this.#host.forget(exchange as Exchange);
    if (exchange === this.#streaming) {
      this.#streaming = undefined;
      if (this.#listening) this.#stopListening();
    }
  }

  /** The jar's `cookie` line for a raw request (none when its target is no URL, e.g. `*`). */
  #rawCookie(raw: PreparedRaw): string | undefined {
    const jar = this.#host.jar;
    if (!this.#prepared.credentials || jar === undefined) return undefined;
    try {
      return jar.header(raw.url.href);
    } catch {
      return undefined;
    }
  }

  #stopListening(): void {
    this.#listening = false;
    this.#prepared.signal?.removeEventListener('abort', this);
  }
}

function header(answer: Answer, name: string): string | undefined {
  if (answer instanceof NativeResponse) return answer.headers.get(name) ?? undefined;
  const list = answer.headers;
  let value: string | undefined;
  for (let i = 0; i < list.length; i += 2) {
    if (sameName(list[i] as string, name))
      value = value === undefined ? list[i + 1] : `${value}, ${list[i + 1] as string}`;
  }
  return value;
}

function setCookies(answer: Answer): string[] {
  // getSetCookie() checks no name: cheaper than has('set-cookie'), and [] without any.
  if (answer instanceof NativeResponse) return answer.headers.getSetCookie();
  const list = answer.headers;
  let values: string[] | undefined;
  for (let i = 0; i < list.length; i += 2) {
    if (sameName(list[i] as string, 'set-cookie')) (values ??= []).push(list[i + 1] as string);
  }
  return values ?? EMPTY;
}

/** A header name as written against a lowercase one (lowercasing only names of that length). */
function sameName(written: string, lower: string): boolean {
  return written.length === lower.length && (written === lower || written.toLowerCase() === lower);
}

/** Store `Set-Cookie` of a raw request's response; one whose target is no URL stores none. */
function storeQuietly(jar: CookieJar, href: string, cookies: readonly string[]): void {
  try {
    jar.store(href, cookies);
  } catch {
    // A target like `*` has no URL to scope cookies to.
  }
}

function discard(answer: Answer): void {
  // A body that arrived whole has nothing left to release.
  if (!(answer instanceof NativeResponse) && answer.bytes !== undefined) return;
  void answer.body?.cancel().catch(() => undefined);
}

/** The `Response` fetch would return for this answer. */
function finish(answer: Answer, method: string, url: string, redirected: boolean): Response {
  const status = answer.status;
  const noBody = method === 'HEAD' || NULL_BODY_STATUS.has(status);
  if (answer instanceof NativeResponse) {
    // `body` is read only when needed: reading it costs as much as a header lookup. A Response
    // with a null-body status has no body by construction; HEAD drops one; an encoding decodes it.
    let response = answer;
    if (method === 'HEAD') {
      const body = answer.body;
      if (body !== null) {
        void body.cancel().catch(() => undefined);
        response = new NativeResponse(null, answer);
      }
    } else if (!noBody) {
      const encoding = answer.headers.get('content-encoding');
      const body = encoding === null ? null : answer.body;
      if (encoding !== null && body !== null) {
        response = new NativeResponse(decodeBody(body, encoding), {
          status,
          statusText: answer.statusText,
          headers: answer.headers,
        });
      }
    }
    return markFetched(response, url, redirected);
  }
  const bytes = answer.bytes;
  if (bytes !== undefined && status >= 200) {
    // The whole body arrived with the head: the Response reads it without a stream, unless an
    // encoding has to be decoded.
    const encoding = noBody ? undefined : header(answer, 'content-encoding');
    if (encoding === undefined || encoding === '') {
      return buildResponse(
        {
          status,
          statusText: answer.statusText,
          headers: answer.headers,
          body: null,
          bytes: noBody ? undefined : bytes,
        },
        url,
        redirected,
      );
    }
  }
  let body = answer.body;
  if (status < 200) {
    void body?.cancel().catch(() => undefined);
    throw new TypeError('fetch failed', {
      cause: new Error(`unexpected ${status} response to a request that did not ask to upgrade`),
    });
  }
  if (body !== null && noBody) {
    void body.cancel().catch(() => undefined);
    body = null;
  }
  if (body !== null) body = decodeBody(body, header(answer, 'content-encoding'));
  return buildResponse(
    { status, statusText: answer.statusText, headers: answer.headers, body },
    url,
    redirected,
  );
}

function without(headers: HeaderList, names: readonly string[]): HeaderList {
  if (!names.some((name) => headers.has(name))) return headers;
  const copy = headers.clone();
  for (const name of names) copy.delete(name);
  return copy;
}
