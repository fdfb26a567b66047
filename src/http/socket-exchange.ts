/**
 * What every exchange with a node app shares, whether fray plays Node's server (fetch mode,
 * {@link NodeExchange}) or hands the bytes to Node's own server (raw mode, `RawExchange`): the
 * request as it goes on the wire, the owner it reports to, and the response read off the
 * in-memory socket — parsed as it is written, handed over as soon as the head is complete,
 * its body a stream with backpressure (an unread body holds the app's writes, as a socket
 * buffer does), and a connection that breaks mid-response failing the way undici fails it.
 *
 * @module
 */
import { HttpHandlerError } from '../errors/index.ts';
import type { FetchExchange } from './fetch-exchange.ts';
import type { MemorySocket, SocketSink } from './memory-socket.ts';
import type { RequestBody } from './request-body.ts';
import { ResponseParser, type ParserEvents } from './response-parser.ts';

/** The request as it goes on the wire. */
export interface WireRequest {
  readonly method: string;
  /** Request target: path and query. */
  readonly target: string;
  readonly pathname: string;
  readonly href: string;
  /** Flat list of header names and values, in wire order (node apps only). */
  readonly rawHeaders: string[];
  /** The headers the caller set: its own, the body's content type, cookies. */
  readonly ownHeaders: string[];
  /** The headers a transport adds (`host`, `connection`, fetch's defaults, length; fetch apps only). */
  readonly transportHeaders: string[];
  /** `false` for `connection: close`: the server closes the connection after the response. */
  readonly keepAlive: boolean;
  readonly body: RequestBody | null;
  /** The `content-length` a streamed body was announced with; `-1` for chunked coding. */
  readonly streamLength: number;
  /** Raw mode (`client.request()`): the request line's version, e.g. `1.1`; `undefined` in fetch mode. */
  readonly httpVersion: string | undefined;
  /** Raw mode: encode the body in chunks (the caller named `transfer-encoding: chunked`). */
  readonly chunked: boolean;
}

/** What an exchange reports to the request it belongs to. */
export interface ExchangeOwner {
  /** The response head arrived: a parsed head and body stream, or a fetch handler's `Response`. */
  answered(exchange: object, answer: ParsedResponse | Response): void;
  /** The exchange failed before an answer. */
  failed(exchange: object, reason: unknown): void;
  /** The app was given the request and has not answered yet. */
  waiting(exchange: object): void;
  /** The exchange is over: failed, or answered and its body read to the end. */
  settled(exchange: object): void;
}

/** A parsed response head and its body stream. */
export interface ParsedResponse {
  readonly status: number;
  readonly statusText: string;
  /** Flat list: name (as written), value, name, value… */
  readonly headers: string[];
  /** `null` when the message has no body (HEAD, 204, 304). */
  readonly body: ReadableStream<Uint8Array> | null;
  /**
   * The whole body, when it was complete before the head was handed over (the common case: an
   * app that answers with `res.end(text)`); `body` is then a stream of it, made when first read.
   */
  readonly bytes?: Buffer | undefined;
}

/** An answer whose body had fully arrived: its stream is made only if someone asks for it. */
class BufferedAnswer implements ParsedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: string[];
  readonly bytes: Buffer;
  #body: ReadableStream<Uint8Array> | undefined = undefined;

  constructor(head: ParsedResponse, bytes: Buffer) {
    this.status = head.status;
    this.statusText = head.statusText;
    this.headers = head.headers;
    this.bytes = bytes;
  }

  get body(): ReadableStream<Uint8Array> {
    return (this.#body ??= bytesStream(this.bytes));
  }
}

/** A stream of bytes that are all there: one chunk (none when empty), then the end. */
function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (bytes.byteLength > 0) controller.enqueue(bytes);
        controller.close();
      },
    },
    BODY_STRATEGY,
  );
}

// Captured at module load, like every global fray's own machinery relies on.
const realQueueMicrotask = globalThis.queueMicrotask;

// How much of a response body is buffered before the app's writes are held (like a socket
// buffer: an unread streamed body pauses the app instead of filling memory).
const BODY_BUFFER = 64 * 1024;

const WAITING = 0;
const STREAMING = 1;
const COMPLETE = 2;
const FAILED = 3;

