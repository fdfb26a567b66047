/**
 * The PGlite engine: one migrated PGlite instance per process (per schema), shared by every
 * `createTestDatabase()` in that process — a test worker — and started from the snapshot
 * cache.
 *
 * - First run on a machine: cold start, migrations, snapshot written (under a cross-process
 *   lock, so concurrent workers build it once and the others load it).
 * - Later runs: the instance starts from the snapshot, skipping initdb and the migrations.
 * - `isolated()` takes the instance's single session for the test (concurrent tests take
 *   turns); `fresh()` starts a separate instance from the same snapshot, one at a time per
 *   process.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import type { PGlite } from '@electric-sql/pglite';
import { DbClosedError, DbSnapshotError } from '../errors/index.ts';
import { Background } from './background.ts';
import { callSite } from './call-site.ts';
import type { DatabaseInfo, Engine } from './engine.ts';
import { Lease, LeaseHolder } from './lease.ts';
import { applyMigrations, type MigrationPlan } from './migrations.ts';
import type { ResolvedOptions } from './options.ts';
import { createFrayPool } from './pg-pool.ts';
import { bootPglite, installedPgliteVersion, pgliteSession } from './pglite-runtime.ts';
import {
  pruneSnapshots,
  readSnapshot,
  removeSnapshot,
  resolveCacheDir,
  sha256,
  snapshotPaths,
  writeSnapshot,
} from './pglite-snapshot.ts';
import { lockFile, unlockFile } from './file-lock.ts';
import { PoolCore } from './pool-core.ts';
import { DirectRunner } from './runners.ts';
import type { Session } from './session.ts';
import { SessionSet } from './session-set.ts';
import { openIsolatedView, type FreshDatabase, type IsolatedView } from './views.ts';
import { LazyWireServer } from './wire-server.ts';

const now = natives.performanceNow;

/** A migrated instance shared within the process. */
interface Host {
  /** The migrated data directory, for `fresh()` and for restarts. */
  readonly snapshot: Uint8Array;
  /** Where the cross-process boot slots are (the cache directory), if caching. */
  readonly slotsDir: string | undefined;
  readonly sessions: SessionSet;
  readonly info: Omit<DatabaseInfo, 'origin'> & { readonly origin: 'built' | 'loaded' };
  close(): Promise<void>;
}

interface HostEntry {
  refs: number;
  readonly host: Promise<Host>;
}

interface Registry {
  readonly hosts: Map<string, HostEntry>;
  /** At most one `fresh()` PGlite instance alive per process. */
  freshLease: Lease | undefined;
}

const REGISTRY_KEY = Symbol.for('fray.db.pglite-hosts.v1');
const globalSlot = globalThis as typeof globalThis & { [REGISTRY_KEY]?: Registry };
const registry: Registry = (globalSlot[REGISTRY_KEY] ??= { hosts: new Map(), freshLease: undefined });

async function toBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Run the migrations on a cold instance and return its data directory. */
async function buildSchema(
  plan: MigrationPlan,
  options: ResolvedOptions,
  slotsDir: string | undefined,
): Promise<{ pglite: PGlite; data: Uint8Array; ms: number }> {
  const started = now();
  const { pglite } = await bootPglite({ extensions: options.extensions, slotsDir });
  try {
    const session = await pgliteSession(pglite, 'PGlite migrations', options.types);
    const core = new PoolCore({
      session,
      label: 'migration database',
      waitTimeout: 0,
      runner: (host) => new DirectRunner(host),
      closedFix: 'use the pool only inside migrate().',
    });
    try {
      await applyMigrations(plan, {
        simple: (sql) => session.simple(sql),
        pool: () => createFrayPool(core),
      });
      await core.close('the migration pool');
      // Session state a migration left behind (search_path, prepared statements) must not
      // differ between the instance that built the snapshot and those that load it.
      await session.simple('DISCARD ALL');
      await session.simple('CHECKPOINT');
    } finally {
      await core.close('the migration pool');
      await session.close();
    }
    const data = await toBytes(await pglite.dumpDataDir('none'));
    return { pglite, data, ms: now() - started };
  } catch (error) {
    await pglite.close().catch(() => undefined);
    throw error;
  }
}

