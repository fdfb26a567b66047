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
import { socketTarget } from './socket-patches.ts';
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

/**
 * Whether a resource type is a request with a callback: crypto jobs end in `REQUEST`
 * (`RANDOMBYTESREQUEST`, `PBKDF2REQUEST`…) — but not `HTTPCLIENTREQUEST`, which lives as long
 * as an HTTP exchange and whose traffic is watched on its socket.
 */
function isRequest(type: string): boolean {
  return REQUEST_TYPES.has(type) || (/^[A-Z0-9]+REQUEST$/.test(type) && !type.startsWith('HTTP'));
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
  /** A request went out to the outside world (it may release a lock someone waits on). */
  sent(): void;
}

/** One request on a held socket: the operation its answer is delivered by. */
interface Exchange {
  /** The operation delivering the answer; none for a handshake, passed on as it arrives. */
  readonly op: OpState | undefined;
  /** When the request was written (real ms): a handshake is real work fray waits for. */
  readonly since: number;
  /** Answers the request asks for (see `Framer.requests`); 0 while its last part is unwritten. */
  expected: number;
  /** Bytes the server sent unasked (a notification): not waiting for a request's end. */
  readonly unsolicited: boolean;
  /** The answer's bytes, once complete (`null`: the end of the stream). */
  answer: [chunk: unknown, encoding: unknown][] | undefined;
}

/** A socket a task wrote to in this run: its answers are held until delivered, in order. */
export interface HeldSocket {
  readonly socket: Socket;
  readonly host: IoHost;
  readonly watch: IoWatch;
  readonly label: string;
  readonly framer: Framer | undefined;
  /** Requests whose answers are awaited or held, oldest first. */
  readonly exchanges: Exchange[];
  /** The frame of the last write: whose request an answer nobody asked for belongs to. */
  frame: Frame;
  /** Bytes received and not yet assigned to an answer. */
  pending: Buffer;
  /** The stream ended (`push(null)`) after the pending bytes. */
  ended: boolean;
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
  const target = socketTarget(socket) ?? 'a socket';
  const port = socket.remotePort ?? Number(/:(\d+)$/.exec(target)?.[1] ?? Number.NaN);
  return { label: target, port: Number.isNaN(port) ? undefined : port };
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