/** Undici's errors for a connection that broke, so failures read like real fetch's. */
function socketError(message: string): Error {
  return Object.assign(new Error(message), { name: 'SocketError', code: 'UND_ERR_SOCKET' });
}

/** How much of an unread body is buffered, counted in bytes (one strategy for every body). */
const BODY_STRATEGY: QueuingStrategy<Uint8Array> = {
  highWaterMark: BODY_BUFFER,
  size: (chunk) => chunk.byteLength,
};

/** The underlying source of a response body: one small object, its methods on the prototype. */
class BodySource implements UnderlyingDefaultSource<Uint8Array> {
  readonly #exchange: SocketExchange;

  constructor(exchange: SocketExchange) {
    this.#exchange = exchange;
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#exchange.bodyStarted(controller);
  }

  pull(): void {
    this.#exchange.bodyPulled();
  }

  cancel(reason: unknown): void {
    this.#exchange.bodyCancelled(reason);
  }
}

/**
 * An exchange whose response is the bytes a node server writes to a {@link MemorySocket}.
 * It is the parser's event sink itself (no closures per request).
 */
export abstract class SocketExchange implements ParserEvents, SocketSink {
  /** Links of the client's in-flight list (see dispatcher.ts). */
  prev: SocketExchange | FetchExchange | undefined = undefined;
  next: SocketExchange | FetchExchange | undefined = undefined;
  linked = false;
  readonly #wire: WireRequest;
  readonly #owner: ExchangeOwner;
  readonly #parser: ResponseParser;
  #state = WAITING;
  #head: ParsedResponse | undefined = undefined;
  #bodyless = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #bodyEnded = false;
  /** A microtask will hand the head over. */
  #scheduled = false;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined = undefined;
  /** The connection; set by `start()`. */
  protected socket: MemorySocket | undefined = undefined;

  constructor(wire: WireRequest, owner: ExchangeOwner) {
    this.#wire = wire;
    this.#owner = owner;
    this.#parser = new ResponseParser(wire.method, this);
  }

  /** Who the exchange reports to. */
  get owner(): ExchangeOwner {
    return this.#owner;
  }

  /** The request. */
  get wire(): WireRequest {
    return this.#wire;
  }

  /** Whether the exchange is over: failed, or answered with the whole body parsed. */
  get isSettled(): boolean {
    return this.#state === COMPLETE || this.#state === FAILED;
  }

  /** Whether the response head was handed to the client. */
  get headDelivered(): boolean {
    return this.#state !== WAITING;
  }

  /** Dispatch the request into the app (once; a no-op when already aborted). */
  abstract start(profile: unknown, remotePort: number): void;

