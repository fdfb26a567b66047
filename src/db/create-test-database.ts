/**
 * `createTestDatabase()`: a real PostgreSQL for a test worker — embedded PGlite by default,
 * a real server when asked — migrated once per schema hash, handing out per-test views.
 *
 * @module
 */
import type { DatabaseInfo, Engine } from './engine.ts';
import { warnLookalikes } from './lookalikes.ts';
import { backendOf } from './view-backends.ts';
import { planMigrations } from './migrations.ts';
import { assertKnownOptions, resolveOptions, type CreateTestDatabaseOptions } from './options.ts';
import { PgliteEngine } from './pglite-engine.ts';
import { PostgresEngine } from './postgres-engine.ts';
import { PostgresServer } from './postgres-server.ts';
import { assertNotProduction } from './safety.ts';
import type { DatabaseEngine, FreshDatabase, IsolatedView } from './views.ts';

/**
 * A migrated database for one test worker. Create one per worker (Vitest worker-scoped
 * fixture, `beforeAll`), open an {@link IsolatedView} per test, end it when the worker is
 * done.
 *
 * @example
 * ```ts
 * const db = await createTestDatabase({ migrate: './migrations' });
 * afterAll(() => db.end());
 *
 * test('signs a user up', async () => {
 *   await using view = await db.isolated();
 *   await signUp(view.pool, 'ada@example.com');
 *   expect((await view.query('select email from users')).rows).toEqual([{ email: 'ada@example.com' }]);
 * });
 * ```
 */
export interface TestDatabase extends AsyncDisposable {
  /** The engine: `pglite` or `postgres`. */
  readonly engine: DatabaseEngine;
  /** SHA-256 of the migrations (hex): the cache key. */
  readonly schemaHash: string;
  /** How this database came to be (built, loaded from cache…) and where it lives. */
  readonly info: DatabaseInfo;
  /**
   * A per-test view rolled back on dispose. The application's own BEGIN/COMMIT/ROLLBACK
   * become savepoints, parallel queries are serialised, a failed statement only undoes
   * itself. On PGlite concurrent views take turns; on Postgres up to `connections` run at
   * once.
   */
  isolated(): Promise<IsolatedView>;
  /**
   * A whole database with real commits, dropped on dispose: on Postgres a clone of the
   * template from a pool kept warm in the background (with a `url` for other clients); on
   * PGlite a new instance from the snapshot.
   */
  fresh(): Promise<FreshDatabase>;
  /** Postgres: resolves when the `fresh()` pool is full. PGlite: resolves at once. */
  prewarm(): Promise<void>;
  /**
   * Cancel the statements `view` is running (Postgres: `pg_cancel_backend` on its
   * connection; PGlite: nothing, its statements run on this thread). For runner fixtures
   * whose test timed out: the view can then be disposed at once instead of after its SQL
   * (a `pg_sleep(100)`) finishes. Resolves whether a statement was cancelled.
   */
  cancel(view: IsolatedView): Promise<boolean>;
  /**
   * Dispose open views, drop every database this run created (Postgres), release the
   * PGlite instance. Idempotent.
   */
  end(): Promise<void>;
}

class TestDatabaseHandle implements TestDatabase {
  private readonly engineImpl: Engine;

  constructor(engine: Engine) {
    this.engineImpl = engine;
  }

  get engine(): DatabaseEngine {
    return this.engineImpl.info.engine;
  }

  get schemaHash(): string {
    return this.engineImpl.info.schemaHash;
  }

  get info(): DatabaseInfo {
    return this.engineImpl.info;
  }

  fresh(): Promise<FreshDatabase> {
    return this.engineImpl.fresh();
  }

  prewarm(): Promise<void> {
    return this.engineImpl.prewarm();
  }

  async cancel(view: IsolatedView): Promise<boolean> {
    const pid = backendOf(view);
    if (pid === undefined || this.engineImpl.cancelBackend === undefined) return false;
    return this.engineImpl.cancelBackend(pid);
  }

  isolated(): Promise<IsolatedView> {
    return this.engineImpl.isolated();
  }

  end(): Promise<void> {
    return this.engineImpl.end();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.engineImpl.end();
  }
}

/**
 * Create a migrated test database.
 *
 * @example
 * ```ts
 * // Embedded PGlite (the default): nothing to install.
 * const db = await createTestDatabase({ migrate: new URL('./migrations/', import.meta.url) });
 *
 * // A real server: only databases named fray_… are ever created or dropped on it.
 * const pg = await createTestDatabase({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres', migrate: './migrations' });
 * ```
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const resolved = resolveOptions(options);
  assertNotProduction(resolved.allowProduction);
  const plan = await planMigrations({
    migrate: resolved.migrate,
    hashFiles: resolved.hashFiles,
    name: resolved.name,
    extra: resolved.engine === 'pglite' ? Object.keys(resolved.extensions ?? {}).sort() : [],
  });
  const engine =
    resolved.engine === 'pglite'
      ? await PgliteEngine.start(plan, resolved)
      : await PostgresEngine.start(plan, resolved);
  return new TestDatabaseHandle(engine);
}

/** Options of {@link cleanupStaleDatabases}. */
export interface CleanupOptions {
  /** Server URL. Default: `DATABASE_URL`. */
  readonly url?: string;
  /** Accept a non-loopback server. Default: false. */
  readonly allowRemote?: boolean;
  /** Run under `NODE_ENV=production`. Default: false. */
  readonly allowProduction?: boolean;
}

/**
 * Drop the databases left by fray runs that are no longer alive (killed, crashed, or
 * ended without `end()`). `createTestDatabase()` does this on its own at start; call it
 * from a global setup or a CI step to clean without starting a run. Databases of live
 * runs, databases in use, every database fray did not name, and every database named like
 * fray's that lacks fray's mark for its run (a look-alike) are left alone; look-alikes are
 * named in a `FRAY_DB_LOOKALIKE` process warning.
 *
 * @example
 * ```ts
 * const dropped = await cleanupStaleDatabases({ url: process.env.DATABASE_URL });
 * ```
 */
export async function cleanupStaleDatabases(options: CleanupOptions = {}): Promise<string[]> {
  assertKnownOptions(options, ['url', 'allowRemote', 'allowProduction'], 'cleanupStaleDatabases()');
  const resolved = resolveOptions({
    engine: 'postgres',
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
    ...(options.allowProduction === undefined ? {} : { allowProduction: options.allowProduction }),
  });
  assertNotProduction(resolved.allowProduction);
  const server = await PostgresServer.open(resolved.url ?? '', {
    allowRemote: resolved.allowRemote,
    types: undefined,
  });
  try {
    const { dropped, lookalikes } = await server.cleanupStale();
    warnLookalikes(lookalikes, server.parsed.redacted);
    return dropped;
  } finally {
    await server.close();
  }
}
