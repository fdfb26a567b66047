/**
 * The Postgres engine: a real server, a cached template per schema, a worker database
 * cloned from it for `isolated()` views (one connection per open view), and a background
 * pool of clones for `fresh()`.
 *
 * @module
 */
import pg from 'pg';
import { DbClosedError } from '../errors/index.ts';
import { Background } from './background.ts';
import { ClonePool } from './clone-pool.ts';
import type { DatabaseInfo, Engine } from './engine.ts';
import { warnLookalikes } from './lookalikes.ts';
import type { MigrationPlan } from './migrations.ts';
import type { ResolvedOptions } from './options.ts';
import { PostgresServer } from './postgres-server.ts';
import { SessionSet } from './session-set.ts';
import { openIsolatedView, type FreshDatabase, type IsolatedView } from './views.ts';
import { LazyWireServer } from './wire-server.ts';

/** A clone made ahead of need: the database and a pool already holding one connection. */
interface ReadyClone {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
  /** Absorbs errors of the idle connection while nobody owns the pool yet. */
  readonly idleErrors: (error: Error) => void;
}

function sqlCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The Postgres implementation of a test database.
 *
 * @example
 * ```ts
 * const engine = await PostgresEngine.start(plan, options);
 * await using fresh = await engine.fresh();
 * ```
 */
export class PostgresEngine implements Engine {
  readonly info: DatabaseInfo;
  private readonly server: PostgresServer;
  private readonly options: ResolvedOptions;
  private readonly plan: MigrationPlan;
  private template: string;
  private readonly privateTemplate: boolean;
  private readonly worker: string;
  private readonly sessions: SessionSet;
  private readonly clones: ClonePool<ReadyClone>;
  private readonly cloner:
    { run: Parameters<PostgresServer['createDatabase']>[3]; close: () => Promise<void> } | undefined;
  private readonly views = new Set<IsolatedView>();
  private readonly freshOnes = new Set<FreshDatabase>();
  /** Serves `view.url` (a proxy into the view's session). */
  private readonly wire: LazyWireServer;
  private ended: Promise<void> | undefined;

  private constructor(init: {
    server: PostgresServer;
    options: ResolvedOptions;
    plan: MigrationPlan;
    template: string;
    privateTemplate: boolean;
    worker: string;
    origin: 'built' | 'cloned';
    cloner: PostgresEngine['cloner'];
  }) {
    this.server = init.server;
    this.options = init.options;
    this.plan = init.plan;
    this.template = init.template;
    this.privateTemplate = init.privateTemplate;
    this.worker = init.worker;
    this.cloner = init.cloner;
    const server = init.server;
    const background = new Background();
    this.wire = new LazyWireServer(background);
    this.sessions = new SessionSet({
      capacity: init.options.connections,
      waitTimeout: init.options.waitTimeout,
      label: `a connection to ${init.worker} (connections: ${init.options.connections})`,
      // Sessions outlive the test that opened them: they belong to the worker's context.
      open: () => background.run(() => server.connect(init.worker, `isolated() session on ${init.worker}`)),
      discard: (session) => session.close(),
    });
    this.clones = new ClonePool({
      size: init.options.freshPoolSize,
      clone: () => this.cloneTemplate(),
      spawn: (work) => background.run(work),
    });
    this.info = {
      engine: 'postgres',
      schemaHash: init.plan.hash,
      origin: init.origin,
      snapshot: undefined,
      startMs: undefined,
      pgliteVersion: undefined,
      template: init.template,
      database: init.worker,
      runKey: server.runKey,
    };
  }

  /** Connect, clean up dead runs, get the template, clone the worker database. */
  static async start(plan: MigrationPlan, options: ResolvedOptions): Promise<PostgresEngine> {
    if (options.url === undefined) throw new Error('unreachable: postgres engine without url');
    const server = await PostgresServer.open(options.url, {
      allowRemote: options.allowRemote,
      types: options.types,
    });
    let cloner: PostgresEngine['cloner'];
    try {
      warnLookalikes((await server.cleanupStale()).lookalikes, server.parsed.redacted);
      let { name: template, origin } = options.cache
        ? await server.ensureTemplate(plan, options.keepTemplates)
        : { name: await server.privateTemplate(plan), origin: 'built' as const };
      const worker = server.nameFor('w');
      const mark = { kind: 'worker' as const, source: plan.source, hash: plan.hash };
      try {
        await server.createDatabase(worker, template, mark);
      } catch (error) {
        // Another run evicted the template between the lookup and the clone: build it again.
        if (sqlCode(error) !== '3D000' || !options.cache) throw error;
        ({ name: template, origin } = await server.ensureTemplate(plan, options.keepTemplates));
        await server.createDatabase(worker, template, mark);
      }
      if (options.freshPoolSize > 0) {
        const opened = await server.openMaintenance();
        cloner = { run: opened.run, close: opened.close };
      }
      return new PostgresEngine({
        server,
        options,
        plan,
        template,
        privateTemplate: !options.cache,
        worker,
        origin,
        cloner,
      });
    } catch (error) {
      await cloner?.close();
      await server.close().catch(() => undefined);
      throw error;
    }
  }

