/**
 * The WebSocket a test holds: `client.websocket(path)` returns an {@link InjectedWebSocket},
 * a `ws` client connected in-process (see `websocket-connect.ts`) behind a queue-based API
 * made for tests — `send`, `receive` with a timeout, `close` with a code, `closed`.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { HttpWebSocketClosedError, HttpWebSocketTimeoutError } from '../errors/index.ts';

// Captured at module load: receive timeouts must fire under a test's fake timers.
const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;
const decoder = new TextDecoder();

/** Options of `client.websocket()`. */
export interface WebSocketOptions {
  /** Subprotocols offered in `Sec-WebSocket-Protocol`. Default: none. */
  readonly protocols?: string | readonly string[];
  /** Extra handshake headers (merged over the client's default headers). */
  readonly headers?: HeadersInit;
  /**
   * Milliseconds allowed for the handshake and, by default, for each `receive()`. Default:
   * the client's `timeout`.
   */
  readonly timeout?: number;
  /** Offer permessage-deflate compression. Default `false` (frames stay readable in traces). */
  readonly perMessageDeflate?: boolean;
}

/** A message received on an in-process WebSocket. */
export interface WebSocketMessage {
  /** Text frames are strings, binary frames bytes. */
  readonly data: string | Uint8Array;
  /** Whether the frame was binary. */
  readonly binary: boolean;
  /** The data as text (binary frames decoded as UTF-8). */
  text(): string;
  /** The data parsed as JSON. */
  json<T = unknown>(): T;
}

/** How a WebSocket closed. */
export interface WebSocketClose {
  /** The close code (1000 normal, 1001 going away, 1006 abnormal — no close frame, 4000–4999 app). */
  readonly code: number;
  readonly reason: string;
}

/** The parts of the underlying `ws` client exposed as `raw` (it is a full `ws` WebSocket). */
export interface RawWebSocket {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string | ArrayBufferView | ArrayBuffer, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(data?: unknown): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
}

const CONNECTING = 0;
const OPEN = 1;

/**
 * An in-process WebSocket with a test-friendly API: `send`, `receive` (a queue, with a
 * timeout), `close` with a code, `closed`, async iteration and `await using`.
 *
 * @example
 * ```ts
 * await using ws = await client.websocket('/chat');
 * await ws.send('hello');
 * expect(await ws.receiveText()).toBe('echo: hello');
 * expect(await ws.close(1000, 'bye')).toEqual({ code: 1000, reason: 'bye' });
 * ```
 */
export class InjectedWebSocket implements AsyncDisposable, AsyncIterable<WebSocketMessage> {
  /** The path the socket connected to. */
  readonly path: string;
  /** Resolves when the socket has closed, with the code and reason. */
  readonly closed: Promise<WebSocketClose>;
  /** The underlying `ws` client, for what this API does not cover (`ping`, events). */
  readonly raw: RawWebSocket;
  readonly #ws: RawWebSocket;
  readonly #timeout: number;
  readonly #queue: WebSocketMessage[] = [];
  readonly #waiters: { resolve(message: WebSocketMessage): void; reject(error: Error): void }[] = [];
  #close: WebSocketClose | undefined;

  /** Created by `client.websocket()` around a connected `ws` client. */
  constructor(ws: RawWebSocket, path: string, timeout: number) {
    this.#ws = ws;
    this.raw = ws;
    this.path = path;
    this.#timeout = timeout;
    ws.on('message', (data: Uint8Array | ArrayBuffer | Uint8Array[], isBinary: boolean) => {
      this.#push(toMessage(data, isBinary));
    });
    this.closed = new Promise<WebSocketClose>((resolve) => {
      ws.once('close', (code: number, reason: Uint8Array) => {
        const close = { code, reason: decoder.decode(reason) };
        this.#close = close;
        for (const waiter of this.#waiters.splice(0)) {
          waiter.reject(new HttpWebSocketClosedError(path, close.code, close.reason));
        }
        resolve(close);
      });
    });
    // Errors after the handshake end in 'close' (code 1006); keep them from crashing the process.
    ws.on('error', () => undefined);
  }

  /** The subprotocol the server chose (`''` if none). */
  get protocol(): string {
    return this.#ws.protocol;
  }

  /** `0` connecting, `1` open, `2` closing, `3` closed. */
  get readyState(): number {
    return this.#ws.readyState;
  }

  /** Send a text (string) or binary frame; resolves once the frame is written. */
  send(data: string | ArrayBufferView | ArrayBuffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#ws.send(data, (error?: Error) => (error ? reject(error) : resolve()));
    });
  }

  /** Send `value` as a JSON text frame. */
  sendJson(value: unknown): Promise<void> {
    return this.send(JSON.stringify(value));
  }

  /**
   * The next message (queued messages first). Rejects with `FRAY_HTTP_WS_CLOSED` when the
   * socket closed with nothing left, `FRAY_HTTP_WS_TIMEOUT` after `timeout` ms.
   */
  receive(options: { readonly timeout?: number } = {}): Promise<WebSocketMessage> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#close !== undefined) {
      return Promise.reject(new HttpWebSocketClosedError(this.path, this.#close.code, this.#close.reason));
    }
    const timeout = options.timeout ?? this.#timeout;
    return new Promise<WebSocketMessage>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = {
        resolve: (message: WebSocketMessage) => {
          if (timer !== undefined) realClearTimeout(timer);
          resolve(message);
        },
        reject: (error: Error) => {
          if (timer !== undefined) realClearTimeout(timer);
          reject(error);
        },
      };
      if (Number.isFinite(timeout)) {
        timer = realSetTimeout(() => {
          const index = this.#waiters.indexOf(waiter);
          if (index !== -1) this.#waiters.splice(index, 1);
          reject(new HttpWebSocketTimeoutError(this.path, timeout));
        }, timeout);
      }
      this.#waiters.push(waiter);
    });
  }

  /** The next message as text. */
  async receiveText(options?: { readonly timeout?: number }): Promise<string> {
    return (await this.receive(options)).text();
  }

  /** The next message parsed as JSON. */
  async receiveJson<T = unknown>(options?: { readonly timeout?: number }): Promise<T> {
    return (await this.receive(options)).json<T>();
  }

  /**
   * Start the closing handshake and wait for it to finish. Default code 1000. Resolves with
   * how the socket closed (the server's code when it answered with its own).
   */
  close(code?: number, reason?: string): Promise<WebSocketClose> {
    const state = this.#ws.readyState;
    if (state === OPEN || state === CONNECTING) this.#ws.close(code, reason);
    return this.closed;
  }

  /** Close the socket (going away, 1001) if it is open, and wait until it is closed. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#close !== undefined) return;
    await this.close(1001, 'client disposed');
  }

  /** Messages until the socket closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    for (;;) {
      try {
        yield await this.receive({ timeout: Infinity });
      } catch (error) {
        if (error instanceof HttpWebSocketClosedError) return;
        throw error;
      }
    }
  }

  #push(message: WebSocketMessage): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(message);
    else this.#queue.push(message);
  }
}

function toMessage(data: Uint8Array | ArrayBuffer | Uint8Array[], binary: boolean): WebSocketMessage {
  const bytes = Array.isArray(data)
    ? concat(data)
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const payload: string | Uint8Array = binary ? bytes : decoder.decode(bytes);
  return {
    data: payload,
    binary,
    text: () => (typeof payload === 'string' ? payload : decoder.decode(payload)),
    json: <T>() => JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload)) as T,
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
