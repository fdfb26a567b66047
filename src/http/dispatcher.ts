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
import { transportHeaders } from './fetch-wire.ts';
import type { Exchange, FlightHost } from './flight.ts';
import { ephemeralPort, socketProfile, type SocketProfile } from './memory-socket.ts';
import { NodeExchange } from './node-exchange.ts';
import { RawExchange, rawServer, type RawServer } from './raw-exchange.ts';
import { SocketExchange, type ExchangeOwner, type WireRequest } from './socket-exchange.ts';

// Captured at module load: a test's fake timers must not stall dispatch.
const realSetImmediate = globalThis.setImmediate;
const realQueueMicrotask = globalThis.queueMicrotask;

// Requests start in a microtask, after the caller's synchronous code; every TURN_EVERY-th
// request of a client waits for a turn of the event loop instead, so requests fired back to
// back never starve timers, I/O, or the app's own deferred work (Express defers with
// setImmediate): a due timer waits for at most TURN_EVERY - 1 requests. Counted, not timed:
// the schedule is the same on every run. A forced turn also runs V8's pending GC tasks
// (~5 µs with a young generation full of garbage), so the count trades timer latency for
// throughput; the measurements behind 256 are in docs/http.md ("What the fetch-handler ratio
// is made of").
export const TURN_EVERY = 256;

/** Creates, schedules and tracks the exchanges of one client. */
export class Dispatcher implements FlightHost {
  readonly deadlines = new Deadlines();
  readonly jar: CookieJar | undefined;
  readonly fetchHeaders: boolean;
  readonly mode: 'node' | 'fetch';
  readonly #parts: ClientParts;
  readonly #target: DispatchTarget;
  readonly #inFlight = new InFlight();
  #sinceTurn = 0;
  readonly #profiles: { readonly http: SocketProfile; readonly https: SocketProfile } | undefined;
  #transport: { host: string; emptyPayload: boolean; headers: string[] } | undefined;
  /** The server raw requests go through (created on the first one). */
  #rawServer: RawServer | undefined;

  constructor(parts: ClientParts) {
    this.#parts = parts;
    this.#target = parts.app.target();
    this.jar = parts.jar;
    this.fetchHeaders = parts.fetchHeaders;
    this.mode = this.#target.mode;
    const target = this.#target;
    if (target.mode === 'node') {
      const port = Number(parts.base.url.port);
      const server = target.app.server;
      this.#profiles = {
        http: socketProfile(parts.remoteAddress, port || 80, false, server),
        https: socketProfile(parts.remoteAddress, port || 443, true, server),
      };
    }
  }

  /** Exchanges not settled yet. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /** Create (and track) the exchange of one hop; `start()` dispatches it. */
  open(wire: WireRequest, owner: ExchangeOwner): Exchange {
    const target = this.#target;
    let exchange: Exchange;
    if (target.mode === 'fetch') exchange = new FetchExchange(target.handler, wire, owner);
    else if (wire.httpVersion === undefined) exchange = new NodeExchange(target.app, wire, owner);
    else exchange = new RawExchange((this.#rawServer ??= rawServer(target.app)), wire, owner);
    this.#inFlight.add(exchange);
    return exchange;
  }

  /**
   * Dispatch an opened exchange into the app, inside the client's fray/di scope: like a request
   * off the network, after the caller's synchronous code (see TURN_EVERY) — or at once when a
   * race controller started the request.
   */
  start(exchange: Exchange, controlled: boolean): void {
    const parts = this.#parts;
    let start: () => void;
    if (exchange instanceof SocketExchange) {
      const profiles = this.#profiles as { readonly http: SocketProfile; readonly https: SocketProfile };
      const profile = exchange.wire.href.startsWith('https:') ? profiles.https : profiles.http;
      const port = ephemeralPort();
      start = () => {
        exchange.start(profile, port);
        if (!exchange.headDelivered) exchange.owner.waiting(exchange);
      };
    } else {
      start = () => {
        exchange.start();
        if (!exchange.headDelivered) exchange.owner.waiting(exchange);
      };
    }
    const scope = parts.scope;
    if (controlled) {
      if (scope === undefined) start();
      else scope.run(start);
      return;
    }
    let schedule: (fn: () => void) => unknown = realQueueMicrotask;
    if (++this.#sinceTurn === TURN_EVERY) {
      this.#sinceTurn = 0;
      schedule = realSetImmediate;
    }
    if (scope === undefined) schedule(start);
    else scope.run(() => schedule(start));
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
    for (const exchange of this.#inFlight.all()) {
      const wire = exchange.wire;
      exchange.abort(new HttpClientClosedError(wire.method, wire.href, wire.pathname, 'during'));
    }
    this.deadlines.clear();
  }
}

/**
 * The exchanges in flight, as an intrusive doubly linked list: adding and removing one costs
 * two pointer writes, no hashing (a Set's add/delete showed in profiles of fast handlers).
 */
class InFlight {
  #head: Exchange | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(exchange: Exchange): void {
    exchange.next = this.#head;
    exchange.prev = undefined;
    if (this.#head !== undefined) this.#head.prev = exchange;
    this.#head = exchange;
    exchange.linked = true;
    this.#size++;
  }

  delete(exchange: Exchange): void {
    if (!exchange.linked) return;
    exchange.linked = false;
    if (exchange.prev !== undefined) exchange.prev.next = exchange.next;
    else this.#head = exchange.next;
    if (exchange.next !== undefined) exchange.next.prev = exchange.prev;
    exchange.prev = undefined;
    exchange.next = undefined;
    this.#size--;
  }

  /** A snapshot, safe to iterate while exchanges are removed. */
  all(): Exchange[] {
    const list: Exchange[] = [];
    for (let exchange = this.#head; exchange !== undefined; exchange = exchange.next) list.push(exchange);
    return list;
  }
}
