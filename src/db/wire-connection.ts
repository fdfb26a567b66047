/**
 * One client connected to a view's URL: the start-up handshake, then every message routed
 * through the view's gate as one more "connection" of its pool.
 *
 * - Statements pass through to the view's session byte for byte ({@link RawCycle}), one
 *   `Sync` (or one `Query`) at a time, so the client gets the server's exact answers.
 * - Inside `isolated()`, transaction control never reaches the server as sent: `BEGIN`,
 *   `COMMIT`, `ROLLBACK`, `SAVEPOINT`… (simple or extended protocol) run through the view's
 *   statement runner, which turns them into savepoints of the test's transaction — exactly
 *   what `view.pool` does — and the connection answers with the command tag and the
 *   transaction status the client expects. A statement outside the client's transaction runs
 *   under the runner's statement savepoint, so a failure undoes only itself.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { natives } from '../control/index.ts';
import type { Owner } from './gate.ts';
import type { PoolCore } from './pool-core.ts';
import { RawCycle } from './raw-exchange.ts';
import type { PgResult } from './runners.ts';
import { classifyQuery, type StatementKind } from './statement-kind.ts';
import {
  backend,
  bindFields,
  CANCEL_REQUEST,
  errorFields,
  executePortal,
  Framer,
  frontend,
  GSSENC_REQUEST,
  parseFields,
  PROTOCOL_3,
  queryText,
  renameStatement,
  SSL_REQUEST,
  startupParameters,
  targetFields,
  type Frame,
} from './wire-protocol.ts';

/** What a URL leads to: a pool core, and whether transaction control is the runner's. */
export interface WireTarget {
  readonly core: PoolCore;
  /** `isolated()`: the client's transaction control becomes savepoints of the test's. */
  readonly virtualTransactions: boolean;
}

/** What a connection needs from its server. */
export interface WireHost {
  /** The target a start-up packet's `database` names, if it is still open. */
  resolve(database: string, connection: WireConnection): WireTarget | undefined;
  /** ParameterStatus values sent at start-up. */
  parameters(target: WireTarget, owner: Owner): Promise<readonly (readonly [string, string])[]>;
  /** The connection is gone. */
  closed(connection: WireConnection): void;
}

/** A prepared statement or portal the connection answers itself (transaction control). */
interface Virtual {
  readonly text: string;
  /** Refused instead of run: the error to answer its Execute with. */
  readonly refuse?: string | undefined;
}

const COPY_FROM_STDIN = /\bcopy\b[\s\S]*\bfrom\s+stdin\b/i;

const COPY_REFUSED =
  "COPY … FROM STDIN is not supported on a PGlite view's URL: PGlite cannot wait for the data and its instance would exit. insert the rows with INSERT, or use engine 'postgres', where COPY passes through (FRAY_DB_UNSUPPORTED)";

type Cycle =
  | { readonly kind: 'virtual'; failed: boolean }
  | {
      readonly kind: 'raw';
      readonly raw: RawCycle;
      readonly done: Promise<unknown>;
      /** The terminating message (Sync, Query) was sent: only COPY data may follow. */
      terminated: boolean;
    };

function isVirtualKind(kind: StatementKind): boolean {
  return kind.kind !== 'other' && kind.kind !== 'unlisten';
}

const COPY_MESSAGES = new Set(['d', 'c', 'f']);

/**
 * A client connection to a view's URL.
 *
 * @example
 * ```ts
 * server.on('connection', (socket) => new WireConnection(socket, host));
 * ```
 */
let connections = 0;

