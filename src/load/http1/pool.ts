/**
 * Keep-alive HTTP/1.1 connections for the load generator, one request in flight per
 * connection, over raw `net`/`tls` sockets: request bytes are prepared once, responses are
 * parsed incrementally, and a connection that errs, is told to close, or is abandoned by a
 * timeout is destroyed and replaced on the next use. Plain-TCP connections read into one
 * reused buffer (`onread`), so reading a response allocates nothing. The pool hands the most
 * recently freed connection out first and queues requests beyond its size; each request
 * reports when it was actually written, which is the open model's uncorrected start.
 *
 * @module
 */
import { natives } from '../../control/index.ts';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ResponseParser, type ParsedResponse } from './response-parser.ts';
import type { Endpoint, PreparedRequest, RequestHooks } from './types.ts';

const now = natives.performanceNow;

/**
 * The one buffer every plain-TCP connection of this thread reads into. Safe to share: a
 * read is handed to the parser synchronously, and the parser copies whatever it keeps.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A network failure with a Node-style code. */
export class ConnectionError extends Error {
  readonly code: string;
  constructor(code: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ConnectionError';
    this.code = code;
  }
}

type Callback = (error: Error | undefined, response: ParsedResponse | undefined) => void;

class Connection {
  readonly #socket: Socket;
  readonly #parser = new ResponseParser();
  #callback: Callback | undefined;
  #dead = false;
  readonly #onDead: (connection: Connection) => void;

  constructor(endpoint: Endpoint, onDead: (connection: Connection) => void) {
    this.#onDead = onDead;
    if (endpoint.tls) {
      this.#socket = tlsConnect({
        host: endpoint.address,
        port: endpoint.port,
        servername: endpoint.servername ?? endpoint.host.replace(/:\d+$/, ''),
        rejectUnauthorized: endpoint.rejectUnauthorized ?? true,
      });
      this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    } else {
      // Plain TCP reads straight into the shared buffer: no Buffer allocated per read.
      this.#socket = netConnect({
        host: endpoint.address,
        port: endpoint.port,
        onread: {
          buffer: READ_BUFFER,
          callback: (bytes: number, buffer: Uint8Array): boolean => {
            this.#onData(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
            return true;
          },
        },
      });
    }
    this.#socket.setNoDelay(true);
    this.#socket.on('error', (error: Error) => this.#fail(error));
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('close', () => this.#fail(new ConnectionError('ECONNRESET', 'the connection closed')));
  }

  get dead(): boolean {
    return this.#dead;
  }

  send(request: PreparedRequest, collect: boolean, callback: Callback): void {
    this.#callback = callback;
    this.#parser.expect(request.head, collect);
    this.#socket.write(request.bytes);
  }

  #onData(chunk: Buffer): void {
    const callback = this.#callback;
    if (callback === undefined) {
      // Bytes nobody asked for: the stream is out of step; start over on a fresh socket.
      this.destroy();
      return;
    }
    let response: ParsedResponse | undefined;
    try {
      response = this.#parser.feed(chunk);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (response === undefined) return;
    this.#callback = undefined;
    if (response.close || this.#parser.takeLeftover() !== undefined) this.destroy();
    callback(undefined, response);
  }

  #onEnd(): void {
    const callback = this.#callback;
    if (callback === undefined) {
      this.destroy();
      return;
    }
    let response: ParsedResponse | undefined;
    try {
      response = this.#parser.end();
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    this.#callback = undefined;
    this.destroy();
    if (response !== undefined) callback(undefined, response);
    else
      callback(
        new ConnectionError('ECONNRESET', 'the server closed the connection without responding'),
        undefined,
      );
  }

  #fail(error: Error): void {
    const callback = this.#callback;
    this.#callback = undefined;
    this.destroy();
    callback?.(error, undefined);
  }

  destroy(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#socket.destroy();
    this.#onDead(this);
  }
}

interface Waiter {
  readonly request: PreparedRequest;
  readonly collect: boolean;
  readonly hooks: RequestHooks;
  readonly resolve: (response: ParsedResponse) => void;
  readonly reject: (error: Error) => void;
  cancelled: boolean;
}

/**
 * A pool of keep-alive connections to one endpoint.
 *
 * @example
 * ```ts
 * const pool = new ConnectionPool(endpoint, 10);
 * const response = await pool.request(prepareRequest(endpoint, { path: '/' }), false, { sentAt: undefined, cancel: undefined });
 * pool.close();
 * ```
 */
export class ConnectionPool {
  readonly #endpoint: Endpoint;
  readonly #size: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #queue: Waiter[] = [];
  #queueHead = 0;
  #closed = false;

  /** @param size Most connections opened at once (1–10,000). */
  constructor(endpoint: Endpoint, size: number) {
    this.#endpoint = endpoint;
    this.#size = size;
  }

  /** Open connections. */
  get open(): number {
    return this.#all.size;
  }

  /** Send a request on a free connection (waiting for one if all are busy). */
  request(request: PreparedRequest, collect: boolean, hooks: RequestHooks): Promise<ParsedResponse> {
    return new Promise<ParsedResponse>((resolve, reject) => {
      if (this.#closed) {
        reject(new ConnectionError('ERR_POOL_CLOSED', 'the connection pool is closed'));
        return;
      }
      const waiter: Waiter = { request, collect, hooks, resolve, reject, cancelled: false };
      const connection = this.#take();
      if (connection !== undefined) this.#send(connection, waiter);
      else {
        hooks.cancel = () => {
          waiter.cancelled = true;
        };
        this.#queue.push(waiter);
      }
    });
  }

  #take(): Connection | undefined {
    while (this.#idle.length > 0) {
      const connection = this.#idle.pop() as Connection;
      if (!connection.dead) return connection;
    }
    if (this.#all.size < this.#size) {
      const connection = new Connection(this.#endpoint, (dead) => this.#onDead(dead));
      this.#all.add(connection);
      return connection;
    }
    return undefined;
  }

  #send(connection: Connection, waiter: Waiter): void {
    waiter.hooks.sentAt = now();
    waiter.hooks.cancel = () => connection.destroy();
    connection.send(waiter.request, waiter.collect, (error, response) => {
      waiter.hooks.cancel = undefined;
      this.#release(connection);
      if (error !== undefined) waiter.reject(error);
      else waiter.resolve(response as ParsedResponse);
    });
  }

  #release(connection: Connection): void {
    if (this.#closed) {
      connection.destroy();
      return;
    }
    if (!connection.dead) this.#idle.push(connection);
    this.#drainQueue();
  }

  #onDead(connection: Connection): void {
    this.#all.delete(connection);
    if (!this.#closed) queueMicrotask(() => this.#drainQueue());
  }

  #drainQueue(): void {
    while (this.#queueHead < this.#queue.length) {
      const waiter = this.#queue[this.#queueHead] as Waiter;
      if (waiter.cancelled) {
        this.#queueHead++;
        continue;
      }
      const connection = this.#take();
      if (connection === undefined) break;
      this.#queueHead++;
      this.#send(connection, waiter);
    }
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead);
      this.#queueHead = 0;
    }
  }

  /** Destroy every connection and reject queued requests. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#queue.slice(this.#queueHead)) {
      if (!waiter.cancelled)
        waiter.reject(new ConnectionError('ERR_POOL_CLOSED', 'the connection pool was closed'));
    }
    this.#queue.length = 0;
    this.#queueHead = 0;
    for (const connection of [...this.#all]) connection.destroy();
    this.#idle.length = 0;
  }
}
