/**
 * Connecting an in-process WebSocket: a `ws` client talks to the app's `http.Server` through
 * a pair of in-memory streams. The server side is handed to the server as a new connection
 * (`'connection'`), so Node's own HTTP parser reads the handshake and emits `'upgrade'` to
 * whatever listens — a `ws.WebSocketServer({ server })`, `@fastify/websocket`, Nest's
 * gateway adapter — exactly as for a TCP client. No port.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import type { Server } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket as WsClient } from 'ws';
import { HttpWebSocketRejectedError, HttpWebSocketTimeoutError } from '../errors/index.ts';
import { InjectedWebSocket } from './websocket.ts';

// Captured at module load: the handshake timeout must fire under a test's fake timers.
const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;

/** Everything a connection needs from the client. */
export interface ConnectOptions {
  readonly server: Server;
  /** `ws://localhost/chat?room=1` */
  readonly url: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly protocols: readonly string[];
  readonly timeout: number;
  readonly perMessageDeflate: boolean;
  readonly remoteAddress: string;
  /** Runs the server side of the connection (DI scope of the client). */
  readonly run: <R>(fn: () => R) => R;
  /** `Set-Cookie` of the handshake response. */
  readonly onSetCookie: (values: string[]) => void;
}

/** One end of an in-memory connection; what one end writes, the other reads. */
class PairEnd extends Duplex {
  #other: PairEnd | undefined;
  readonly #deliver: (push: () => void) => void;

  constructor(deliver: (push: () => void) => void) {
    super({ allowHalfOpen: true });
    this.#deliver = deliver;
  }

  connect(other: PairEnd): void {
    this.#other = other;
  }

  override _read(): void {
    // Data is pushed by the other end as it is written.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const other = this.#other;
    if (other !== undefined && !other.destroyed) other.#deliver(() => other.push(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const other = this.#other;
    if (other !== undefined && !other.destroyed) other.#deliver(() => other.push(null));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const other = this.#other;
    if (other !== undefined && !other.destroyed) other.destroy();
    callback(error);
  }
}

/**
 * A connected pair of in-memory streams. Whatever reaches the server end is pushed inside
 * `runServer` — the client's fray/di scope — so every event the server handles (handshake,
 * messages, close) sees the client's overrides.
 */
function memoryPair(runServer: <R>(fn: () => R) => R): [client: PairEnd, server: PairEnd] {
  const client = new PairEnd((push) => push());
  const server = new PairEnd((push) => runServer(push));
  client.connect(server);
  server.connect(client);
  return [client, server];
}

/** Give a stream of a duplex pair the parts of `net.Socket` servers and `ws` call. */
function socketLike(stream: Duplex, remoteAddress: string): Duplex {
  const socket = stream as Duplex & Record<string, unknown>;
  socket['remoteAddress'] = remoteAddress;
  socket['remotePort'] = 0;
  socket['remoteFamily'] = remoteAddress.includes(':') ? 'IPv6' : 'IPv4';
  socket['setTimeout'] = () => socket;
  socket['setNoDelay'] = () => socket;
  socket['setKeepAlive'] = () => socket;
  socket['ref'] = () => socket;
  socket['unref'] = () => socket;
  return socket;
}

/**
 * Open an in-process WebSocket to `options.server`.
 *
 * @example
 * ```ts
 * const ws = await connectWebSocket({ server, url: 'ws://localhost/chat', path: '/chat', … });
 * ```
 */
export function connectWebSocket(options: ConnectOptions): Promise<InjectedWebSocket> {
  return new Promise<InjectedWebSocket>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      realClearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const ws = new WsClient(options.url, [...options.protocols], {
      headers: options.headers,
      perMessageDeflate: options.perMessageDeflate,
      handshakeTimeout: Number.isFinite(options.timeout) ? options.timeout : undefined,
      createConnection: () => {
        const [client, server] = memoryPair(options.run);
        socketLike(server, options.remoteAddress);
        options.run(() => options.server.emit('connection', server));
        return socketLike(client, '127.0.0.1') as never;
      },
    });
    const timer = realSetTimeout(
      () => fail(new HttpWebSocketTimeoutError(options.path, options.timeout)),
      Number.isFinite(options.timeout) ? options.timeout : 2 ** 31 - 1,
    );
    ws.on('upgrade', (response: { headers: Record<string, string | string[] | undefined> }) => {
      const setCookie = response.headers['set-cookie'];
      if (setCookie !== undefined) options.onSetCookie(Array.isArray(setCookie) ? setCookie : [setCookie]);
    });
    ws.on(
      'unexpected-response',
      (_request: unknown, response: NodeJS.ReadableStream & { statusCode?: number }) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          fail(
            new HttpWebSocketRejectedError(
              options.path,
              response.statusCode ?? 0,
              Buffer.concat(chunks).toString('utf8'),
            ),
          );
        });
        response.on('error', () =>
          fail(new HttpWebSocketRejectedError(options.path, response.statusCode ?? 0, '')),
        );
      },
    );
    ws.once('error', (error: Error) => {
      if (settled) return;
      fail(new HttpWebSocketRejectedError(options.path, 0, '', error));
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      realClearTimeout(timer);
      resolve(new InjectedWebSocket(ws, options.path, options.timeout));
    });
  });
}