export class WireConnection {
  /** This connection's number in the process: its statements' prefix on the shared session. */
  private readonly id = ++connections;
  private readonly socket: Socket;
  private readonly host: WireHost;
  private readonly framer = new Framer();
  private started = false;
  private target: WireTarget | undefined;
  private owner: Owner | undefined;
  private readonly queue: Frame[] = [];
  private pumping = false;
  private cycle: Cycle | undefined;
  /** A simple query's answer is being written: sent at its ReadyForQuery, not before. */
  private holding = false;
  private readonly statements = new Map<string, Virtual>();
  /**
   * Named statements this connection prepared on the shared session: deallocated when it
   * closes, or the next connection's client (postgres.js names statements after their text)
   * would find them and fail with "prepared statement … already exists".
   */
  private readonly prepared = new Set<string>();
  private readonly portals = new Map<string, Virtual>();
  /** Forward the runner's notices while it answers a statement itself. */
  private answering = false;
  private ended = false;
  /** Bytes for the client not yet written (see `write`). */
  private outgoing: Buffer[] = [];
  private flushQueued = false;

  constructor(socket: Socket, host: WireHost) {
    this.socket = socket;
    this.host = host;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
  }

  /** Close the connection with a FATAL message (the view is being disposed). */
  terminate(message: string): void {
    if (this.ended) return;
    this.write(backend.error({ S: 'FATAL', V: 'FATAL', C: '57P01', M: message }));
    this.flush();
    this.socket.end();
    this.end();
  }

  /** Receives the runner's notices (PoolCore routes them to the owner's target). */
  emit(event: string, ...args: unknown[]): boolean {
    if (event !== 'notice' || !this.answering) return false;
    this.write(backend.notice(errorFields(args[0], 'NOTICE')));
    return true;
  }

  private receive(chunk: Buffer): void {
    if (this.ended) return;
    try {
      if (!this.started) {
        this.startup(chunk);
        return;
      }
      for (const frame of this.framer.push(chunk)) this.accept(frame);
    } catch (error) {
      this.fatal('08P01', `fray wire server: ${(error as Error).message}`);
    }
  }

  private pendingStartup: Buffer = Buffer.alloc(0);

