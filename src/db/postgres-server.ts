/**
 * fray/db's side of a real PostgreSQL server: naming, creating, marking and dropping its
 * own databases, building schema templates, and cleaning up after runs that died.
 *
 * Ownership and liveness. Each `createTestDatabase()` is a *run* with a random key. Its
 * maintenance connection carries `application_name = 'fray:<key>:<pid>'` for as long as
 * the run lives, and every database it creates is named `fray_<key>_<kind><n>`. A run is
 * dead when no session with its application name is left on the server — the server sees
 * the socket close when the process exits, even on SIGKILL — and only then may another run
 * drop its databases. Nothing else is ever dropped: every drop is checked against the name
 * patterns in `safety.ts`, and stale cleanup never forces out a connected session.
 *
 * Templates are named `fray_tpl_<schema hash>`, marked `IS_TEMPLATE` with connections
 * disallowed and a JSON comment, and published by an atomic rename once migrated, so a
 * half-built template can never be cloned.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { DbDropFailedError, DbPermissionError, DbUnreachableError } from '../errors/index.ts';
import { Background } from './background.ts';
import { applyMigrations, type MigrationPlan } from './migrations.ts';
import { createFrayPool } from './pg-pool.ts';
import { PoolCore } from './pool-core.ts';
import { DirectRunner } from './runners.ts';
import {
  assertFrayDatabase,
  assertLocalHost,
  parseUrl,
  redactUrl,
  staleOwned,
  TEMPLATE_DATABASE,
  withDatabase,
  type ParsedUrl,
  type RunDatabaseKind,
} from './safety.ts';
import { Session } from './session.ts';

/** Namespace of fray's advisory locks (`'fray'` as an int4), first key of the two-key form. */
const LOCK_NAMESPACE = 0x66726179 | 0;
const APP_PREFIX = 'fray:';
const CONNECT_TIMEOUT_MS = 10_000;

/** The JSON comment fray puts on each database it creates. */
export interface DatabaseMark {
  readonly fray: 1;
  readonly kind: 'worker' | 'fresh' | 'build' | 'template';
  readonly run?: string;
  readonly pid?: number;
  readonly host?: string;
  readonly source?: string;
  readonly hash?: string;
  readonly created: string;
}

const KIND_NAMES: Record<RunDatabaseKind, DatabaseMark['kind']> = {
  w: 'worker',
  f: 'fresh',
  b: 'build',
  t: 'template',
};

function hashKey(hash: string): number {
  return Number.parseInt(hash.slice(0, 8), 16) | 0;
}

function newRunKey(): string {
  const value = BigInt(`0x${randomBytes(8).toString('hex')}`);
  return value.toString(36).padStart(13, '0').slice(-10);
}

function sqlCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A maintenance connection whose statements run one at a time. */
class Maintenance {
  readonly session: Session;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(session: Session) {
    this.session = session;
  }

  run<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const result = this.chain.then(
      () => work(this.session.client),
      () => work(this.session.client),
    );
    this.chain = result.catch(() => undefined);
    return result;
  }
}

/** Options of {@link PostgresServer.open}. */
export interface ServerOptions {
  readonly allowRemote: boolean;
  readonly types: pg.CustomTypesConfig | undefined;
}

/**
 * A connection to a PostgreSQL server on behalf of one run.
 *
 * @example
 * ```ts
 * const server = await PostgresServer.open('postgres://postgres@127.0.0.1:5432/postgres', { allowRemote: false, types: undefined });
 * const name = server.nameFor('f');
 * await server.createDatabase(name, template, 'fresh');
 * await server.dropDatabase(name, { force: true });
 * await server.close();
 * ```
 */
export class PostgresServer {
  /** This run's key: in every database name it creates and in its application_name. */
  readonly runKey: string;
  /** The application_name of every connection of this run. */
  readonly appName: string;
  readonly parsed: ParsedUrl;
  private readonly baseUrl: string;
  private readonly admin: Maintenance;
  private readonly types: pg.CustomTypesConfig | undefined;
  private counter = 0;
  private readonly background = new Background();
  private readonly drops = new Set<Promise<void>>();
  private readonly dropFailures: unknown[] = [];