  async isolated(): Promise<IsolatedView> {
    this.assertOpen();
    const view = await openIsolatedView({
      engine: 'postgres',
      sessions: this.sessions,
      waitTimeout: this.options.waitTimeout,
      wire: await this.wire.get(),
      onDispose: (disposed) => this.views.delete(disposed),
    });
    this.views.add(view);
    return view;
  }

  async fresh(): Promise<FreshDatabase> {
    this.assertOpen();
    const { name, url, pool, idleErrors } = await this.clones.take();
    // From here on the pool is the test's: idle-connection errors behave as pg's do.
    pool.off('error', idleErrors);
    // pg-pool listens for errors on idle clients only; a client still checked out when the
    // forced drop terminates it would emit an unhandled 'error'. Track them for dispose().
    const checkedOut = new Set<pg.PoolClient>();
    pool.on('acquire', (client) => checkedOut.add(client));
    pool.on('release', (_error, client) => checkedOut.delete(client));
    let disposing: Promise<void> | undefined;
    const fresh: FreshDatabase = {
      pool,
      query: pool.query.bind(pool),
      url,
      name,
      engine: 'postgres',
      dispose: () => {
        disposing ??= (async () => {
          this.freshOnes.delete(fresh);
          // Connections a test forgot to release would keep pool.end() pending forever; the
          // forced drop terminates them, and their errors must not crash the process.
          pool.on('error', () => undefined);
          for (const client of checkedOut) client.on('error', () => undefined);
          const ending = pool.end().catch(() => undefined);
          if (checkedOut.size === 0) await ending;
          this.server.dropLater(name);
        })();
        return disposing;
      },
      [Symbol.asyncDispose]: () => fresh.dispose(),
    };
    this.freshOnes.add(fresh);
    return fresh;
  }

  /**
   * Cancel the statement running on backend `pid` (`pg_cancel_backend`), if that backend is
   * one of this run's connections; resolves whether one was cancelled.
   */
  async cancelBackend(pid: number): Promise<boolean> {
    const maintenance = await this.server.openMaintenance();
    try {
      const result = await maintenance.run((client) =>
        client.query<{ cancelled: boolean }>(
          'SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity WHERE pid = $1 AND application_name = $2',
          [pid, this.server.appName],
        ),
      );
      return result.rows[0]?.cancelled === true;
    } finally {
      await maintenance.close();
    }
  }

  /** Resolves once `freshPoolSize` clones are ready. */
  prewarm(): Promise<void> {
    this.assertOpen();
    return this.clones.warm();
  }

  end(): Promise<void> {
    this.ended ??= (async () => {
      for (const view of [...this.views]) await view.dispose();
      for (const fresh of [...this.freshOnes]) await fresh.dispose();
      await this.wire.close();
      const unused = await this.clones.close(
        new DbClosedError('the test database', 'call fresh() before end().'),
      );
      await this.cloner?.close();
      await this.sessions.close();
      for (const clone of unused) {
        await clone.pool.end().catch(() => undefined);
        this.server.dropLater(clone.name);
      }
      this.server.dropLater(this.worker);
      if (this.privateTemplate) this.server.dropLater(this.template);
      await this.server.close();
    })();
    return this.ended;
  }

  /**
   * Clone the template (rebuilding it first if another run evicted it meanwhile) and open
   * the first connection to the clone, so a test's first query does not pay for it.
   */
  private async cloneTemplate(): Promise<ReadyClone> {
    const name = this.server.nameFor('f');
    const mark = { kind: 'fresh' as const, source: this.plan.source, hash: this.plan.hash };
    try {
      await this.server.createDatabase(name, this.template, mark, this.cloner?.run);
    } catch (error) {
      if (sqlCode(error) !== '3D000' || this.privateTemplate) throw error;
      this.template = (await this.server.ensureTemplate(this.plan, this.options.keepTemplates)).name;
      await this.server.createDatabase(name, this.template, mark, this.cloner?.run);
    }
    const url = this.server.urlFor(name);
    const pool = new pg.Pool({
      connectionString: url,
      application_name: this.server.appName,
      ...(this.options.types === undefined ? {} : { types: this.options.types }),
    });
    const idleErrors = (): void => undefined;
    pool.on('error', idleErrors);
    try {
      (await pool.connect()).release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      this.server.dropLater(name);
      throw error;
    }
    return { name, url, pool, idleErrors };
  }

  private assertOpen(): void {
    if (this.ended !== undefined) {
      throw new DbClosedError(
        'this test database',
        'create views before end() (or before the `await using` scope of the database ends).',
      );
    }
  }
}