  /**
   * The client gives up (timeout, `AbortSignal`, client closed, body cancelled): the app sees
   * its connection close, as when a real client disconnects.
   */
  abort(reason: unknown): void {
    if (this.#state === COMPLETE || this.#state === FAILED) return;
    this.fail(reason);
    this.socket?.destroy();
  }

  /** Parser event: the final response head (handed over once the bytes written so far are parsed). */
  head(status: number, statusText: string, headers: string[], bodyless: boolean): void {
    this.#head = { status, statusText, headers, body: null };
    this.#bodyless = bodyless;
  }

  /** Parser event: a piece of the body. */
  data(chunk: Buffer): void {
    const controller = this.#controller;
    if (controller !== undefined) {
      controller.enqueue(chunk);
      return;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.byteLength;
  }

  /** Parser event: the body is complete. */
  end(): void {
    this.#bodyEnded = true;
    if (this.#state === WAITING) return; // #deliver() sees #bodyEnded
    this.#complete();
  }

  /** Whether the request failed or was answered and has been given up on. */
  protected get failed(): boolean {
    return this.#state === FAILED;
  }

  /** Whether the whole response was parsed. */
  protected get responseDone(): boolean {
    return this.#parser.done;
  }

  /**
   * What the server wrote: parse it; `false` holds the server's writes (backpressure). A head
   * whose response is already complete is handed over at once; otherwise in a microtask, so
   * the rest of what the app writes in this turn travels with it, as in one TCP segment.
   */
  written(chunk: Buffer | string, encoding: BufferEncoding): boolean {
    if (this.#state === FAILED) return true;
    try {
      this.#parser.push(chunk, encoding);
    } catch (error) {
      this.#fail(new TypeError(this.#state === WAITING ? 'fetch failed' : 'terminated', { cause: error }));
      this.socket?.destroy();
      return true;
    }
    if (this.#state === WAITING && this.#head !== undefined && !this.#scheduled) {
      if (this.#bodyEnded || this.#bodyless) {
        this.#deliver();
      } else {
        this.#scheduled = true;
        realQueueMicrotask(() => this.#deliver());
      }
    }
    const controller = this.#controller;
    if (controller !== undefined) return (controller.desiredSize ?? 0) > 0;
    return this.#pendingBytes < BODY_BUFFER;
  }

  /** The server ended its side of the connection. */
  ended(): void {
    this.closeParser();
  }

  /** The connection closed. */
  abstract closed(): void;

  /** The connection's write buffer drained. */
  abstract drained(): void;

  /** The connection's idle timeout passed. */
  abstract timedOut(): void;

  /** The server ended or closed the connection: a body read until the close ends, else the response broke off. */
  protected closeParser(): void {
    if (this.#state === FAILED || this.#parser.done) return;
    // A head parsed in this same turn is delivered first: the client gets the response and
    // then a body that breaks off, as over TCP.
    if (this.#state === WAITING && this.#head !== undefined) this.#deliver();
    try {
      this.#parser.close();
    } catch {
      // The connection ended before the response did: undici's errors for the same case.
      const cause = socketError('other side closed');
      this.#fail(new TypeError(this.#state === WAITING ? 'fetch failed' : 'terminated', { cause }));
    }
  }

  /**
   * The app's handler threw or its promise rejected: the request fails with
   * `FRAY_HTTP_HANDLER_FAILED` — or, when the response was already complete, the error surfaces
   * as an unhandled rejection, as it would on a server.
   */
  protected handlerFailed(error: unknown, how: 'threw' | 'rejected'): void {
    const wire = this.#wire;
    const failure = new HttpHandlerError(
      wire.method,
      wire.href,
      wire.pathname,
      how === 'threw'
        ? 'the handler threw instead of responding (a real Node server would crash with an uncaught exception).'
        : 'the handler’s promise rejected (a real Node server would report an unhandled rejection).',
      error,
    );
    if (this.isSettled) {
      void Promise.reject(failure);
      return;
    }
    this.#fail(failure);
    this.socket?.destroy();
  }

  /** The request failed: reject the client's promise, or error the body it is reading. */
  protected fail(reason: unknown): void {
    this.#fail(reason);
  }

  #complete(): void {
    if (this.#state === COMPLETE || this.#state === FAILED) return;
    this.#state = COMPLETE;
    this.#controller?.close();
    this.completed();
    this.#owner.settled(this);
  }

  /** The whole response was read (a hook for subclasses: close the connection). */
  protected completed(): void {
    // Nothing by default.
  }

  #deliver(): void {
    const head = this.#head;
    if (this.#state !== WAITING || head === undefined) return;
    this.#state = STREAMING;
    if (this.#bodyless) {
      this.#owner.answered(this, head);
    } else if (this.#bodyEnded) {
      // The whole body is here: handed over as bytes, no stream unless someone reads `body`.
      const pending = this.#pending;
      const bytes =
        pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#owner.answered(this, new BufferedAnswer(head, bytes));
    } else {
      const body = new ReadableStream<Uint8Array>(new BodySource(this), BODY_STRATEGY);
      this.#owner.answered(this, {
        status: head.status,
        statusText: head.statusText,
        headers: head.headers,
        body,
      });
    }
    if (this.#bodyEnded || this.#bodyless) this.#complete();
  }

  /** The body stream started: hand it what arrived before. */
  bodyStarted(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    for (const chunk of this.#pending) controller.enqueue(chunk);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The reader wants more: let the server write again. */
  bodyPulled(): void {
    this.socket?.release();
  }

  /** The reader cancelled the body: the connection closes. */
  bodyCancelled(reason: unknown): void {
    this.#controller = undefined;
    this.abort(reason);
  }

  #fail(reason: unknown): void {
    const state = this.#state;
    if (state === COMPLETE || state === FAILED) return;
    this.#state = FAILED;
    if (state === WAITING) {
      this.#owner.failed(this, reason);
    } else {
      const controller = this.#controller;
      this.#controller = undefined;
      try {
        controller?.error(reason);
      } catch {
        // Already closed or errored by the reader.
      }
    }
    this.#owner.settled(this);
  }
}