  private constructor(
    baseUrl: string,
    parsed: ParsedUrl,
    runKey: string,
    admin: Session,
    types: pg.CustomTypesConfig | undefined,
  ) {
    this.baseUrl = baseUrl;
    this.parsed = parsed;
    this.runKey = runKey;
    this.appName = `${APP_PREFIX}${runKey}:${process.pid}`;
    this.admin = new Maintenance(admin);
    this.types = types;
  }

  /** Check the URL is allowed, connect, and claim a run key. */
  static async open(url: string, options: ServerOptions): Promise<PostgresServer> {
    const parsed = parseUrl(url);
    assertLocalHost(parsed, options.allowRemote);
    const runKey = newRunKey();
    const appName = `${APP_PREFIX}${runKey}:${process.pid}`;
    // The maintenance connection goes to the `postgres` database when it can: fray's
    // advisory locks are per database, and every run should meet on the same one.
    const candidates = [...new Set(['postgres', parsed.database ?? 'postgres', 'template1'])];
    let lastError: unknown;
    for (const database of candidates) {
      const client = new pg.Client({
        connectionString: withDatabase(url, database),
        application_name: appName,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        ...(options.types === undefined ? {} : { types: options.types }),
      });
      try {
        const session = await Session.connect(client, `fray maintenance connection (${database})`);
        return new PostgresServer(url, parsed, runKey, session, options.types);
      } catch (error) {
        lastError = error;
        await client.end().catch(() => undefined);
        const code = sqlCode(error);
        // No such database, or no CONNECT on it: try the next maintenance database.
        if (code === '3D000' || code === '42501') continue;
        break;
      }
    }
    throw new DbUnreachableError(parsed.redacted, lastError);
  }

  /** A new database name of this run. */
  nameFor(kind: RunDatabaseKind): string {
    return `fray_${this.runKey}_${kind}${++this.counter}`;
  }

  /** Connection URL of one of fray's databases. */
  urlFor(name: string): string {
    assertFrayDatabase(name);
    return withDatabase(this.baseUrl, name);
  }

  /** A new session on one of fray's databases. */
  async connect(name: string, label: string): Promise<Session> {
    const client = new pg.Client({
      connectionString: this.urlFor(name),
      application_name: this.appName,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(this.types === undefined ? {} : { types: this.types }),
    });
    try {
      return await Session.connect(client, label);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new DbUnreachableError(redactUrl(this.urlFor(name)), error);
    }
  }

