/**
 * The two places fray/race touches `net.Socket` while an exploration runs — the only way to
 * see a request on a connection that already exists, and its answer:
 *
 * - `write`: in a wrapped client's real work it tells the run that real I/O is in flight; in a
 *   task it opens an operation for the answer (see `io-watch.ts`).
 * - `push`: bytes read from a socket a task wrote to are held by that run until it delivers
 *   them; every other socket reads as usual.
 * - `connect`: where a socket was asked to connect, so its label is the same while it
 *   connects and once it is connected.
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
 * A client connection to a server — over TCP, TLS or a local socket, connected or still
 * connecting — and not a connection a server accepted (`server` set), the process's own
 * stdio, or a terminal.
 */
function isClientSocket(socket: net.Socket): boolean {
  const internal = socket as net.Socket & { server?: unknown; _handle?: object | null };
  if (internal.server !== undefined && internal.server !== null) return false;
  if (
    socket === (process.stdout as unknown) ||
    socket === (process.stderr as unknown) ||
    socket === (process.stdin as unknown)
  )
    return false;
  const kind = internal._handle?.constructor.name;
  return kind === 'TCP' || kind === 'TLSWrap' || kind === 'Pipe' || (kind === undefined && socket.connecting);
}

const prototype = net.Socket.prototype as unknown as Record<string, unknown>;
const saved: Record<'write' | 'push' | 'connect', PropertyDescriptor | undefined> = {
  write: undefined,
  push: undefined,
  connect: undefined,
};
let replacements: { write: unknown; push: unknown; connect: unknown } | undefined;

/** Where each socket connected while fray watched: labels stay the same once it is connected. */
const targets = new WeakMap<object, string>();

/**
 * The stable name of the server a socket talks to: where it was asked to connect (while an
 * exploration ran), else its remote address — the same before and after the connection is up.
 */
export function socketTarget(socket: net.Socket): string | undefined {
  const target = targets.get(socket);
  if (target !== undefined) return target;
  const address = socket.remoteAddress;
  if (address === undefined) return undefined;
  return `${address.includes(':') ? `[${address}]` : address}:${socket.remotePort ?? '?'}`;
}

function connectTarget(args: unknown[]): string | undefined {
  const [first, second] = args;
  const options = (Array.isArray(first) ? first[0] : first) as
    { port?: unknown; host?: unknown; path?: unknown } | number | string | undefined;
  if (typeof options === 'object' && options !== null) {
    if (typeof options.path === 'string') return options.path;
    return `${typeof options.host === 'string' ? options.host : 'localhost'}:${String(options.port)}`;
  }
  if (typeof options === 'number' || (typeof options === 'string' && /^\d+$/.test(options)))
    return `${typeof second === 'string' ? second : 'localhost'}:${String(options)}`;
  return typeof options === 'string' ? options : undefined;
}

/** Patch `write` and `push` on `net.Socket.prototype` (idempotent). */
export function patchSockets(): void {
  if (replacements !== undefined) return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`
  const write = net.Socket.prototype.write;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`
  const push = Readable.prototype.push;
  const writeV = function (this: net.Socket, ...args: unknown[]): boolean {
    const frame = frames.getStore();
    const encoding = typeof args[1] === 'string' ? args[1] : undefined;
    if (frame !== undefined && isSocketWorld(frame.run) && frame.zone !== 'setup') {
      if (frame.zone === 'real') frame.run.socketWrite();
      else if (isClientSocket(this)) frame.run.taskSocketWrite(this, args[0], encoding, frame);
    } else {
      // A request the client library sends on its own, on a connection a task wrote to: a
      // query it had queued, sent when the previous answer arrived (at a decision, in no
      // task's frame). Its answer is held like the first one.
      const held = heldSocket(this);
      if (held !== undefined) held.watch.taskWrite(this, args[0], encoding, held.frame);
    }
    return Reflect.apply(write, this, args) as boolean;
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`
  const connect = net.Socket.prototype.connect;
  const connectV = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const target = connectTarget(args);
    if (target !== undefined) targets.set(this, target);
    return Reflect.apply(connect, this, args) as net.Socket;
  };
  const pushV = function (this: net.Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
    const held = heldSocket(this);
    if (held === undefined) return Reflect.apply(push, this, [chunk, encoding]);
    held.watch.data(held, chunk, encoding);
    return true;
  };
  for (const key of ['write', 'push', 'connect'] as const)
    saved[key] = Object.getOwnPropertyDescriptor(prototype, key);
  replacements = { write: writeV, push: pushV, connect: connectV };
  for (const [key, value] of Object.entries(replacements))
    Object.defineProperty(prototype, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Give `write` and `push` back (only those still fray's). */
export function unpatchSockets(): void {
  if (replacements === undefined) return;
  for (const key of ['write', 'push', 'connect'] as const) {
    if (prototype[key] !== replacements[key]) continue;
    const before = saved[key];
    if (before === undefined) delete prototype[key];
    else Object.defineProperty(prototype, key, before);
  }
  replacements = undefined;
}
