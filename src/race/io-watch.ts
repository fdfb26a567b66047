/**
 * The outside world as a run's tasks reach it directly — not through a wrapped client or
 * `fetch`, but through the real clients the code under test already has:
 *
 * - **Sockets a task writes to** (a query on a `pg` connection opened before `explore()`, a
 *   Redis command, an `http.request`): the write is an operation, and every byte the server
 *   sends back is *held* — kept away from the client library — until the answer is complete
 *   (see `wire-framing.ts`) and fray decides to deliver it. The library then parses it, calls
 *   its callbacks and settles its promises in a turn fray chose, so replies from two
 *   connections arrive in the order a schedule says, and a replay does not depend on how TCP
 *   cut them.
 * - **Requests a task starts** (a file read, a DNS lookup, a new connection): real work in
 *   flight, waited for before the next decision like a wrapped client's.
 * - **Gaps**: task code that ran in a turn fray did not start, and real timers that escaped
 *   the virtual clock. They are recorded with what to do about them; a run with gaps is never
 *   part of an exhaustive claim.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createdByFray, creationSite, stackLines } from './async-tracker.ts';
import type { Frame } from './frames.ts';
import { realPerformanceNow } from './natives.ts';
import type { OpState, TaskState } from './state.ts';
import type { ControlGap, UncontrolledWork } from './types.ts';
import { framerFor, type Framer } from './wire-framing.ts';

/** Async resource types that are one request in flight: done when their callback runs. */
const REQUEST_TYPES = new Set([
  'FSREQCALLBACK',
  'FSREQPROMISE',
  'FILEHANDLECLOSEREQ',
  'GETADDRINFOREQWRAP',
  'GETNAMEINFOREQWRAP',
  'QUERYWRAP',
  'TCPCONNECTWRAP',
  'PIPECONNECTWRAP',
  'SHUTDOWNWRAP',
  'WRITEWRAP',
  'UDPSENDWRAP',
  'BLOBREADER',
]);

/** Whether a resource type is a request with a callback: crypto jobs end in `REQUEST`. */
function isRequest(type: string): boolean {
  return REQUEST_TYPES.has(type) || (type.endsWith('REQUEST') && /^[A-Z0-9]+$/.test(type));
}

/** What the watch needs from its run. */
export interface IoHost {
  readonly live: boolean;
  /** Open an operation for real work a task started (an answer on its way). */
  openIo(frame: Frame, label: string, deliver: () => void): OpState;
  /** The answer is complete: its delivery becomes a decision. */
  settleIo(op: OpState): void;
  /** Something changed that quiescence waits for. */
  poke(): void;
}

/** A socket a task wrote to in this run: its answers are held until delivered. */
export interface HeldSocket {
  readonly socket: Socket;
  readonly host: IoHost;
  readonly watch: IoWatch;
  readonly label: string;
  readonly framer: Framer | undefined;
  /** The operation of the answer being waited for or held, if any. */
  op: OpState | undefined;
  /** The frame of the last write: whose request the next answer belongs to. */
  frame: Frame;
  /** Held `push` arguments, in order (`[null]` is the end of the stream). */
  readonly held: [chunk: unknown, encoding: unknown][];
  /** Bytes of the current answer, for the framer. */
  readonly received: Buffer[];
  /** Barrier count when the latest chunk arrived (unknown protocols settle after a quiet one). */
  lastData: number;
}

// Which run holds each socket's answers. A socket outlives runs (a pool's connection): a
// later run takes it over at its first write.
const heldSockets = new WeakMap<object, HeldSocket>();

/** The held socket `socket` belongs to, while its run is live. */
export function heldSocket(socket: object): HeldSocket | undefined {
  const held = heldSockets.get(socket);
  return held?.host.live === true ? held : undefined;
}