  private startup(chunk: Buffer): void {
    this.pendingStartup = Buffer.concat([this.pendingStartup, chunk]);
    for (;;) {
      if (this.pendingStartup.length < 8) return;
      const length = this.pendingStartup.readInt32BE(0);
      if (length < 8 || length > 10_000) throw new Error(`invalid start-up packet length ${length}`);
      if (this.pendingStartup.length < length) return;
      const packet = this.pendingStartup.subarray(0, length);
      const rest = this.pendingStartup.subarray(length);
      this.pendingStartup = Buffer.alloc(0);
      const code = packet.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N');
        this.pendingStartup = rest;
        continue;
      }
      if (code === CANCEL_REQUEST) {
        // No backend process to signal: a cancel cannot interrupt a statement here.
        this.flush();
        this.socket.end();
        this.end();
        return;
      }
      if (code !== PROTOCOL_3) {
        this.fatal('0A000', `fray wire server: unsupported protocol version ${code >> 16}.${code & 0xffff}`);
        return;
      }
      this.started = true;
      void this.open(startupParameters(packet));
      if (rest.length > 0) for (const frame of this.framer.push(rest)) this.accept(frame);
      return;
    }
  }

  private async open(parameters: Map<string, string>): Promise<void> {
    const database = parameters.get('database') ?? parameters.get('user') ?? '';
    const target = this.host.resolve(database, this);
    if (target === undefined) {
      this.fatal(
        '3D000',
        `database "${database}" does not exist: fray serves only open isolated() views and fresh() databases, at the URL each one gives (view.url); this one was disposed or never existed.`,
      );
      return;
    }
    this.target = target;
    this.owner = target.core.openClient(this);
    try {
      const statuses = await this.host.parameters(target, this.owner);
      this.write(backend.authenticationOk());
      for (const [name, value] of statuses) this.write(backend.parameterStatus(name, value));
      const application = parameters.get('application_name');
      if (application !== undefined) this.write(backend.parameterStatus('application_name', application));
      this.write(backend.backendKeyData(process.pid, this.owner.id));
      this.write(backend.readyForQuery('I'));
    } catch (error) {
      this.fatal('57P01', `fray wire server: ${(error as Error).message}`);
      return;
    }
    void this.pump();
  }

  private accept(frame: Frame): void {
    const cycle = this.cycle;
    if (cycle?.kind === 'raw' && cycle.terminated && COPY_MESSAGES.has(frame.type) && !cycle.raw.ready) {
      cycle.raw.send(frame.bytes);
      return;
    }
    this.queue.push(frame);
    if (this.owner !== undefined) void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const frame = this.queue.shift();
        if (frame === undefined || this.ended) break;
        await this.handle(frame);
      }
    } catch (error) {
      this.fatal('XX000', `fray wire server: ${(error as Error).message}`);
    } finally {
      this.pumping = false;
    }
  }

  private async handle(frame: Frame): Promise<void> {
    switch (frame.type) {
      case 'X':
        this.flush();
        this.socket.end();
        this.end();
        return;
      case 'Q':
        await this.simpleQuery(queryText(frame), frame);
        return;
      case 'S':
        await this.sync(frame);
        return;
      case 'H':
        if (this.cycle?.kind === 'raw') this.cycle.raw.send(frame.bytes);
        return;
      case 'P':
      case 'B':
      case 'D':
      case 'E':
      case 'C':
      case 'F':
        await this.extended(frame);
        return;
      default:
        // CopyData outside COPY, a password nobody asked for: the server ignores them too.
        return;
    }
  }

  /** The transaction status this client sees. */
  private status(): 'I' | 'T' | 'E' {
    return this.target!.core.statusFor(this.owner!);
  }

  private async simpleQuery(text: string, frame: Frame): Promise<void> {
    this.holding = true;
    try {
      await this.simpleQueryAnswer(text, frame);
    } finally {
      this.holding = false;
      this.flush();
    }
  }

  private async simpleQueryAnswer(text: string, frame: Frame): Promise<void> {
    if (this.refusesCopy(text)) {
      this.write(backend.error({ S: 'ERROR', V: 'ERROR', C: '0A000', M: COPY_REFUSED }));
      this.write(backend.readyForQuery(this.status()));
      return;
    }
    const shape = this.target!.virtualTransactions ? classifyQuery(text) : undefined;
    if (shape === undefined || (shape.several && !shape.control)) {
      await this.rawQuery(frame.bytes);
    } else if (!shape.several) {
      if (isVirtualKind(shape.statement)) await this.answer(text);
      else await this.rawQuery(frame.bytes);
    } else {
      // A script with transaction control: one statement at a time, as the server would.
      for (const statement of shape.statements) {
        const ok = isVirtualKind(statement.kind)
          ? await this.answer(statement.text)
          : await this.rawQuery(frontend.query(statement.text));
        if (!ok) break;
      }
    }
    this.write(backend.readyForQuery(this.status()));
  }

  /** Pass one `Query` message through; false when it failed. */
  private async rawQuery(bytes: Buffer): Promise<boolean> {
    let failed = false;
    const raw = new RawCycle(this.target!.core.session.transport, (backendFrame) => {
      if (backendFrame.type === 'E') failed = true;
      this.write(backendFrame.bytes);
    });
    const done = this.target!.core.exchange(this.owner!, raw);
    this.cycle = { kind: 'raw', raw, done, terminated: true };
    raw.send(bytes);
    try {
      await done;
    } catch (error) {
      failed = true;
      this.write(backend.error(errorFields(error)));
    } finally {
      this.cycle = undefined;
    }
    this.checkBroken(raw);
    return !failed;
  }

  /** Run a transaction-control statement through the view's runner; false when it failed. */
  private async answer(text: string): Promise<boolean> {
    this.answering = true;
    let result: PgResult;
    try {
      result = await this.target!.core.run(this.owner!, { config: text, values: undefined, text });
    } catch (error) {
      this.write(backend.error(errorFields(error)));
      return false;
    } finally {
      this.answering = false;
    }
    for (const one of Array.isArray(result) ? result : [result]) {
      this.write(backend.commandComplete(one.command));
    }
    return true;
  }

  /**
   * The name a client's statement has on the shared session: its own, prefixed with this
   * connection's — another connection's client (postgres.js names statements after a counter)
   * may prepare the same name on the same session.
   */
  private statementName(name: string): string {
    return `fray${this.id}_${name}`;
  }

  private refusesCopy(text: string): boolean {
    return !this.target!.core.session.transport.copyIn && COPY_FROM_STDIN.test(text);
  }

  private virtualOf(frame: Frame): Virtual | undefined {
    if (frame.type === 'P') {
      const { text } = parseFields(frame);
      if (this.refusesCopy(text)) return { text, refuse: COPY_REFUSED };
    }
    if (!this.target!.virtualTransactions) return undefined;
    switch (frame.type) {
      case 'P': {
        const { text } = parseFields(frame);
        const shape = classifyQuery(text);
        return !shape.several && isVirtualKind(shape.statement) ? { text } : undefined;
      }
      case 'B':
        return this.statements.get(bindFields(frame).statement);
      case 'D':
      case 'C': {
        const { what, name } = targetFields(frame);
        return what === 'S' ? this.statements.get(name) : this.portals.get(name);
      }
      case 'E':
        return this.portals.get(executePortal(frame));
      default:
        return undefined;
    }
  }

  private async extended(frame: Frame): Promise<void> {
    const cycle = this.cycle;
    if (cycle?.kind === 'virtual' && cycle.failed) return; // skipped until Sync, as the server does
    const virtual = this.virtualOf(frame);
    if (virtual === undefined) {
      this.forget(frame);
      if (frame.type === 'P') {
        const { statement } = parseFields(frame);
        if (statement !== '') this.prepared.add(this.statementName(statement));
      } else if (frame.type === 'C') {
        const { what, name } = targetFields(frame);
        if (what === 'S') this.prepared.delete(this.statementName(name));
      }
      const bytes = renameStatement(frame, (name) => this.statementName(name));
      if (cycle?.kind === 'raw') cycle.raw.send(bytes);
      else this.startRaw().raw.send(bytes);
      return;
    }
    if (cycle?.kind === 'raw') {
      // The server already has part of this pipeline; fray cannot answer the rest itself.
      cycle.raw.send(frontend.sync());
      cycle.terminated = true;
      await cycle.done.catch(() => undefined);
      this.fatal(
        '0A000',
        `fray wire server: transaction control (${virtual.text.slice(0, 40)}) in the same extended-protocol pipeline (before one Sync) as other statements is not supported on an isolated() view's URL`,
      );
      return;
    }
    const current: Cycle = cycle ?? { kind: 'virtual', failed: false };
    this.cycle = current;
    await this.answerExtended(frame, virtual, current);
  }

  private async answerExtended(
    frame: Frame,
    virtual: Virtual,
    cycle: Extract<Cycle, { kind: 'virtual' }>,
  ): Promise<void> {
    switch (frame.type) {
      case 'P':
        this.statements.set(parseFields(frame).statement, virtual);
        this.write(backend.parseComplete());
        return;
      case 'B':
        this.portals.set(bindFields(frame).portal, virtual);
        this.write(backend.bindComplete());
        return;
      case 'D':
        if (targetFields(frame).what === 'S') this.write(backend.noParameters());
        this.write(backend.noData());
        return;
      case 'C': {
        const { what, name } = targetFields(frame);
        (what === 'S' ? this.statements : this.portals).delete(name);
        this.write(backend.closeComplete());
        return;
      }
      case 'E':
        if (virtual.refuse !== undefined) {
          this.write(backend.error({ S: 'ERROR', V: 'ERROR', C: '0A000', M: virtual.refuse }));
          cycle.failed = true;
        } else if (!(await this.answer(virtual.text))) cycle.failed = true;
        return;
      default:
        return;
    }
  }

  /** A real statement or portal replaces a virtual one of the same name. */
  private forget(frame: Frame): void {
    if (frame.type === 'P') this.statements.delete(parseFields(frame).statement);
    else if (frame.type === 'B') this.portals.delete(bindFields(frame).portal);
  }

  private startRaw(): Extract<Cycle, { kind: 'raw' }> {
    const raw = new RawCycle(this.target!.core.session.transport, (backendFrame) =>
      this.write(backendFrame.bytes),
    );
    const done = this.target!.core.exchange(this.owner!, raw);
    done.catch(() => undefined);
    const cycle = { kind: 'raw' as const, raw, done, terminated: false };
    this.cycle = cycle;
    return cycle;
  }

  private async sync(frame: Frame): Promise<void> {
    const cycle = this.cycle;
    if (cycle?.kind === 'raw') {
      cycle.raw.send(frame.bytes);
      cycle.terminated = true;
      try {
        await cycle.done;
      } catch (error) {
        this.write(backend.error(errorFields(error)));
      } finally {
        this.cycle = undefined;
      }
      this.checkBroken(cycle.raw);
    } else this.cycle = undefined;
    if (!this.ended) this.write(backend.readyForQuery(this.status()));
  }

  private checkBroken(raw: RawCycle): void {
    if (raw.failure !== undefined) this.fatal('08006', `fray wire server: ${raw.failure.message}`);
  }

  private fatal(code: string, message: string): void {
    if (this.ended) return;
    this.write(backend.error({ S: 'FATAL', V: 'FATAL', C: code, M: message }));
    this.flush();
    this.socket.end();
    this.end();
  }

  /**
   * Queue bytes for the client and send them together: everything up to a ReadyForQuery goes
   * out in one write, as a server sends an answer — an ErrorResponse and the ReadyForQuery
   * after it must not arrive in two TCP segments, or a client reading its transaction status
   * right after the error sees the old one. Anything else is flushed at the end of the turn.
   */
  private write(bytes: Buffer): void {
    if (this.ended || !this.socket.writable) return;
    this.outgoing.push(bytes);
    // ReadyForQuery ends an answer; CopyInResponse/CopyBothResponse wait for the client.
    if (bytes[0] === 0x5a || bytes[0] === 0x47 || bytes[0] === 0x57) this.flush();
    // A simple query always ends with a ReadyForQuery: hold its answer until then, however
    // long the statement savepoint around it takes on the server.
    else if (!this.flushQueued && !this.holding) {
      this.flushQueued = true;
      natives.setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.outgoing.length === 0) return;
    const bytes = this.outgoing.length === 1 ? (this.outgoing[0] as Buffer) : Buffer.concat(this.outgoing);
    this.outgoing = [];
    if (!this.ended && this.socket.writable) this.socket.write(bytes);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    const cycle = this.cycle;
    if (cycle?.kind === 'raw' && !cycle.raw.ready) {
      // The client left mid-exchange: end the backend's side so the session is free again —
      // a pipeline without its Sync gets one; a COPY waiting for data gets CopyFail (which
      // the server ignores when it is not in COPY).
      if (cycle.terminated) cycle.raw.send(frontend.copyFail('the client disconnected'));
      else cycle.raw.send(frontend.sync());
    }
    const target = this.target;
    const owner = this.owner;
    if (target !== undefined && owner !== undefined) {
      const statements = [...this.prepared];
      this.prepared.clear();
      void (async () => {
        for (const name of statements)
          await this.rawQuery(frontend.query(`DEALLOCATE "${name.replaceAll('"', '""')}"`)).catch(
            () => false,
          );
        await target.core.closeClient(owner);
      })().catch(() => {
        // The session broke: the view reports it and discards the session at dispose.
      });
    }
    this.host.closed(this);
  }
}
