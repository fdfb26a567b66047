/**
 * The part of a client that requests go through: it creates each exchange with the app
 * (node or fetch), schedules its start, tracks what is in flight, and owns the client's
 * deadline timer. Kept apart from the public client object so none of this is reachable
 * from a test.
 *
 * @module
 */
import { HttpClientClosedError } from '../errors/index.ts';
import type { DispatchTarget } from './apps.ts';
import type { ClientParts } from './client.ts';
import type { CookieJar } from './cookie-jar.ts';
import { Deadlines } from './deadlines.ts';
import { FetchExchange } from './fetch-exchange.ts';
import { transportHeaders, type Exchange, type FlightHost } from './flight.ts';
import { ephemeralPort, type SocketInfo } from './memory-socket.ts';
import { NodeExchange, type ExchangeOwner, type WireRequest } from './node-exchange.ts';

// Captured at module load: a test's fake timers must not stall dispatch.
const realSetImmediate = globalThis.setImmediate;
const realQueueMicrotask = globalThis.queueMicrotask;

/** Creates, schedules and tracks the exchanges of one client. */
export class Dispatcher implements FlightHost {
  readonly deadlines = new Deadlines();
  readonly jar: CookieJar | undefined;
  readonly fetchHeaders: boolean;
  readonly mode: 'node' | 'fetch';
  readonly #parts: ClientParts;
  readonly #target: DispatchTarget;
  readonly #inFlight = new Set<Exchange>();
  #transport: { host: string; emptyPayload: boolean; headers: string[] } | undefined;

  constructor(parts: ClientParts) {
    this.#parts = parts;
    this.#target = parts.app.target();
    this.jar = parts.jar;
    this.fetchHeaders = parts.fetchHeaders;
    this.mode = this.#target.mode;
  }

  /** Exchanges not settled yet. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /** Dispatch one hop; starts in a later turn (like a network request) unless a controller runs it. */
  dispatch(wire: WireRequest, controlled: boolean, owner: ExchangeOwner): Exchange {
    const parts = this.#parts;
    const target = this.#target;
    let exchange: Exchange;
    let start: () => void;
    if (target.mode === 'node') {
      const node = new NodeExchange(target.app, wire, owner);
      const info: SocketInfo = {
        remoteAddress: parts.remoteAddress,
        remotePort: ephemeralPort(),
        localAddress: '127.0.0.1',
        localPort: Number(parts.base.url.port) || (parts.base.protocol === 'https:' ? 443 : 80),
        encrypted: wire.href.startsWith('https:'),
        server: target.app.server,
      };
      exchange = node;
      start = () => node.start(info);
    } else {
      const fetchExchange = new FetchExchange(target.handler, wire, owner);
      exchange = fetchExchange;
      start = () => fetchExchange.start();
    }
    this.#inFlight.add(exchange);
    const scope = parts.scope;
    if (controlled) {
      if (scope === undefined) start();
      else scope.run(start);
    } else {
      // Like a request off the network, the app runs after the caller's synchronous code: a
      // node app in the next turn of the event loop, a fetch handler in a microtask (the
      // baseline it is measured against is a direct `app.fetch()` call).
      const schedule = target.mode === 'node' ? realSetImmediate : realQueueMicrotask;
      if (scope === undefined) schedule(start);
      else scope.run(() => schedule(start));
    }
    return exchange;
  }

  forget(exchange: Exchange): void {
    this.#inFlight.delete(exchange);
  }

  transportCache(host: string, emptyPayload: boolean): string[] {
    const cache = this.#transport;
    if (cache !== undefined && cache.host === host && cache.emptyPayload === emptyPayload)
      return cache.headers;
    const headers = transportHeaders(host, emptyPayload, this.fetchHeaders);
    this.#transport = { host, emptyPayload, headers };
    return headers;
  }

  /** The client closes: abort everything in flight and stop the timer. */
  abortAll(): void {
    for (const exchange of [...this.#inFlight]) {
      const wire = exchange.wire;
      exchange.abort(new HttpClientClosedError(wire.method, wire.href, wire.pathname, 'during'));
    }
    this.deadlines.clear();
  }
}
