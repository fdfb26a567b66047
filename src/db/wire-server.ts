/**
 * fray's PostgreSQL wire server: every `isolated()` view (and every `fresh()` database on
 * PGlite) gets a `url` on a loopback port, so clients that only take a connection string —
 * postgres.js, slonik, knex, TypeORM, Sequelize, the Prisma CLI, psql, a child process —
 * run inside the test's view like `view.pool` does.
 *
 * One server per test database, started on first use, listening on `127.0.0.1` only. Each
 * view registers under a random database name (`fray_view_<hex>`); a connection naming a
 * disposed or unknown view is refused with `3D000`. Authentication is `trust`: the random
 * name is the only key, and the server never leaves the loopback interface.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { Background } from './background.ts';
import type { Owner } from './gate.ts';
import { WireConnection, type WireHost, type WireTarget } from './wire-connection.ts';

/** A view's registration: its URL, and how to cut its connections when it is disposed. */
export interface WireRegistration {
  readonly url: string;
  /** Close every connection to this view (with a FATAL message) and forget the name. */
  close(reason: string): void;
}

interface Entry {
  readonly target: WireTarget;
  readonly connections: Set<WireConnection>;
}

const PARAMETERS_QUERY =
  "select current_setting('server_version') as v, current_setting('TimeZone') as tz, current_setting('DateStyle') as ds, current_setting('IntervalStyle') as iv, current_setting('is_superuser') as su, current_user as u";

const FIXED_PARAMETERS: readonly (readonly [string, string])[] = [
  ['server_encoding', 'UTF8'],
  ['client_encoding', 'UTF8'],
  ['integer_datetimes', 'on'],
  ['standard_conforming_strings', 'on'],
];

/**
 * The loopback server behind `view.url`.
 *
 * @example
 * ```ts
 * const server = await WireServer.start();
 * const registration = server.register({ core, virtualTransactions: true });
 * const sql = postgres(registration.url);
 * ```
 */
export class WireServer {
  private readonly server: Server;
  private readonly entries = new Map<string, Entry>();
  private readonly connections = new Set<WireConnection>();
  private readonly owners = new WeakMap<WireConnection, Entry>();
  private parameters: Promise<readonly (readonly [string, string])[]> | undefined;
  readonly port: number;

  private constructor(server: Server, port: number) {
    this.server = server;
    this.port = port;
  }

  /** Listen on a free loopback port. */
  static async start(): Promise<WireServer> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Test runners must be able to exit while a database is still open.
    server.unref();
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('fray wire server: no TCP port');
    const wire = new WireServer(server, address.port);
    server.on('connection', (socket) => wire.accept(socket));
    return wire;
  }

  /** Serve `target` under a new name; its URL is ready at once. */
  register(target: WireTarget): WireRegistration {
    const name = `fray_view_${randomBytes(8).toString('hex')}`;
    const entry: Entry = { target, connections: new Set() };
    this.entries.set(name, entry);
    return {
      url: `postgresql://fray@127.0.0.1:${this.port}/${name}`,
      close: (reason) => {
        this.entries.delete(name);
        for (const connection of [...entry.connections]) connection.terminate(reason);
      },
    };
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    for (const connection of [...this.connections]) {
      connection.terminate('terminating connection: the fray test database was ended');
    }
    this.entries.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.unref();
    const host: WireHost = {
      resolve: (database, connection) => {
        const entry = this.entries.get(database);
        if (entry !== undefined) {
          entry.connections.add(connection);
          this.owners.set(connection, entry);
        }
        return entry?.target;
      },
      parameters: (target, owner) => this.parametersFor(target, owner),
      closed: (closed) => {
        this.connections.delete(closed);
        this.owners.get(closed)?.connections.delete(closed);
      },
    };
    this.connections.add(new WireConnection(socket, host));
  }

  /** ParameterStatus values: the real server's version, time zone and user, asked once. */
  private parametersFor(target: WireTarget, owner: Owner): Promise<readonly (readonly [string, string])[]> {
    this.parameters ??= target.core
      .run(owner, { config: PARAMETERS_QUERY, values: undefined, text: PARAMETERS_QUERY })
      .then((result) => {
        const row = (Array.isArray(result) ? result[0] : result)?.rows[0] as Record<string, string>;
        return [
          ['server_version', row['v'] ?? ''],
          ...FIXED_PARAMETERS,
          ['DateStyle', row['ds'] ?? 'ISO, MDY'],
          ['IntervalStyle', row['iv'] ?? 'postgres'],
          ['TimeZone', row['tz'] ?? 'UTC'],
          ['is_superuser', row['su'] ?? 'off'],
          ['session_authorization', row['u'] ?? ''],
        ] as const;
      });
    this.parameters.catch(() => {
      this.parameters = undefined;
    });
    return this.parameters;
  }
}

/**
 * A test database's wire server, started on first use (in the database's background
 * context, so no test is charged with its socket) and closed with the database.
 *
 * @example
 * ```ts
 * const wire = new LazyWireServer(background);
 * const server = await wire.get(); // started once
 * await wire.close();
 * ```
 */
export class LazyWireServer {
  private readonly background: Background;
  private started: Promise<WireServer> | undefined;

  constructor(background: Background) {
    this.background = background;
  }

  /** The server, started if needed. */
  get(): Promise<WireServer> {
    this.started ??= this.background.run(() => WireServer.start());
    this.started.catch(() => {
      this.started = undefined;
    });
    return this.started;
  }

  /** Close the server if it was started. */
  async close(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    if (started === undefined) return;
    const server = await started.catch(() => undefined);
    await server?.close();
  }
}