async function startHost(plan: MigrationPlan, options: ResolvedOptions): Promise<Host> {
  const pgliteVersion = await installedPgliteVersion();
  const base = {
    engine: 'pglite' as const,
    schemaHash: plan.hash,
    pgliteVersion,
    template: undefined,
    database: undefined,
    runKey: undefined,
  };
  if (!options.cache) {
    const built = await buildSchema(plan, options, undefined);
    return makeHost(built.pglite, built.data, options, undefined, {
      ...base,
      origin: 'built',
      snapshot: undefined,
      startMs: built.ms,
    });
  }
  const cacheDir = await resolveCacheDir(options.cacheDir);
  const paths = snapshotPaths(cacheDir, plan.hash);
  const slotsDir = paths.dir;

  const load = async (): Promise<Host | undefined> => {
    const found = await readSnapshot(cacheDir, plan.hash, pgliteVersion);
    if (found.status === 'missing') return undefined;
    if (found.status === 'stale') {
      if (options.onStaleSnapshot === 'error') throw new DbSnapshotError(found.path, found.reason);
      return undefined;
    }
    const started = now();
    try {
      const { pglite } = await bootPglite({ data: found.data, extensions: options.extensions, slotsDir });
      return makeHost(pglite, found.data, options, slotsDir, {
        ...base,
        origin: 'loaded',
        snapshot: found.path,
        startMs: now() - started,
      });
    } catch (error) {
      if (options.onStaleSnapshot === 'error') {
        throw new DbSnapshotError(found.path, `PGlite ${pgliteVersion} could not start from it`, error);
      }
      await removeSnapshot(cacheDir, plan.hash);
      return undefined;
    }
  };

  const cached = await load();
  if (cached !== undefined) return cached;
  const lock = await lockFile(paths.lock);
  try {
    // Another worker may have built it while this one waited for the lock.
    const built = await load();
    if (built !== undefined) return built;
    const fresh = await buildSchema(plan, options, slotsDir);
    await writeSnapshot(
      cacheDir,
      {
        format: 2,
        schemaHash: plan.hash,
        pgliteVersion,
        source: plan.source,
        created: new Date().toISOString(),
        bytes: fresh.data.byteLength,
        sha256: sha256(fresh.data),
      },
      fresh.data,
    );
    await pruneSnapshots(cacheDir).catch(() => undefined);
    return makeHost(fresh.pglite, fresh.data, options, slotsDir, {
      ...base,
      origin: 'built',
      snapshot: paths.tar,
      startMs: fresh.ms,
    });
  } finally {
    await unlockFile(lock);
  }
}

function makeHost(
  first: PGlite,
  snapshot: Uint8Array,
  options: ResolvedOptions,
  slotsDir: string | undefined,
  info: Host['info'],
): Host {
  let pglite: PGlite | undefined = first;
  const background = new Background();
  const openSession = async (): Promise<Session> => {
    // A session broken by a crashed instance gets a new instance from the snapshot.
    if (pglite === undefined || pglite.closed) {
      pglite = (await bootPglite({ data: snapshot, extensions: options.extensions, slotsDir })).pglite;
    }
    return pgliteSession(pglite, 'PGlite worker session', options.types);
  };
  // The worker's session (and a restarted instance) outlive the test that opened them.
  const open = (): Promise<Session> => background.run(openSession);
  const discard = async (session: Session): Promise<void> => {
    await session.close();
    if (pglite !== undefined) {
      const dead = pglite;
      pglite = undefined;
      await dead.close().catch(() => undefined);
    }
  };
  const sessions = new SessionSet({
    capacity: 1,
    waitTimeout: options.waitTimeout,
    label: 'the PGlite session (one per worker: concurrent tests take turns)',
    open,
    discard,
  });
  return {
    snapshot,
    slotsDir,
    sessions,
    info,
    async close() {
      await sessions.close();
      const last = pglite;
      pglite = undefined;
      await last?.close().catch(() => undefined);
    },
  };
}

function hostKey(plan: MigrationPlan, options: ResolvedOptions): string {
  return JSON.stringify([
    plan.hash,
    options.cache,
    options.cacheDir ?? '',
    options.types === undefined ? '' : 'custom-types',
  ]);
}

/**
 * The PGlite implementation of a test database.
 *
 * @example
 * ```ts
 * const engine = await PgliteEngine.start(plan, options);
 * await using view = await engine.isolated();
 * ```
 */
