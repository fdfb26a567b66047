/**
 * Protocol messages passed through to a session byte for byte — what fray's wire server does
 * with a URL client's statements, so that clients which speak the protocol themselves
 * (postgres.js, psql, the Prisma CLI, a child process) get the server's exact answers:
 * binary formats, `ParameterDescription`, COPY, portals.
 *
 * A {@link RawCycle} is a `pg` submittable: `pg` starts it when the session is free (the
 * view's gate has admitted it), it writes the client's messages through the session's
 * {@link RawTransport} and hands every backend message back until `ReadyForQuery`, which it
 * keeps (the wire server writes its own, with the client's transaction status).
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Framer, readyStatus, type Frame } from './wire-protocol.ts';

/** One exchange on a session: messages out, backend messages back until ReadyForQuery. */
export interface RawExchange {
  send(bytes: Buffer): void;
}

/** How raw protocol bytes reach a session's backend. */
export interface RawTransport {
  /**
   * Whether `COPY … FROM STDIN` can pass through. PGlite's protocol entry point cannot
   * wait for the data: the instance exits, so fray refuses the statement instead.
   */
  readonly copyIn: boolean;
  /**
   * Start an exchange on `connection` (pg's connection object, handed to a submittable's
   * `submit`). Backend messages go to `onFrame`; `onReady` gets the final ReadyForQuery.
   */
  open(
    connection: unknown,
    onFrame: (frame: Frame) => void,
    onReady: (status: 'I' | 'T' | 'E') => void,
    onFail: (error: Error) => void,
  ): RawExchange;
}

/**
 * A real server: bytes go to the connection's socket; a listener beside `pg`'s own reads the
 * same bytes back (pg parses them too, and routes them to the active submittable).
 *
 * @example
 * ```ts
 * const transport = serverTransport();
 * ```
 */
export function serverTransport(): RawTransport {
  return {
    copyIn: true,
    open(connection, onFrame, onReady, onFail) {
      const stream = (connection as { stream?: Socket }).stream;
      if (stream === undefined || typeof stream.write !== 'function') {
        throw new Error('fray/db: this session has no socket to pass protocol messages through');
      }
      const framer = new Framer();
      const tap = (chunk: Buffer): void => {
        let frames: Frame[];
        try {
          frames = framer.push(chunk);
        } catch (error) {
          stream.off('data', tap);
          onFail(error as Error);
          return;
        }
        for (const frame of frames) {
          if (frame.type === 'Z') {
            stream.off('data', tap);
            onReady(readyStatus(frame));
            return;
          }
          onFrame(frame);
        }
      };
      stream.on('data', tap);
      return { send: (bytes) => void stream.write(bytes) };
    },
  };
}

/**
 * The one PGlite method the transport uses (typed here: PGlite's own declarations need
 * Emscripten's types, which fray's users should not have to install).
 */
export interface PgliteProtocol {
  execProtocolRaw(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * PGlite: bytes go to the instance's protocol entry point; its answer comes back whole. The
 * final ReadyForQuery is also given to `pg`'s client (through its adapter connection), so
 * it knows the session is idle again and what its transaction status is.
 *
 * @example
 * ```ts
 * const transport = pgliteTransport(pglite);
 * ```
 */
export function pgliteTransport(pglite: PgliteProtocol): RawTransport {
  return {
    copyIn: false,
    open(connection, onFrame, onReady, onFail) {
      const framer = new Framer();
      let chain: Promise<void> = Promise.resolve();
      let finished = false;
      const deliver = (output: Uint8Array): void => {
        for (const frame of framer.push(output)) {
          if (finished) return;
          if (frame.type === 'Z') {
            finished = true;
            const status = readyStatus(frame);
            onReady(status);
            (connection as EventEmitter).emit('readyForQuery', { name: 'readyForQuery', length: 5, status });
            return;
          }
          onFrame(frame);
        }
      };
      return {
        send(bytes) {
          chain = chain
            .then(() => pglite.execProtocolRaw(bytes))
            .then(deliver, (error: unknown) => {
              finished = true;
              const message = (error as { message?: unknown } | null)?.message;
              onFail(
                new Error(
                  `PGlite failed while running the statement (${typeof message === 'string' ? message : String(error)})`,
                  { cause: error },
                ),
              );
            });
        },
      };
    },
  };
}

/**
 * A client's messages up to and including its `Sync` (or one `Query`, plus the COPY data
 * that follows it), run on the session as one `pg` submittable.
 *
 * @example
 * ```ts
 * const cycle = new RawCycle(session.transport, (frame) => socket.write(frame.bytes));
 * cycle.send(parse); cycle.send(bind); cycle.send(execute); cycle.send(sync);
 * await core.exchange(owner, cycle); // resolves after the backend's ReadyForQuery
 * ```
 */
export class RawCycle {
  private readonly transport: RawTransport;
  private readonly forward: (frame: Frame) => void;
  private exchange: RawExchange | undefined;
  private readonly pending: Buffer[] = [];
  /** The transport failed: the session is unusable. */
  failure: Error | undefined;
  /** Whether the backend's ReadyForQuery arrived. */
  ready = false;

  constructor(transport: RawTransport, forward: (frame: Frame) => void) {
    this.transport = transport;
    this.forward = forward;
  }

  /** Pass one client message on (buffered until the session is free for this cycle). */
  send(bytes: Buffer): void {
    if (this.exchange === undefined) this.pending.push(bytes);
    else this.exchange.send(bytes);
  }

  /** Called by `pg` once the session is free for this cycle. */
  submit(connection: unknown): void {
    this.exchange = this.transport.open(
      connection,
      (frame) => this.forward(frame),
      () => {
        this.ready = true;
      },
      (error) => {
        this.failure = error;
        (connection as EventEmitter).emit('error', error);
      },
    );
    for (const bytes of this.pending.splice(0)) this.exchange.send(bytes);
  }

  // pg routes the backend messages it parsed to the active submittable; the bytes already
  // went to the client through the transport, so these have nothing left to do.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}
  handleError(): void {}
  handleReadyForQuery(): void {}
}
