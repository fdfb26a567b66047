/**
 * One request/response exchange with a node `(req, res)` app over a {@link MemorySocket}.
 *
 * The request is a real `http.IncomingMessage` and the response a real
 * `http.ServerResponse`; this module plays the part of Node's HTTP server around them — the
 * same steps `_http_server.js` takes for a parsed request (keep-alive, `'finish'` →
 * dump the unread body, detach the socket, emit `'close'`; socket close → abort the pending
 * request; socket timeout → `'timeout'` on request, response and server) — and parses what
 * the response writes with {@link ResponseParser}. Nothing is patched: frameworks that swap
 * the prototypes of `req`/`res` (Express) do so on these instances only.
 *
 * @module
 */
import { IncomingMessage, ServerResponse, METHODS, type Server } from 'node:http';
import { getDefaultHighWaterMark } from 'node:stream';
import { lengthMismatch } from './fetch-refusals.ts';
import { MemorySocket, type SocketProfile } from './memory-socket.ts';
import { SocketExchange, type ExchangeOwner, type WireRequest } from './socket-exchange.ts';

export type { ExchangeOwner, ParsedResponse, WireRequest } from './socket-exchange.ts';

/** A node app as the exchange drives it. */
export interface NodeApp {
  /** Hand a request to the app (call the listener, or emit `'request'` on the server). */
  dispatch(req: IncomingMessage, res: ServerResponse): unknown;
  /** The server, when the app is one (or has one): `req.socket.server`, `'timeout'` events. */
  readonly server: Server | undefined;
  /** `Keep-Alive: timeout=…` the server would advertise, in ms. */
  readonly keepAliveTimeout: number;
}

// Captured at module load, like every global fray's own machinery relies on.
const realNextTick = process.nextTick.bind(process);

// What Node's server passes to every ServerResponse (the socket's high-water mark, the default).
const RESPONSE_OPTIONS = {
  highWaterMark: getDefaultHighWaterMark(false),
  rejectNonStandardBodyWrites: false,
};

// Request bodies are pushed in pieces of at most this size, as a socket delivers them.
const PUSH_SIZE = 64 * 1024;
const KNOWN_METHODS = new Set(METHODS);

// The exchange a response belongs to, on the response itself (read by its 'finish' listener).
const EXCHANGE: unique symbol = Symbol('fray.http.exchange');

/** The response's 'finish' listener (one function for every response, no closure each). */
function onFinish(this: ServerResponse & { [EXCHANGE]: NodeExchange }): void {
  this[EXCHANGE].finished();
}

/** Node's emitCloseNT: `'close'` on a finished response, once. */
function emitClose(res: ServerResponse & { _closed?: boolean }): void {
  if (res._closed) return;
  res.destroyed = true;
  res._closed = true;
  res.emit('close');
}