  /** A second maintenance connection, for background work that must not queue behind drops. */
  async openMaintenance(): Promise<{ run: Maintenance['run']; close: () => Promise<void> }> {
    const client = new pg.Client({
      connectionString: withDatabase(this.baseUrl, this.admin.session.client.database ?? 'postgres'),
      application_name: this.appName,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    let session: Session;
    try {
      session = await Session.connect(client, 'fray clone connection');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new DbUnreachableError(this.parsed.redacted, error);
    }
    const maintenance = new Maintenance(session);
    return { run: (work) => maintenance.run(work), close: () => session.close() };
  }

  /**
   * `CREATE DATABASE name TEMPLATE template`, then mark it. `via` runs it on another
   * maintenance connection.
   */
  async createDatabase(
    name: string,
    template: string,
    mark: Omit<DatabaseMark, 'fray' | 'created' | 'run' | 'pid' | 'host'>,
    via: Maintenance['run'] = (work) => this.admin.run(work),
  ): Promise<void> {
    assertFrayDatabase(name);
    const comment: DatabaseMark = {
      fray: 1,
      ...mark,
      run: this.runKey,
      pid: process.pid,
      host: hostname(),
      created: new Date().toISOString(),
    };
    await via(async (client) => {
      try {
        await client.query(
          `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
        );
      } catch (error) {
        if (sqlCode(error) === '42501')
          throw new DbPermissionError(this.parsed.user, this.parsed.redacted, error);
        throw error;
      }
      await client.query(
        `COMMENT ON DATABASE ${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(JSON.stringify(comment))}`,
      );
    });
  }

  /** Drop one of fray's databases; `force` disconnects its sessions first (own databases only). */
  async dropDatabase(name: string, options: { force: boolean }): Promise<void> {
    assertFrayDatabase(name);
    await this.admin.run(async (client) => {
      const quoted = pg.escapeIdentifier(name);
      // Templates (and a build that died between being marked and being renamed) refuse
      // DROP until unmarked.
      const marked = await client.query<{ datistemplate: boolean }>(
        'SELECT datistemplate FROM pg_database WHERE datname = $1',
        [name],
      );
      if (marked.rows[0]?.datistemplate === true)
        await client.query(`ALTER DATABASE ${quoted} IS_TEMPLATE false`);
      await client.query(`DROP DATABASE IF EXISTS ${quoted}${options.force ? ' WITH (FORCE)' : ''}`);
    });
  }

  /** Drop one of this run's databases in the background; {@link close} waits for it. */
  dropLater(name: string): void {
    const drop = this.background
      .run(() => this.dropDatabase(name, { force: true }))
      .then(
        () => {
          this.drops.delete(drop);
        },
        (error: unknown) => {
          this.drops.delete(drop);
          this.dropFailures.push(error);
        },
      );
    this.drops.add(drop);
  }

  /** Whether a database exists, and whether it is a template. */
  async lookup(name: string): Promise<{ exists: boolean; isTemplate: boolean }> {
    const result = await this.admin.run((client) =>
      client.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [
        name,
      ]),
    );
    const row = result.rows[0];
    return { exists: row !== undefined, isTemplate: row?.datistemplate === true };
  }

  /**
   * Drop the databases of runs that are gone: run-scoped names whose run has no session
   * left on the server and that carry fray's mark for that run (see `staleOwned`).
   * Databases someone is connected to are skipped (never forced). Returns the names
   * dropped, and the look-alikes left alone (named like fray's, not marked as fray's).
   */
  async cleanupStale(): Promise<{ dropped: string[]; lookalikes: string[] }> {
    const { databases, live } = await this.admin.run(async (client) => {
      const dbs = await client.query<{ datname: string; comment: string | null }>(
        "SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'fray\\_%' ORDER BY datname",
      );
      const activity = await client.query<{ application_name: string }>(
        "SELECT DISTINCT application_name FROM pg_stat_activity WHERE application_name LIKE 'fray:%'",
      );
      return {
        databases: dbs.rows,
        live: activity.rows.map((row) => row.application_name),
      };
    });
    const liveKeys = new Set(live.map((name) => name.split(':')[1] ?? ''));
    liveKeys.add(this.runKey);
    // Named like fray's but without fray's mark for that run: not fray's to drop.
    const { drop, lookalikes } = staleOwned(databases, liveKeys);
    const dropped: string[] = [];
    for (const name of drop) {
      try {
        await this.dropDatabase(name, { force: false });
        dropped.push(name);
      } catch (error) {
        // In use (55006), owned by another role (42501), or dropped concurrently by another
        // run's cleanup: leave it for a later run.
        const code = sqlCode(error);
        if (code !== '55006' && code !== '42501' && code !== '3D000') throw error;
      }
    }
    return { dropped, lookalikes };
  }

  /**
   * The template for `plan`, built and published if no run built it before. Concurrent
   * runs wait on an advisory lock; a run that loses the publishing race drops its build.
   */
  async ensureTemplate(
    plan: MigrationPlan,
    keep: number,
  ): Promise<{ name: string; origin: 'built' | 'cloned' }> {
    const name = `fray_tpl_${plan.hash.slice(0, 24)}`;
    if ((await this.lookup(name)).isTemplate) return { name, origin: 'cloned' };
    const key = hashKey(plan.hash);
    await this.admin.run((client) => client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, key]));
    try {
      if ((await this.lookup(name)).isTemplate) return { name, origin: 'cloned' };
      const build = await this.buildDatabase(plan);
      await this.admin.run(async (client) => {
        const quoted = pg.escapeIdentifier(build);
        const mark: DatabaseMark = {
          fray: 1,
          kind: 'template',
          source: plan.source,
          hash: plan.hash,
          run: this.runKey,
          pid: process.pid,
          host: hostname(),
          created: new Date().toISOString(),
        };
        await client.query(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
        await client.query(`COMMENT ON DATABASE ${quoted} IS ${pg.escapeLiteral(JSON.stringify(mark))}`);
      });
      try {
        await this.admin.run((client) =>
          client.query(`ALTER DATABASE ${pg.escapeIdentifier(build)} RENAME TO ${pg.escapeIdentifier(name)}`),
        );
      } catch (error) {
        await this.dropDatabase(build, { force: true });
        if (sqlCode(error) !== '42P04') throw error;
        return { name, origin: 'cloned' };
      }
      await this.evictTemplates(plan, name, keep).catch(() => undefined);
      return { name, origin: 'built' };
    } finally {
      await this.admin.run((client) =>
        client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, key]),
      );
    }
  }

  /** A run-scoped template (cache disabled): dropped with the run. */
  async privateTemplate(plan: MigrationPlan): Promise<string> {
    const build = await this.buildDatabase(plan);
    const name = this.nameFor('t');
    await this.admin.run(async (client) => {
      const quoted = pg.escapeIdentifier(build);
      await client.query(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
      await client.query(`ALTER DATABASE ${quoted} RENAME TO ${pg.escapeIdentifier(name)}`);
    });
    return name;
  }

  /** Wait for background drops, close the connection; reports drops that failed. */
  async close(): Promise<void> {
    while (this.drops.size > 0) await Promise.all([...this.drops]);
    await this.admin.session.close();
    if (this.dropFailures.length > 0) {
      throw new DbDropFailedError(this.dropFailures);
    }
  }

  /** Create a database from template0 and migrate it; dropped again if migrations fail. */
  private async buildDatabase(plan: MigrationPlan): Promise<string> {
    const build = this.nameFor('b');
    await this.createDatabase(build, 'template0', {
      kind: KIND_NAMES.b,
      source: plan.source,
      hash: plan.hash,
    });
    let session: Session | undefined;
    try {
      session = await this.connect(build, 'fray migration connection');
      const migrating = session;
      const core = new PoolCore({
        session: migrating,
        label: 'migration database',
        waitTimeout: 0,
        runner: (host) => new DirectRunner(host),
        closedFix: 'use the pool only inside migrate().',
      });
      try {
        await applyMigrations(plan, {
          simple: (sql) => migrating.simple(sql),
          pool: () => createFrayPool(core),
        });
      } finally {
        await core.close('the migration pool');
      }
      await session.close();
      session = undefined;
      return build;
    } catch (error) {
      await session?.close();
      await this.dropDatabase(build, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Keep the newest `keep` templates of `plan.source`; drop the older ones. */
  private async evictTemplates(plan: MigrationPlan, current: string, keep: number): Promise<void> {
    const rows = await this.admin.run((client) =>
      client.query<{ datname: string; comment: string | null }>(
        "SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'fray\\_tpl\\_%'",
      ),
    );
    const same: { name: string; created: string }[] = [];
    for (const row of rows.rows) {
      if (row.datname === current || !TEMPLATE_DATABASE.test(row.datname) || row.comment === null) continue;
      try {
        const mark = JSON.parse(row.comment) as Partial<DatabaseMark>;
        if (mark.fray === 1 && mark.kind === 'template' && mark.source === plan.source) {
          same.push({ name: row.datname, created: mark.created ?? '' });
        }
      } catch {
        // not fray's comment: not fray's business
      }
    }
    same.sort((a, b) => b.created.localeCompare(a.created));
    for (const old of same.slice(Math.max(0, keep - 1))) {
      await this.dropDatabase(old.name, { force: false }).catch(() => undefined);
    }
  }
}
