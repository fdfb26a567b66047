/**
 * One exchange with a fetch handler (`hono.fetch`, `(request) => Response`): build the
 * `Request` the app would get behind a Node adapter (same headers as on the wire), call the
 * handler, and hand back its `Response`. The request's `signal` aborts when the client gives
 * up (timeout, `AbortSignal`, client closed), as an adapter aborts it on disconnect.
 *
 * The request is an {@link InjectedRequest}: a `Request` (same class for `instanceof` and
 * brand checks) whose transport headers (`host`, `connection`, the fetch defaults,
 * `content-length`) are added when `headers` is first read, and whose `signal` is created
 * when first read — a `Request` built with a signal costs ~5 µs, more than many handlers.
 *
 * @module
 */
import { HttpHandlerError } from '../errors/index.ts';
import type { FetchHandler } from './apps.ts';
import type { ExchangeOwner, NodeExchange, WireRequest } from './node-exchange.ts';
import { NativeHeaders, NativeRequest, NativeResponse } from './web-globals.ts';

const ABORT: unique symbol = Symbol('fray.http.abort');

/** The signal state of an {@link InjectedRequest} before anyone read `signal`. */
interface Aborted {
  readonly reason: unknown;
}

/** The `Request` a fetch handler receives from `inject`. */
export class InjectedRequest extends NativeRequest {
  /** Transport headers still to add; `undefined` once added. */
  #transport: readonly string[] | undefined;
  /** `undefined`: nothing yet; an `AbortController` once `signal` was read; `Aborted` before that. */
  #signal: AbortController | Aborted | undefined;

  constructor(url: string, init: RequestInit | undefined, transport: readonly string[]) {
    super(url, init);
    this.#transport = transport;
  }

  /** The request headers, including those a server adapter would show (`host`, `user-agent`…). */
  override get headers(): Headers {
    const headers = super.headers;
    const transport = this.#transport;
    if (transport !== undefined) {
      this.#transport = undefined;
      for (let i = 0; i < transport.length; i += 2) {
        const name = transport[i] as string;
        if (!headers.has(name)) headers.append(name, transport[i + 1] as string);
      }
    }
    return headers;
  }

  /** Aborts when the client gives up on the request (timeout, its `AbortSignal`, client closed). */
  override get signal(): AbortSignal {
    const state = this.#signal;
    if (state instanceof AbortController) return state.signal;
    const controller = new AbortController();
    if (state !== undefined) controller.abort(state.reason);
    this.#signal = controller;
    return controller.signal;
  }

  override clone(): Request {
    // Materialize the transport headers first: clone() copies the internal header list.
    void this.headers;
    return super.clone();
  }

  /** Abort the request's signal. */
  [ABORT](reason: unknown): void {
    const state = this.#signal;
    if (state instanceof AbortController) state.abort(reason);
    else if (state === undefined) this.#signal = { reason };
  }
}

const WAITING = 0;
const DELIVERED = 1;
const FAILED = 2;

/** The exchange of one request with a fetch handler. */
export class FetchExchange {
  /** Links of the client's in-flight list (see dispatcher.ts). */
  prev: NodeExchange | FetchExchange | undefined = undefined;
  next: NodeExchange | FetchExchange | undefined = undefined;
  linked = false;
  readonly #handler: FetchHandler;
  readonly #wire: WireRequest;
  readonly #owner: ExchangeOwner;
  #request: InjectedRequest | undefined;
  #state = WAITING;

  constructor(handler: FetchHandler, wire: WireRequest, owner: ExchangeOwner) {
    this.#handler = handler;
    this.#wire = wire;
    this.#owner = owner;
  }

  /** Who the exchange reports to. */
  get owner(): ExchangeOwner {
    return this.#owner;
  }

  /** The request. */
  get wire(): WireRequest {
    return this.#wire;
  }

  /** Whether the handler's response was handed over. */
  get headDelivered(): boolean {
    return this.#state === DELIVERED;
  }