export class PgliteEngine implements Engine {
  readonly info: DatabaseInfo;
  private readonly host: Host;
  private readonly key: string;
  private readonly options: ResolvedOptions;
  private readonly views = new Set<IsolatedView>();
  private readonly freshOnes = new Set<FreshDatabase>();
  /** Serves `view.url` and `fresh.url`. */
  private readonly wire = new LazyWireServer(new Background());
  private ended: Promise<void> | undefined;

  private constructor(host: Host, key: string, options: ResolvedOptions, shared: boolean) {
    this.host = host;
    this.key = key;
    this.options = options;
    this.info = shared ? { ...host.info, origin: 'shared' } : host.info;
  }

  /** Get this process's instance for `plan` (starting it if needed). */
  static async start(plan: MigrationPlan, options: ResolvedOptions): Promise<PgliteEngine> {
    const key = hostKey(plan, options);
    let entry = registry.hosts.get(key);
    const shared = entry !== undefined;
    if (entry === undefined) {
      entry = { refs: 0, host: startHost(plan, options) };
      registry.hosts.set(key, entry);
      const created = entry;
      created.host.catch(() => {
        if (registry.hosts.get(key) === created) registry.hosts.delete(key);
      });
    }
    entry.refs++;
    try {
      return new PgliteEngine(await entry.host, key, options, shared);
    } catch (error) {
      entry.refs--;
      throw error;
    }
  }

  async isolated(): Promise<IsolatedView> {
    this.assertOpen();
    const view = await openIsolatedView({
      engine: 'pglite',
      sessions: this.host.sessions,
      waitTimeout: this.options.waitTimeout,
      wire: await this.wire.get(),
      onDispose: (disposed) => this.views.delete(disposed),
    });
    this.views.add(view);
    return view;
  }

  async fresh(): Promise<FreshDatabase> {
    this.assertOpen();
    registry.freshLease ??= new Lease({
      capacity: 1,
      waitTimeout: this.options.waitTimeout,
      label: 'the fresh() PGlite instance (one per process at a time)',
    });
    const lease = registry.freshLease;
    const wire = await this.wire.get();
    const holder = new LeaseHolder(callSite());
    await lease.acquire(holder);
    let pglite: PGlite | undefined;
    let session: Session | undefined;
    try {
      pglite = (
        await bootPglite({
          data: this.host.snapshot,
          extensions: this.options.extensions,
          slotsDir: this.host.slotsDir,
        })
      ).pglite;
      session = await pgliteSession(pglite, 'PGlite fresh() session', this.options.types);
    } catch (error) {
      await session?.close();
      await pglite?.close().catch(() => undefined);
      lease.release(holder);
      throw error;
    }
    const core = new PoolCore({
      session,
      label: 'fresh() database',
      waitTimeout: this.options.waitTimeout,
      holder,
      runner: (host) => new DirectRunner(host),
      closedFix:
        'the fresh() database was disposed; open another with `await using fresh = await db.fresh()`.',
    });
    const pool = createFrayPool(core);
    const served = wire.register({ core, virtualTransactions: false });
    const instance = pglite;
    const opened = session;
    let disposing: Promise<void> | undefined;
    const fresh: FreshDatabase = {
      pool,
      query: pool.query.bind(pool),
      url: served.url,
      name: undefined,
      engine: 'pglite',
      dispose: () => {
        disposing ??= (async () => {
          try {
            served.close('terminating connection: the fresh() database was disposed (fray/db)');
            await core.close('this fresh() database');
            await opened.close();
            await instance.close().catch(() => undefined);
          } finally {
            lease.release(holder);
            this.freshOnes.delete(fresh);
          }
        })();
        return disposing;
      },
      [Symbol.asyncDispose]: () => fresh.dispose(),
    };
    this.freshOnes.add(fresh);
    return fresh;
  }

  /** Nothing to warm: PGlite's `fresh()` boots from the in-memory snapshot. */
  prewarm(): Promise<void> {
    this.assertOpen();
    return Promise.resolve();
  }

  end(): Promise<void> {
    this.ended ??= (async () => {
      for (const view of [...this.views]) await view.dispose();
      for (const fresh of [...this.freshOnes]) await fresh.dispose();
      await this.wire.close();
      const entry = registry.hosts.get(this.key);
      if (entry === undefined) return;
      entry.refs--;
      if (entry.refs > 0) return;
      registry.hosts.delete(this.key);
      await this.host.close();
    })();
    return this.ended;
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