  /** A task wrote to a real socket: an answer is on its way, and will be held. */
  taskWrite(socket: Socket, chunk: unknown, encoding: unknown, frame: Frame): void {
    if (!this.#host.live) return;
    this.#host.sent();
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
        exchanges: [],
        frame,
        pending: Buffer.alloc(0),
        ended: false,
        lastData: 0,
      };
      heldSockets.set(socket, held);
      this.#sockets.add(held);
    }
    held.frame = frame;
    const count = held.framer?.requests(bytes) ?? 1;
    const last = held.exchanges.at(-1);
    // The rest of a request: a body after its head, a Sync after its Parse.
    if (
      last !== undefined &&
      last.answer === undefined &&
      !last.unsolicited &&
      (count === 0 || last.expected === 0)
    ) {
      last.expected += count;
      return;
    }
    // Opening the connection is not an interleaving point: its answer goes straight through.
    const handshake = held.framer?.handshake?.(bytes) === true;
    held.exchanges.push({
      op: handshake ? undefined : this.#open(held, frame),
      since: realPerformanceNow(),
      expected: count,
      answer: undefined,
      unsolicited: false,
    });
  }

  #open(held: HeldSocket, frame: Frame): OpState {
    return this.#host.openIo(frame, held.label, () => this.#deliver(held));
  }

  /** Bytes (or the end of the stream, `null`) arrived on a held socket. */
  data(held: HeldSocket, chunk: unknown, encoding: unknown): void {
    if (chunk === null || chunk === undefined) held.ended = true;
    else held.pending = Buffer.concat([held.pending, toBuffer(chunk, encoding)]);
    held.lastData = this.#barriers;
    if (held.framer !== undefined) this.#assign(held);
    else this.#host.poke();
  }

  /**
   * Cut the bytes received into answers, oldest request first. Answers nobody asked for (a
   * notification) become an exchange of the last writer. Only the oldest undelivered answer
   * is settled — its delivery a decision — so a connection's bytes reach the client in order.
   */
  #assign(held: HeldSocket, quiet = false): void {
    for (;;) {
      const next = held.exchanges.find((e) => e.answer === undefined);
      if (held.pending.length === 0 && !held.ended) break;
      // A request still being written: its answer cannot be cut yet.
      if (next !== undefined && !next.unsolicited && next.expected === 0 && !quiet) break;
      const exchange = next ?? {
        op: this.#open(held, held.frame),
        since: realPerformanceNow(),
        expected: 0,
        answer: undefined,
        unsolicited: true,
      };
      if (next === undefined) held.exchanges.push(exchange);
      const length = quiet
        ? held.pending.length
        : held.pending.length === 0
          ? 0
          : held.framer?.answer(held.pending, exchange.expected);
      if (length === undefined && !held.ended) break;
      const take = length ?? held.pending.length;
      exchange.answer = take > 0 ? [[held.pending.subarray(0, take), undefined]] : [];
      // Its answer is here: what it waits for now is the delivery of the answers before it.
      if (exchange.op !== undefined) exchange.op.didIO = false;
      held.pending = held.pending.subarray(take);
      if (held.pending.length === 0 && held.ended) {
        exchange.answer.push([null, undefined]);
        held.ended = false;
      }
      if (quiet) break;
    }
    this.#advance(held);
    this.#host.poke();
  }

  /**
   * Pass on complete handshake answers at the head of the connection, then settle the oldest
   * complete answer: its delivery is the next decision about this connection.
   */
  #advance(held: HeldSocket): void {
    for (let head = held.exchanges[0]; head?.answer !== undefined; head = held.exchanges[0]) {
      if (head.op !== undefined) {
        if (head.op.phase === 'running') this.#host.settleIo(head.op);
        return;
      }
      held.exchanges.shift();
      for (const [chunk, encoding] of head.answer)
        originalPush.call(held.socket, chunk, encoding as BufferEncoding | undefined);
    }
  }

  /** Hand the oldest answer to the client library, then settle the next one if complete. */
  #deliver(held: HeldSocket): void {
    const exchange = held.exchanges.shift();
    for (const [chunk, encoding] of exchange?.answer ?? [])
      originalPush.call(held.socket, chunk, encoding as BufferEncoding | undefined);
    this.#advance(held);
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
        (held.pending.length > 0 || held.ended) &&
        held.lastData < this.#barriers - 1
      )
        this.#assign(held, true);
  }

  /** No socket held, no request in flight, no real timer to judge. */
  idle(): boolean {
    return this.#sockets.size === 0 && this.#requests.size === 0 && this.#timers.length === 0;
  }

  /** When the oldest request a task started is in flight since (real ms), or undefined. */
  busySince(): number | undefined {
    let since: number | undefined;
    for (const request of this.#requests.values())
      since = since === undefined ? request.startedAt : Math.min(since, request.startedAt);
    // A connection being opened: its handshake is real work, not a decision.
    for (const held of this.#sockets)
      for (const exchange of held.exchanges)
        if (exchange.op === undefined && exchange.answer === undefined)
          since = since === undefined ? exchange.since : Math.min(since, exchange.since);
    return since;
  }

  /** An answer of an unknown protocol is still arriving: wait one more turn. */
  settling(): boolean {
    for (const held of this.#sockets)
      if (held.framer === undefined && (held.pending.length > 0 || held.ended)) return true;
    return false;
  }

  /** Requests in flight, for timeout messages. */
  inFlight(): string[] {
    const opening = [...this.#sockets].filter((held) =>
      held.exchanges.some((exchange) => exchange.op === undefined && exchange.answer === undefined),
    );
    return [...this.#requests.values()]
      .map((r) => r.type)
      .concat(opening.map((held) => `${held.label} (opening)`));
  }

  /** Give every held socket its bytes back (the run ended): nothing stays withheld. */
  release(): void {
    for (const held of this.#sockets) {
      if (heldSockets.get(held.socket) === held) heldSockets.delete(held.socket);
      for (const exchange of held.exchanges.splice(0))
        for (const [chunk, encoding] of exchange.answer ?? [])
          originalPush.call(held.socket, chunk, encoding as BufferEncoding | undefined);
      if (held.pending.length > 0) originalPush.call(held.socket, held.pending);
      if (held.ended) originalPush.call(held.socket, null);
    }
    this.#sockets.clear();
  }

  /** Whether `handle` is the handle of a socket this run holds (a turn its data began). */
  #ownsHandle(handle: object | undefined): boolean {
    if (handle === undefined) return false;
    for (const held of this.#sockets)
      if ((held.socket as Socket & { _handle?: object | null })._handle === handle) return true;
    return false;
  }

  // ── gaps ───────────────────────────────────────────────────────────────────

  /** Task code ran in a turn fray did not start. */
  resumedOutside(task: TaskState | undefined, turn: object | undefined, turnId: number): void {
    // Node's own promise machinery for a request a task started (fs.promises, dns.promises,
    // webcrypto), or a client library finishing a connection's handshake, runs in that work's
    // turn. With awaits controlled, the task's own code goes on only at a decision, and
    // quiescence waited for that work: only the machinery runs there.
    if (this.#awaitsControlled && (this.#requestIds.has(turnId) || this.#ownsHandle(turn))) return;
    const what = describeTurn(turn);
    const key = `${task?.label ?? ''}\u0000${what}`;
    if (this.#gapKeys.has(key)) return;
    this.#gapKeys.add(key);
    this.gap({
      kind: 'resumed-outside',
      task: task?.label,
      what: `${task === undefined ? 'a task' : task.label} was resumed by ${what}${what.startsWith('a reply on a connection') ? ' (opened before explore(), or not written by a task)' : ''}, not by a decision`,
      fix: what.startsWith('a real timer')
        ? 'a timer armed outside the tasks (in setup, or before explore()) woke it: arm it inside a task, where fray makes it virtual, or give the code a clock the test controls'
        : this.#awaitsControlled
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