const originalPush: (this: Readable, chunk: unknown, encoding?: BufferEncoding) => boolean =
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`
  Readable.prototype.push;

function describeSocket(socket: Socket): { label: string; port: number | undefined } {
  const address = socket.remoteAddress;
  const port = socket.remotePort;
  if (address === undefined) return { label: 'a socket', port };
  return { label: `${address.includes(':') ? `[${address}]` : address}:${port ?? '?'}`, port };
}

/** A short, stable description of the resource that began a foreign turn. */
function describeTurn(resource: object | undefined): string {
  if (resource === undefined) return 'work fray does not control';
  const name = resource.constructor.name;
  const peer = (resource as { getpeername?: (out: Record<string, unknown>) => number }).getpeername;
  if (typeof peer === 'function') {
    const out: Record<string, unknown> = {};
    try {
      if (peer.call(resource, out) === 0 && typeof out['address'] === 'string')
        return `a reply on a connection to ${String(out['address'])}:${String(out['port'])}`;
    } catch {
      // not a connected stream
    }
    return 'data on a connection';
  }
  if (name === 'FSReqCallback' || name === 'FSReqPromise' || name === 'FileHandle')
    return 'a file system request';
  if (name === 'GetAddrInfoReqWrap' || name === 'QueryReqWrap') return 'a DNS lookup';
  if (name === 'Timeout') return 'a real timer';
  if (name === 'Immediate') return 'a setImmediate callback queued by work fray does not control';
  return `a ${name} callback`;
}

/** The task-zone I/O of one run. */
export class IoWatch {
  readonly #host: IoHost;
  /** Whether awaits are scheduling points in this process (automatic control is on). */
  readonly #awaitsControlled: boolean;
  /** Requests in flight, by async id: started at, and the op they belong to. */
  readonly #requests = new Map<number, { readonly type: string; readonly startedAt: number }>();
  /** Every request a task started in this run, finished or not. */
  readonly #requestIds = new Set<number>();
  readonly #sockets = new Set<HeldSocket>();
  readonly gaps: ControlGap[] = [];
  readonly #gapKeys = new Set<string>();
  /** Real timers created by tasks, judged once their creator had a chance to `unref()` them. */
  #timers: { timer: WeakRef<object>; work: UncontrolledWork }[] = [];
  readonly uncontrolled: UncontrolledWork[] = [];
  #barriers = 0;

  constructor(host: IoHost, awaitsControlled: boolean) {
    this.#host = host;
    this.#awaitsControlled = awaitsControlled;
  }

  // ── async resources created in a task ─────────────────────────────────────

  /** A resource created in the `task` zone: track requests, remember real timers. */
  taskResource(asyncId: number, type: string, frame: Frame, resource: object | undefined): boolean {
    if (type === 'Timeout') {
      const lines = stackLines();
      if (createdByFray(lines) || resource === undefined) return false;
      const task = (frame.task as TaskState | undefined)?.label ?? 'setup';
      const op = (frame.op as OpState | undefined)?.key;
      this.#timers.push({
        timer: new WeakRef(resource),
        work: { type, task, operation: op, site: creationSite(lines) },
      });
      return false;
    }
    if (!isRequest(type)) return false;
    this.#requests.set(asyncId, { type, startedAt: realPerformanceNow() });
    this.#requestIds.add(asyncId);
    return true;
  }

  /** A tracked request's callback is about to run, or it is gone. */
  requestDone(asyncId: number): boolean {
    return this.#requests.delete(asyncId);
  }

  /**
   * Real timers a task created (not through the virtual `setTimeout`: Node's internals, a
   * library's captured reference) are gaps — unless `unref()`ed: housekeeping (Node's HTTP
   * `Date` header cache, a socket's idle timeout) never drives the application.
   */
  judgeTimers(): void {
    for (const { timer, work } of this.#timers) {
      const handle = timer.deref() as { hasRef?: () => boolean } | undefined;
      if (handle !== undefined && typeof handle.hasRef === 'function' && !handle.hasRef()) continue;
      if (!this.uncontrolled.some((u) => u.site === work.site)) this.uncontrolled.push(work);
      this.gap({
        kind: 'real-timer',
        task: work.task,
        what: `a real timer armed at ${work.site}: it fires on the wall clock, not at a decision`,
        fix: 'create it with the global setTimeout inside the task (fray makes those virtual), or inject a clock/timer function the test can replace.',
      });
    }
    this.#timers = [];
  }

  // ── sockets ────────────────────────────────────────────────────────────────

  /** A task wrote to a real socket: the answer is on its way, and will be held. */
  taskWrite(socket: Socket, chunk: unknown, encoding: unknown, frame: Frame): void {
    if (!this.#host.live) return;
    const bytes = toBuffer(chunk, encoding);
    let held = heldSockets.get(socket);
    if (held?.host !== this.#host) {
      const { label, port } = describeSocket(socket);
      const framer = framerFor(bytes, port);
      held = {
        socket,
        host: this.#host,
        watch: this,
        label: `${framer?.protocol ?? 'net'} ${label}`,
        framer,
        op: undefined,
        frame,
        held: [],
        received: [],
        lastData: 0,
      };
      heldSockets.set(socket, held);
      this.#sockets.add(held);
    }
    held.frame = frame;
    held.framer?.written(bytes);
    if (held.op === undefined) {
      const current = held;
      held.op = this.#host.openIo(frame, held.label, () => this.#flush(current));
    }
  }

  /** Bytes (or the end of the stream, `null`) arrived on a held socket. */
  data(held: HeldSocket, chunk: unknown, encoding: unknown): void {
    held.held.push([chunk, encoding]);
    if (chunk !== null && chunk !== undefined) held.received.push(toBuffer(chunk, encoding));
    held.lastData = this.#barriers;
    // An answer nobody asked for in this run (a notification): it is an operation of the last writer.
    held.op ??= this.#host.openIo(held.frame, held.label, () => this.#flush(held));
    if (held.op.phase !== 'running') return;
    const complete = chunk === null || (held.framer?.complete(held.received) ?? false);
    if (complete) this.#host.settleIo(held.op);
    else this.#host.poke();
  }

  #flush(held: HeldSocket): void {
    const chunks = held.held.splice(0);
    held.received.length = 0;
    held.op = undefined;
    held.framer?.delivered();
    for (const [chunk, encoding] of chunks)
      originalPush.call(held.socket, chunk, encoding as BufferEncoding | undefined);
  }

  /**
   * Called at every quiescence barrier: answers of protocols fray does not know are complete
   * once a whole turn passed without a new byte.
   */
  barrier(): void {
    this.#barriers++;
    for (const held of this.#sockets)
      if (
        held.framer === undefined &&
        held.op?.phase === 'running' &&
        held.received.length > 0 &&
        held.lastData < this.#barriers - 1
      )
        this.#host.settleIo(held.op);
  }

  /** When the oldest request a task started is in flight since (real ms), or undefined. */
  busySince(): number | undefined {
    let since: number | undefined;
    for (const request of this.#requests.values())
      since = since === undefined ? request.startedAt : Math.min(since, request.startedAt);
    return since;
  }

  /** An answer of an unknown protocol is still arriving: wait one more turn. */
  settling(): boolean {
    for (const held of this.#sockets)
      if (held.framer === undefined && held.op?.phase === 'running' && held.received.length > 0) return true;
    return false;
  }

  /** Requests in flight, for timeout messages. */
  inFlight(): string[] {
    return [...this.#requests.values()].map((r) => r.type);
  }

  /** Give every held socket its bytes back (the run ended): nothing stays withheld. */
  release(): void {
    for (const held of this.#sockets) {
      if (heldSockets.get(held.socket) === held) heldSockets.delete(held.socket);
      if (held.held.length > 0) this.#flush(held);
    }
    this.#sockets.clear();
  }

  // ── gaps ───────────────────────────────────────────────────────────────────

  /** Task code ran in a turn fray did not start. */
  resumedOutside(task: TaskState | undefined, turn: object | undefined, turnId: number): void {
    // Node's own promise machinery for a request a task started (fs.promises, dns.promises,
    // webcrypto) runs in the request's turn. With awaits controlled, the task's own code goes
    // on only at a decision, and quiescence waited for the request: only that machinery runs.
    if (this.#awaitsControlled && this.#requestIds.has(turnId)) return;
    const what = describeTurn(turn);
    const key = `${task?.label ?? ''}\u0000${what}`;
    if (this.#gapKeys.has(key)) return;
    this.#gapKeys.add(key);
    this.gap({
      kind: 'resumed-outside',
      task: task?.label,
      what: `${task === undefined ? 'a task' : task.label} was resumed by ${what}${what.startsWith('a reply on a connection') ? ' (opened before explore(), or not written by a task)' : ''}, not by a decision`,
      fix: this.#awaitsControlled
        ? "a callback or .then() ran there; pass the client through ctl.wrap(client, 'label') so its calls become operations"
        : "turn on automatic control (the Vitest plugin frayRace() from 'fray/race/vite', or node --import fray/race/register), or pass the client through ctl.wrap(client, 'label')",
    });
  }

  /** Record a gap once. */
  gap(gap: ControlGap): void {
    const key = `${gap.kind}\u0000${gap.task ?? ''}\u0000${gap.what}`;
    if (this.gaps.some((g) => `${g.kind}\u0000${g.task ?? ''}\u0000${g.what}` === key)) return;
    this.gaps.push(gap);
  }
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}