/** What Node's server destroys a request with when its connection closes. */
function connectionReset(): Error {
  return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/** The exchange of one request with a node app. */
export class NodeExchange extends SocketExchange {
  readonly #app: NodeApp;
  #req!: IncomingMessage;
  #res!: ServerResponse;
  #finished = false;

  constructor(app: NodeApp, wire: WireRequest, owner: ExchangeOwner) {
    super(wire, owner);
    this.#app = app;
  }

  /** Dispatch the request into the app (once; a no-op when already aborted). */
  start(profile: SocketProfile, remotePort: number): void {
    if (this.headDelivered || this.isSettled || this.socket !== undefined) return;
    const wire = this.wire;
    // The socket reports close, drain and timeout straight to this exchange (Node's server
    // listens for them: socketOnClose, socketOnDrain, socketOnTimeout) and swallows errors
    // nobody listens to (socketOnError).
    const socket = new MemorySocket(profile, remotePort, this);
    this.socket = socket;

    const req = new IncomingMessage(socket as never);
    req.method = wire.method;
    req.url = wire.target;
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    // The same call Node's parser makes: `headers`/`headersDistinct` are then built lazily
    // by IncomingMessage itself, with Node's duplicate-header rules.
    (req as unknown as { _addHeaderLines(headers: string[], n: number): void })._addHeaderLines(
      wire.rawHeaders,
      wire.rawHeaders.length,
    );
    this.#req = req;

    // The options argument (Node ≥ 18) is missing from @types/node's constructor signature.
    const ServerResponseWithOptions = ServerResponse as unknown as new (
      req: IncomingMessage,
      options: object,
    ) => ServerResponse;
    const res = new ServerResponseWithOptions(req, RESPONSE_OPTIONS);
    (res as unknown as { _keepAliveTimeout: number })._keepAliveTimeout = this.#app.keepAliveTimeout;
    // As Node's server decides it for an HTTP/1.1 request: keep-alive unless `connection: close`.
    res.shouldKeepAlive = wire.keepAlive;
    res.assignSocket(socket as never);
    (res as ServerResponse & { [EXCHANGE]: NodeExchange })[EXCHANGE] = this;
    res.on('finish', onFinish);
    this.#res = res;

    if (!KNOWN_METHODS.has(wire.method)) {
      // Node's parser rejects an unknown method before any app code runs.
      socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      socket.end();
      return;
    }

    try {
      const result = this.#app.dispatch(req, res);
      if (isThenable(result))
        result.then(undefined, (error: unknown) => this.handlerFailed(error, 'rejected'));
    } catch (error) {
      this.handlerFailed(error, 'threw');
      return;
    }
    this.#sendBody();
  }

  #sendBody(): void {
    const req = this.#req;
    const body = this.wire.body;
    if (body === null) {
      req.complete = true;
      req.push(null);
      return;
    }
    if (body.kind === 'bytes') {
      this.#pushBytes(body.bytes, 0);
      return;
    }
    void this.#pumpStream(body.stream);
  }

  #pushBytes(bytes: Uint8Array, from: number): void {
    const req = this.#req;
    const socket = this.socket as MemorySocket;
    let offset = from;
    while (offset < bytes.byteLength) {
      if (req.destroyed) return;
      const end = Math.min(offset + PUSH_SIZE, bytes.byteLength);
      const more = req.push(bytes.subarray(offset, end));
      socket.bytesRead += end - offset;
      offset = end;
      if (!more && offset < bytes.byteLength) {
        const resumeAt = offset;
        socket.onResume = () => {
          socket.onResume = undefined;
          this.#pushBytes(bytes, resumeAt);
        };
        return;
      }
    }
    req.complete = true;
    req.push(null);
  }

  async #pumpStream(stream: ReadableStream<Uint8Array>): Promise<void> {
    const req = this.#req;
    const socket = this.socket as MemorySocket;
    const reader = stream.getReader();
    const announced = this.wire.streamLength;
    let sent = 0;
    try {
      for (;;) {
        if (req.destroyed) {
          await reader.cancel();
          return;
        }
        const { done, value } = await reader.read();
        if (done) break;
        if (!(value instanceof Uint8Array)) throw new TypeError('Received non-Uint8Array chunk');
        if (value.byteLength === 0 || req.destroyed) continue;
        sent += value.byteLength;
        if (announced >= 0 && sent > announced) {
          await reader.cancel();
          this.abort(lengthMismatch());
          return;
        }
        socket.bytesRead += value.byteLength;
        if (!req.push(value)) {
          await new Promise<void>((resolve) => {
            socket.onResume = () => {
              socket.onResume = undefined;
              resolve();
            };
            socket.once('close', resolve);
          });
        }
      }
      if (announced >= 0 && sent !== announced) {
        this.abort(lengthMismatch());
        return;
      }
      if (!req.destroyed) {
        req.complete = true;
        req.push(null);
      }
    } catch (error) {
      // A failing request body aborts the request, as fetch does.
      this.abort(new TypeError('fetch failed', { cause: error }));
    } finally {
      reader.releaseLock();
    }
  }

  /** Node's resOnFinish: dump an unread body, detach the socket, then `'close'` on the response. */
  finished(): void {
    this.#finished = true;
    const req = this.#req;
    const res = this.#res as ServerResponse & { _last?: boolean; _closed?: boolean };
    const state = req as unknown as { _consuming: boolean; _readableState: { resumeScheduled: boolean } };
    if (!state._consuming && !state._readableState.resumeScheduled) {
      (req as unknown as { _dump(): void })._dump();
    }
    const socket = this.socket as MemorySocket;
    res.detachSocket(socket as never);
    realNextTick(emitClose, res);
    if (res._last) socket.destroySoon();
  }

  /** Node's socketOnClose: a request whose response did not finish is aborted. */
  closed(): void {
    if (!this.#finished) this.#req.destroy(connectionReset());
    this.closeParser();
  }

  /** Node's socketOnDrain: the response may write again (`'drain'` once nothing is pending). */
  drained(): void {
    const res = this.#res as ServerResponse & { _flush(): void };
    const socket = this.socket as unknown as { _httpMessage: unknown };
    if (socket._httpMessage !== res || res.finished || !res.writableNeedDrain || res.writableLength !== 0)
      return;
    // _flush() writes what the response still buffers, then emits 'drain' and clears its
    // need-drain flag — the state the server's own drain handling leaves it in.
    res._flush();
    if (!res.writableNeedDrain || res.finished) return;
    // Node 22's _flush() emits 'drain' only when it had buffered output to write; with none
    // it leaves the flag set. Do what Node's server does on a socket drain then (socketOnDrain:
    // clear the response's kNeedDrain, emit 'drain').
    const needDrain = Object.getOwnPropertySymbols(res).find((symbol) => symbol.description === 'kNeedDrain');
    if (needDrain === undefined) return;
    (res as unknown as Record<symbol, unknown>)[needDrain] = false;
    res.emit('drain');
  }

  /** Node's socketOnTimeout: `'timeout'` on request, response, server; destroy if nobody listens. */
  timedOut(): void {
    const req = this.#req;
    const res = this.#res;
    const socket = this.socket as MemorySocket;
    const reqTimeout = !this.#finished && !req.complete && req.emit('timeout', socket);
    const resTimeout =
      (socket as unknown as { _httpMessage: unknown })._httpMessage === res && res.emit('timeout', socket);
    const serverTimeout = this.#app.server?.emit('timeout', socket) ?? false;
    if (!reqTimeout && !resTimeout && !serverTimeout) socket.destroy();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
