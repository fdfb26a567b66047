/**
 * One raw request (`client.request()`) to a node app, through Node's own HTTP server: the
 * request's bytes — request line, header block, body — are written into an in-memory
 * connection handed to the server as a new connection (`'connection'`, or
 * `'secureConnection'` for an https server), so Node's parser reads them exactly as off a
 * socket. A malformed request gets the server's own answer (400, 431, 505…), `Connection`
 * and HTTP/1.0 are followed by Node itself, and `'clientError'`, `'checkContinue'`,
 * `'upgrade'` and `'connect'` reach whoever listens. The response is parsed off the same
 * connection with header case kept; the connection is closed once the response is read.
 *
 * Apps that have a server (an `http.Server`, Fastify, Nest) get the request on it; a bare
 * listener (Express, Koa, Connect) on a private `http.Server` created for the client, whose
 * request listener reports a throwing or rejecting handler as `FRAY_HTTP_HANDLER_FAILED`.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { MemorySocket, type SocketProfile } from './memory-socket.ts';
import type { NodeApp } from './node-exchange.ts';
import { requestHead } from './raw-request.ts';
import { SocketExchange, type ExchangeOwner, type WireRequest } from './socket-exchange.ts';

// Captured at module load: closing connections must not wait for a test's fake timers.
const realSetImmediate = globalThis.setImmediate;

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
// The exchange a connection belongs to, for the private server's request listener.
const exchanges = new WeakMap<object, RawExchange>();

/** The server a raw request is handed to, and how it takes a connection. */
export interface RawServer {
  connect(socket: MemorySocket): void;
}

/**
 * The server for raw requests to `app`: its own server when it has one, else a private
 * `http.Server` whose request listener is the app.
 *
 * @example
 * ```ts
 * const server = rawServer(target.app);
 * new RawExchange(server, wire, owner).start(profile, port);
 * ```
 */
export function rawServer(app: NodeApp): RawServer {
  const own = app.server;
  if (own !== undefined) {
    const event = own instanceof https.Server ? 'secureConnection' : 'connection';
    return { connect: (socket) => own.emit(event, socket) };
  }
  const server = http.createServer((req, res) => {
    const exchange = exchanges.get(req.socket);
    try {
      const result = app.dispatch(req, res);
      if (isThenable(result)) {
        result.then(undefined, (error: unknown) => exchange?.handlerError(error, 'rejected'));
      }
    } catch (error) {
      exchange?.handlerError(error, 'threw');
    }
  });
  server.keepAliveTimeout = app.keepAliveTimeout;
  return { connect: (socket) => server.emit('connection', socket) };
}

/** The exchange of one raw request with a node app, through Node's HTTP server. */
export class RawExchange extends SocketExchange {
  readonly #server: RawServer;

  constructor(server: RawServer, wire: WireRequest, owner: ExchangeOwner) {
    super(wire, owner);
    this.#server = server;
  }

  /** Open the connection, hand it to the server, and write the request. */
  start(profile: SocketProfile, remotePort: number): void {
    if (this.headDelivered || this.isSettled || this.socket !== undefined) return;
    const socket = new MemorySocket(profile, remotePort, this);
    this.socket = socket;
    exchanges.set(socket, this);
    this.#server.connect(socket);
    if (socket.destroyed) return;
    socket.push(requestHead(this.wire));
    const body = this.wire.body;
    if (body === null) {
      if (this.wire.chunked) socket.push(LAST_CHUNK);
      return;
    }
    if (body.kind === 'bytes') {
      this.#write(socket, body.bytes);
      if (this.wire.chunked) socket.push(LAST_CHUNK);
      return;
    }
    void this.#pump(socket, body.stream);
  }

  /** A handler failure the server reported (private server) or that escaped Node's parser. */
  handlerError(error: unknown, how: 'threw' | 'rejected'): void {
    this.handlerFailed(error, how);
  }

  /** The connection closed: a response cut short fails. */
  closed(): void {
    this.closeParser();
  }

  /** Node's server listens to the socket's own `'drain'`. */
  drained(): void {
    // Nothing: Node's server handles it.
  }

  /** Node's server listens to the socket's own `'timeout'`. */
  timedOut(): void {
    // Nothing: Node's server handles it.
  }

  /** Node's server threw while it handled the bytes (the app's request listener threw). */
  threw(error: unknown): void {
    this.handlerFailed(error, 'threw');
  }

  /**
   * The response was read to the end: the client ends its side of the connection (a FIN,
   * after the server's own end-of-response work ran), and Node's server closes it.
   */
  protected override completed(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    realSetImmediate(() => {
      if (!socket.destroyed) socket.push(null);
    });
  }

  #write(socket: MemorySocket, bytes: Uint8Array): boolean {
    if (bytes.byteLength === 0) return true;
    if (!this.wire.chunked) return socket.push(bytes);
    socket.push(Buffer.from(`${bytes.byteLength.toString(16)}\r\n`));
    socket.push(bytes);
    return socket.push(CRLF);
  }

  async #pump(socket: MemorySocket, stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (socket.destroyed) {
          await reader.cancel();
          return;
        }
        if (done) break;
        if (!(value instanceof Uint8Array)) throw new TypeError('Received non-Uint8Array chunk');
        if (!this.#write(socket, value)) {
          // The server is not reading (its request stream is full): wait until it reads.
          await new Promise<void>((resolve) => {
            socket.onRead = resolve;
            socket.once('close', resolve);
          });
          socket.onRead = undefined;
        }
      }
      if (this.wire.chunked && !socket.destroyed) socket.push(LAST_CHUNK);
    } catch (error) {
      this.abort(new TypeError('fetch failed', { cause: error }));
    } finally {
      reader.releaseLock();
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
