/**
 * What a test gets: an {@link IsolatedView} (one transaction, rolled back on dispose) or a
 * {@link FreshDatabase} (a whole database of its own, with real commits).
 *
 * @module
 */
import type pg from 'pg';
import { callSite } from './call-site.ts';
import { LeaseHolder } from './lease.ts';
import { createFrayPool } from './pg-pool.ts';
import { PoolCore } from './pool-core.ts';
import { IsolationRunner } from './runners.ts';
import { recordBackend } from './view-backends.ts';
import type { SessionSet } from './session-set.ts';
import type { WireServer } from './wire-server.ts';

/** The engine behind a test database. */
export type DatabaseEngine = 'pglite' | 'postgres';

/**
 * A per-test view of the database: every write is rolled back when it is disposed.
 *
 * @example
 * ```ts
 * test('creates a user', async () => {
 *   await using view = await db.isolated();
 *   const app = buildApp({ db: view.pool });
 *   await app.createUser('Ada');
 *   expect((await view.query('select count(*)::int as n from users')).rows[0].n).toBe(1);
 * }); // rolled back here: the next test sees no user
 * ```
 */
export interface IsolatedView extends AsyncDisposable {
  /**
   * A real `pg.Pool` (promise and callback forms) whose clients all run in the view's
   * transaction: for raw `pg`, Drizzle, Kysely, Prisma (`new PrismaPg(view.pool)`), TypeORM
   * and Sequelize. Each checkout is a new client; releasing it rolls back what it left open.
   */
  readonly pool: pg.Pool;
  /**
   * A connection URL into the same transaction, served over the PostgreSQL wire protocol on
   * a loopback port: for clients that only take a URL (postgres.js, slonik, knex, psql, the
   * Prisma CLI, a child process). Their `BEGIN`/`COMMIT` become savepoints as `view.pool`'s
   * do. Connections still open when the view is disposed are closed with `57P01`.
   */
  readonly url: string;
  /** `pool.query`, bound. */
  readonly query: pg.Pool['query'];
  /** The engine it runs on. */
  readonly engine: DatabaseEngine;
  /** Whether the view was disposed. */
  readonly disposed: boolean;
  /** Roll everything back and give the session to the next test. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * A whole database for one test: real commits, and on Postgres several real connections,
 * LISTEN/NOTIFY across them and advisory locks. Dropped on dispose.
 *
 * @example
 * ```ts
 * await using fresh = await db.fresh();
 * const other = new pg.Client({ connectionString: fresh.url }); // Postgres only
 * ```
 */
export interface FreshDatabase extends AsyncDisposable {
  /** A real `pg.Pool` on the database. */
  readonly pool: pg.Pool;
  /** `pool.query`, bound. */
  readonly query: pg.Pool['query'];
  /**
   * Connection URL of the database: the real database on PostgreSQL; on PGlite, fray's
   * loopback wire server in front of the instance.
   */
  readonly url: string;
  /** Name of the database (Postgres only). */
  readonly name: string | undefined;
  /** The engine it runs on. */
  readonly engine: DatabaseEngine;
  /** Close the pool and drop the database. Idempotent. */
  dispose(): Promise<void>;
}

/** Options of {@link openIsolatedView}. */
export interface IsolatedViewOptions {
  readonly engine: DatabaseEngine;
  readonly sessions: SessionSet;
  readonly waitTimeout: number;
  /** The server behind `view.url`. */
  readonly wire: WireServer;
  /** Called once the view is gone (for the database's bookkeeping). */
  readonly onDispose: (view: IsolatedView) => void;
}

/**
 * Open an isolated view: take a session, BEGIN, hand out a pool.
 *
 * @example
 * ```ts
 * const view = await openIsolatedView({ engine: 'pglite', sessions, waitTimeout: 3000, wire, onDispose });
 * ```
 */
export async function openIsolatedView(options: IsolatedViewOptions): Promise<IsolatedView> {
  const holder = new LeaseHolder(callSite());
  const session = await options.sessions.acquire(holder);
  let runner: IsolationRunner | undefined;
  const core = new PoolCore({
    session,
    label: 'isolated() view',
    waitTimeout: options.waitTimeout,
    holder,
    runner: (host) => (runner = new IsolationRunner(host)),
    closedFix:
      'the view was disposed at the end of its test; open a new one per test with `await using view = await db.isolated()`.',
  });
  try {
    await runner!.open();
  } catch (error) {
    await core.close('this isolated() view');
    await options.sessions.release(session, holder, false);
    throw error;
  }
  const pool = createFrayPool(core);
  const served = options.wire.register({ core, virtualTransactions: true });
  let disposing: Promise<void> | undefined;
  const view: IsolatedView = {
    pool,
    query: pool.query.bind(pool),
    url: served.url,
    engine: options.engine,
    get disposed() {
      return disposing !== undefined;
    },
    dispose() {
      disposing ??= (async () => {
        let healthy = false;
        try {
          served.close('terminating connection: the isolated() view was disposed (fray/db)');
          await core.close('this isolated() view');
          await runner!.rollback();
          healthy = true;
        } catch {
          // The session broke (the test's own failure says why). Closing it aborts the
          // transaction server-side, so nothing is committed either way.
        } finally {
          await options.sessions.release(session, holder, healthy);
          options.onDispose(view);
        }
      })();
      return disposing;
    },
    [Symbol.asyncDispose]() {
      return view.dispose();
    },
  };
  recordBackend(view, (session.client as { processID?: number | null }).processID);
  return view;
}