  /** Call the handler. */
  start(): void {
    if (this.#state !== WAITING) return;
    const wire = this.#wire;
    const body = wire.body;
    const own = wire.ownHeaders;
    let request: InjectedRequest;
    if (body === null && own.length === 0 && wire.method === 'GET') {
      // Without an init: converting a RequestInit dictionary costs more than the request.
      request = new InjectedRequest(wire.href, undefined, wire.transportHeaders);
    } else {
      const init: RequestInit & { duplex?: 'half' } = { method: wire.method };
      if (own.length > 0) {
        const headers = new NativeHeaders();
        for (let i = 0; i < own.length; i += 2) headers.append(own[i] as string, own[i + 1] as string);
        init.headers = headers;
      }
      if (body !== null) {
        init.body = (body.kind === 'bytes' ? body.bytes : body.stream) as BodyInit;
        init.duplex = 'half';
      }
      request = new InjectedRequest(wire.href, init, wire.transportHeaders);
    }
    this.#request = request;
    let result: unknown;
    try {
      result = this.#handler(request);
    } catch (error) {
      this.#handlerFailed('the fetch handler threw instead of returning a Response.', error);
      return;
    }
    if (result instanceof NativeResponse) {
      this.#deliver(result);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.#deliver(value),
        (error: unknown) => this.#handlerFailed('the fetch handler’s promise rejected.', error),
      );
      return;
    }
    this.#deliver(result);
  }

  /** The client gives up: the request's `signal` aborts. */
  abort(reason: unknown): void {
    if (this.#state !== WAITING) return;
    this.#state = FAILED;
    this.#request?.[ABORT](reason);
    this.#owner.failed(this, reason);
    this.#owner.settled(this);
  }

  #deliver(value: unknown): void {
    if (this.#state !== WAITING) {
      // Too late (aborted): release the body the app produced.
      if (value instanceof NativeResponse) void value.body?.cancel().catch(() => undefined);
      return;
    }
    const response = toResponse(value);
    if (response === undefined) {
      this.#handlerFailed(
        `the fetch handler returned ${describe(value)} instead of a Response.`,
        undefined,
        notAResponseFix(value),
      );
      return;
    }
    this.#state = DELIVERED;
    this.#owner.settled(this);
    this.#owner.answered(this, response);
  }

  #handlerFailed(problem: string, cause: unknown, fix?: string): void {
    if (this.#state !== WAITING) return;
    const wire = this.#wire;
    this.#state = FAILED;
    this.#request?.[ABORT](cause);
    this.#owner.failed(
      this,
      new HttpHandlerError(wire.method, wire.href, wire.pathname, problem, cause, fix),
    );
    this.#owner.settled(this);
  }
}

/** A standard `Response`, also from a response object of another fetch implementation. */
function toResponse(value: unknown): Response | undefined {
  if (value instanceof NativeResponse) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const like = value as { status?: unknown; statusText?: unknown; headers?: unknown; body?: unknown };
  if (typeof like.status !== 'number' || typeof like.headers !== 'object' || like.headers === null)
    return undefined;
  return new NativeResponse((like.body ?? null) as BodyInit | null, {
    status: like.status,
    statusText: typeof like.statusText === 'string' ? like.statusText : '',
    headers: like.headers as HeadersInit,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `a function (${value.name === '' ? 'anonymous' : value.name})`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'null prototype'})`;
  if (typeof value === 'string')
    return `the string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return `a ${typeof value}`;
}

/** What to do when a fetch handler returned something other than a `Response`. */
function notAResponseFix(value: unknown): string {
  const expected =
    'a fetch handler must return a Response, or a promise of one: (request) => new Response(body, { status, headers })';
  if (typeof value === 'function') {
    return `${expected}. A function usually means a handler factory or middleware was passed instead of the handler itself: call the factory first, or pass the app (inject(app)) or its fetch method (inject(app.fetch.bind(app))).`;
  }
  if (value === undefined) return `${expected}. Returning undefined usually means a missing \`return\`.`;
  if (typeof value === 'object' && value !== null) {
    return `${expected}. A plain object is not sent as JSON: return Response.json(value). Response objects of another fetch implementation are accepted when they have status and headers.`;
  }
  return `${expected}. To send text, return new Response(text).`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
