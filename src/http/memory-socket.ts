/**
 * The in-memory connection an injected request travels on: a `Duplex` that looks like a
 * `net.Socket` to the app (addresses, `encrypted` for https, `setTimeout`, `setNoDelay`…)
 * and hands every byte the server writes to fray. Node's own `ServerResponse` writes to it
 * exactly what it would write to a TCP socket, so status line, headers and framing are the
 * real ones; nothing of Node's or the framework's prototypes is touched.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { Duplex } from 'node:stream';

// Captured at module load: a test's fake timers must not freeze socket timeouts.
const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;

/** Where the bytes written by the server go, and what the connection's owner is told. */
export interface SocketSink {
  /**
   * What the server wrote: bytes, or a string in `encoding` (the socket does not turn strings
   * into bytes; Node's header block arrives as text). Return `false` to hold the write until
   * `release()` (backpressure).
   */
  written(chunk: Buffer | string, encoding: BufferEncoding): boolean;
  /** The server ended its side of the connection (`socket.end()`, `destroySoon()`). */
  ended(): void;
  /** The connection closed (`'close'`). */
  closed(): void;
  /** The write buffer drained after a write returned `false` (`'drain'`). */
  drained(): void;
  /** The idle timeout set with `setTimeout()` passed (`'timeout'`). */
  timedOut(): void;
  /**
   * A `'data'` listener threw — Node's server, when the app's request listener throws while
   * it parses the bytes of a raw request. Without this, the error propagates.
   */
  threw?(error: unknown): void;
}

/** The addresses the app sees; the same for every connection of a client. */
export interface SocketProfile {
  readonly remoteAddress: string;
  readonly remoteFamily: string;
  readonly localAddress: string;
  readonly localPort: number;
  /** `true` for https: `req.socket.encrypted`, as on a TLS socket. */
  readonly encrypted: boolean;
  /** The `http.Server` the request was dispatched through, if any (`req.socket.server`). */
  readonly server: unknown;
}

/**
 * The profile of a client's connections.
 *
 * @example
 * ```ts
 * socketProfile('127.0.0.1', 443, true, undefined).remoteFamily; // 'IPv4'
 * ```
 */
export function socketProfile(
  remoteAddress: string,
  localPort: number,
  encrypted: boolean,
  server: unknown,
): SocketProfile {
  return {
    remoteAddress,
    remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4',
    localAddress: '127.0.0.1',
    localPort,
    encrypted,
    server,
  };
}

let nextPort = 49_152;

/** An ephemeral-looking client port, different for each connection (for logs and rate limiters). */
export function ephemeralPort(): number {
  const port = nextPort;
  nextPort = nextPort === 65_535 ? 49_152 : nextPort + 1;
  return port;
}

/** A `net.Socket` look-alike backed by memory. */
export class MemorySocket extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily: string;
  readonly localAddress: string;
  readonly localPort: number;
  declare encrypted?: boolean;
  server: unknown;
  bytesRead = 0;
  bytesWritten = 0;
  timeout: number | undefined = undefined;
  /** Called when the app wants more of the request body (it called `read()`/resumed). */
  onResume: (() => void) | undefined = undefined;
  /** Called when the server reads the connection's bytes again (raw requests' backpressure). */
  onRead: (() => void) | undefined = undefined;

  readonly #sink: SocketSink;
  #held: ((error?: Error | null) => void) | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(profile: SocketProfile, remotePort: number, sink: SocketSink) {
    super({ allowHalfOpen: true, decodeStrings: false });
    this.remoteAddress = profile.remoteAddress;
    this.remotePort = remotePort;
    this.remoteFamily = profile.remoteFamily;
    this.localAddress = profile.localAddress;
    this.localPort = profile.localPort;
    this.server = profile.server;
    if (profile.encrypted) this.encrypted = true;
    this.#sink = sink;
  }

  get localFamily(): string {
    return this.remoteFamily;
  }

  get connecting(): boolean {
    return false;
  }

  get pending(): boolean {
    return false;
  }

  get readyState(): string {
    return this.destroyed ? 'closed' : 'open';
  }

  /**
   * Events the owner must handle are delivered to the sink as they are emitted (cheaper than
   * four listeners per connection); an `'error'` nobody listens to is swallowed, as Node's
   * server does with its own socket error handler.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    switch (event) {
      case 'close':
        this.#sink.closed();
        break;
      case 'drain':
        this.#sink.drained();
        break;
      case 'timeout':
        this.#sink.timedOut();
        break;
      case 'error':
        if (this.listenerCount('error') === 0) return false;
        break;
      case 'data':
        if (this.#sink.threw === undefined) break;
        try {
          return super.emit(event, ...args);
        } catch (error) {
          this.#sink.threw(error);
          return true;
        }
      default:
        break;
    }
    return super.emit(event, ...args);
  }

  override _read(): void {
    // In fetch mode request bytes never travel through the socket (the body is pushed into
    // the request); in raw mode they do, and the server reading them again releases the writer.
    this.onRead?.();
  }

  override _write(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.bytesWritten += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.byteLength;
    this.#touch();
    if (this.#sink.written(chunk, encoding)) callback();
    else this.#held = callback;
  }

  override _writev(
    chunks: { chunk: Buffer | string; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    let accepted = true;
    for (const { chunk, encoding } of chunks) {
      this.bytesWritten += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.byteLength;
      accepted = this.#sink.written(chunk, encoding);
    }
    this.#touch();
    if (accepted) callback();
    else this.#held = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#sink.ended();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#clearTimer();
    const held = this.#held;
    this.#held = undefined;
    held?.(error ?? null);
    callback(error);
  }

  /** The reader took the bytes: accept the next write. */
  release(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    held();
  }

  override resume(): this {
    this.onResume?.();
    return super.resume();
  }

  /** Like `net.Socket#setTimeout`: emit `'timeout'` after `ms` without writes; `0` disables. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    this.timeout = ms === 0 ? undefined : ms;
    this.#clearTimer();
    if (ms > 0 && Number.isFinite(ms)) this.#arm(ms);
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: this.localFamily, port: this.localPort };
  }

  destroySoon(): void {
    if (this.writable) this.end();
    else this.destroy();
  }

  resetAndDestroy(): this {
    return this.destroy();
  }

  #arm(ms: number): void {
    const timer = realSetTimeout(() => {
      this.#timer = undefined;
      this.emit('timeout');
    }, ms);
    timer.unref();
    this.#timer = timer;
  }

  #touch(): void {
    if (this.#timer === undefined || this.timeout === undefined) return;
    this.#timer.refresh();
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    realClearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
