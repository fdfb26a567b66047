/**
 * The two places fray/race touches `net.Socket` while an exploration runs — the only way to
 * see a request on a connection that already exists, and its answer:
 *
 * - `write`: in a wrapped client's real work it tells the run that real I/O is in flight; in a
 *   task it opens an operation for the answer (see `io-watch.ts`).
 * - `push`: bytes read from a socket a task wrote to are held by that run until it delivers
 *   them; every other socket reads as usual.
 *
 * Both delegate straight to Node's own methods for code outside a run. Installed with the
 * other globals when the first exploration starts, removed when the last one ends.
 *
 * @module
 */
import net from 'node:net';
import { Readable } from 'node:stream';
import { frames, type Frame } from './frames.ts';
import { heldSocket } from './io-watch.ts';

/** What a run offers to the socket patches. */
export interface SocketWorld {
  /** The real work running now wrote to a socket: its answer comes from outside. */
  socketWrite(): void;
  /** A task wrote to a real socket. */
  taskSocketWrite(socket: net.Socket, chunk: unknown, encoding: unknown, frame: Frame): void;
}

function isSocketWorld(run: unknown): run is SocketWorld {
  return typeof (run as Partial<SocketWorld> | undefined)?.taskSocketWrite === 'function';
}

/**
 * A client connection to a server: connected over TCP (it has a remote port) or connecting,
 * and not a connection a server accepted (`server` set) nor a pipe to stdio.
 */
function isClientSocket(socket: net.Socket): boolean {
  const internal = socket as net.Socket & { server?: unknown; _host?: unknown };
  if (internal.server !== undefined && internal.server !== null) return false;
  return socket.remotePort !== undefined || (socket.connecting && typeof internal._host === 'string');
}

const prototype = net.Socket.prototype as unknown as Record<string, unknown>;
const saved: { write?: PropertyDescriptor | undefined; push?: PropertyDescriptor | undefined } = {};
let replacements: { write: unknown; push: unknown } | undefined;

/** Patch `write` and `push` on `net.Socket.prototype` (idempotent). */
export function patchSockets(): void {
  if (replacements !== undefined) return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`
  const write = net.Socket.prototype.write;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`
  const push = Readable.prototype.push;
  const writeV = function (this: net.Socket, ...args: unknown[]): boolean {
    const frame = frames.getStore();
    if (frame !== undefined && isSocketWorld(frame.run)) {
      if (frame.zone === 'real') frame.run.socketWrite();
      else if (frame.zone === 'task' && isClientSocket(this))
        frame.run.taskSocketWrite(this, args[0], typeof args[1] === 'string' ? args[1] : undefined, frame);
    }
    return Reflect.apply(write, this, args) as boolean;
  };
  const pushV = function (this: net.Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
    const held = heldSocket(this);
    if (held === undefined) return Reflect.apply(push, this, [chunk, encoding]);
    held.watch.data(held, chunk, encoding);
    return true;
  };
  saved.write = Object.getOwnPropertyDescriptor(prototype, 'write');
  saved.push = Object.getOwnPropertyDescriptor(prototype, 'push');
  replacements = { write: writeV, push: pushV };
  for (const [key, value] of Object.entries(replacements))
    Object.defineProperty(prototype, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Give `write` and `push` back (only those still fray's). */
export function unpatchSockets(): void {
  if (replacements === undefined) return;
  for (const key of ['write', 'push'] as const) {
    if (prototype[key] !== replacements[key]) continue;
    const before = saved[key];
    if (before === undefined) delete prototype[key];
    else Object.defineProperty(prototype, key, before);
  }
  replacements = undefined;
}
