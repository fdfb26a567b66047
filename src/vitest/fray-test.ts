/**
 * `createFrayTest()`: a Vitest `test` with fray's fixtures — the write-ups' conftest.py
 * (engine, session, dependency override, async client) as three `test.extend` fixtures.
 *
 * - `frayDatabase` (worker scope): `createTestDatabase()` once per Vitest worker, ended when
 *   the worker finishes. Created outside every test's leak scope: it is fray's own.
 * - `db` (test scope): an `isolated()` view of it, rolled back after the test.
 * - `client` (test scope): `inject(app, { overrides })` for the test's app, closed after
 *   the test (requests still running are aborted, the app is shut down).
 *
 * The worker's database starts in a `beforeAll` hook of each file that creates the test (a
 * hook's timeout, not the first test's: PGlite's cold start takes seconds on a busy
 * machine). When a test times out, Vitest may never run its fixtures' teardown: the `db`
 * fixture watches the test's signal, cancels the view's running statements (Postgres
 * `pg_cancel_backend`) and disposes the view itself, so the next test does not wait on it.
 *
 * @module
 */
import type { TestAPI } from 'vitest';
import { runRace, type RaceTestOptions } from '../race/index.ts';
import type { CreateTestDatabaseOptions, FreshDatabase, IsolatedView, TestDatabase } from '../db/index.ts';
import { RunnerSetupError } from '../errors/index.ts';
import type { InjectableApp, InjectClient, InjectOptions } from '../http/index.ts';
import { untracked } from '../leaks/index.ts';
import { vitest } from './runtime.ts';

/** How long the worker's database may take to start in its `beforeAll` hook (ms). */
const DATABASE_START_TIMEOUT_MS = 120_000;

/** fray/di overrides as `inject()` takes them: `[[Token, value], …]`. */
export type FrayOverrides = NonNullable<InjectOptions['overrides']>;

/** What the `app` and `overrides` functions receive: the test's database view, if any. */
export interface FrayAppContext {
  /** The test's `isolated()` view; `undefined` when `createFrayTest` has no `database`. */
  readonly db: IsolatedView | undefined;
}

/** Options of {@link createFrayTest}. */
export interface FrayTestOptions<App extends InjectableApp = InjectableApp> {
  /**
   * The app under test: an app `inject()` accepts (one instance shared by every test), or a
   * function building one per test from the test's database view (`({ db }) => buildApp(db)`).
   * A fetch handler `(request) => Response` must be wrapped (`app: () => handler`): a bare
   * one-parameter function is taken for a factory. Required by the `client` fixture;
   * without it, using `client` fails with `FRAY_RUNNER_SETUP`.
   */
  readonly app?: App | ((context: FrayAppContext) => App | Promise<App>);
  /**
   * `createTestDatabase()` options (`{ migrate: './migrations' }`); `true` for the defaults
   * (PGlite, empty schema). Started once per worker. Without it, using `db` fails with
   * `FRAY_RUNNER_SETUP`.
   */
  readonly database?: CreateTestDatabaseOptions | true;
  /**
   * fray/di overrides for the test's client, or a function of the test's context returning
   * them: `({ db }) => [[Db, db.pool]]` — FastAPI's `dependency_overrides`, per test. Default:
   * none.
   */
  readonly overrides?: FrayOverrides | ((context: FrayAppContext) => FrayOverrides);
  /** Further `inject()` options (base URL, headers, timeout, lifespan…). Default: none. */
  readonly inject?: Omit<InjectOptions, 'overrides'>;
}

/** The fixtures a fray test receives. */
export interface FrayFixtures {
  /** The in-process HTTP client for the test's app (fray/http). */
  client: InjectClient;
  /** The test's isolated database view (fray/db), rolled back after the test. */
  db: IsolatedView;
  /** The worker's test database (fray/db), shared by the worker's tests. */
  frayDatabase: TestDatabase;
  /**
   * For an app shared by every test (`app: buildApp()`, not a factory): the worker's client
   * that started it — its start-up (Fastify `ready`, Nest `init`) runs once per worker and
   * its shut-down when the worker ends, not after the first test. `undefined` otherwise.
   */
  frayApp: InjectClient | undefined;
}

/** What a race test's body receives, built fresh for every run. */
export interface FrayRaceFixtures {
  /** The in-process client of the app, over this run's database. */
  readonly client: InjectClient;
  /** This run's database: an `isolated()` view or a `fresh()` database (see `database`). */
  readonly db: IsolatedView | FreshDatabase;
  /** The worker's test database. */
  readonly frayDatabase: TestDatabase;
}

/** Options of `test.race`: the exploration's (see `raceTest` in fray/race), and the database per run. */
export interface FrayRaceOptions extends Omit<RaceTestOptions<FrayRaceFixtures>, 'fixtures' | 'release'> {
  /**
   * Each run's database. `'isolated'`: a rolled-back view — cheap, but one session, so two
   * transactions run one after the other (a pass then says so: its `serialized` gap).
   * `'fresh'`: a separate database per run — on PostgreSQL real concurrent sessions and row
   * locks, what a race between transactions needs, at the cost of a CREATE and a DROP
   * DATABASE per run: keep `runs` small (tens). Default `'isolated'`.
   */
  readonly database?: 'fresh' | 'isolated';
  /** The test's own timeout in ms (it spans every run). Default 120,000. */
  readonly testTimeout?: number;
}

/**
 * `test.race(name, body, options?)`: an ordinary concurrent test body, run once per schedule
 * with its fixtures (`client`, `db`) rebuilt for every run; a failing schedule fails the test
 * with fray/race's report and the line that replays it (`FRAY_RACE_REPLAY=… npx vitest run …`,
 * or `npx fray replay <file> '…'`).
 */
export type FrayRaceTest = (
  name: string,
  body: (fixtures: FrayRaceFixtures) => unknown,
  options?: FrayRaceOptions,
) => void;

/** The `test` of {@link createFrayTest}: Vitest's, with fray's fixtures and `test.race`. */
export type FrayTest = TestAPI<FrayFixtures> & { readonly race: FrayRaceTest };

/**
 * A bare function is a factory unless it is recognisably an app itself: a node listener
 * `(req, res)` (two parameters or more), or an Express/Connect/Koa-style app (`listen`,
 * `handle`, `callback`). A fetch handler `(request) => Response` looks like a factory: pass
 * it as `app: () => handler`.
 */
function isAppFactory<App extends InjectableApp>(
  app: FrayTestOptions<App>['app'],
): app is (context: FrayAppContext) => App | Promise<App> {
  if (typeof app !== 'function' || app.length >= 2) return false;
  return !['listen', 'handle', 'callback', 'fetch'].some((member) => member in app);
}

/**
 * A Vitest `test` whose tests can ask for `client`, `db` and `frayDatabase`. Each test gets
 * its own rolled-back database view and its own client; the database starts once per
 * worker (threads or forks, sharded or not; with Vitest's default isolation every test file
 * runs in a fresh worker, so `--no-isolate` is what lets files share it). Call it at the top
 * level of a module — Vitest requires worker-scoped fixtures there — typically a
 * `test/fray.ts` your test files import `test` from.
 *
 * @example
 * ```ts
 * import { createFrayTest } from 'fray/vitest';
 * import { buildApp } from '../src/app.ts';
 * import { Db } from '../src/deps.ts';
 *
 * const test = createFrayTest({
 *   database: { migrate: './migrations' },
 *   app: buildApp(),
 *   overrides: ({ db }) => [[Db, db!.pool]],
 * });
 *
 * test('creates a user', async ({ client, db }) => {
 *   const res = await client.post('/users', { json: { name: 'Ada' } });
 *   expect(res.status).toBe(201);
 *   expect((await db.query('select name from users')).rows).toEqual([{ name: 'Ada' }]);
 * });
 * ```
 */
export function createFrayTest<App extends InjectableApp = InjectableApp>(
  options: FrayTestOptions<App> = {},
): FrayTest {
  const { test, beforeAll } = vitest('createFrayTest()');
  const database = options.database === true ? {} : options.database;

  // One start per module instance (per worker, or per file under isolation): a beforeAll
  // hook begins it outside every test's time, the worker fixture awaits the same promise.
  let starting: Promise<TestDatabase> | undefined;
  const startDatabase = (settings: CreateTestDatabaseOptions): Promise<TestDatabase> =>
    (starting ??= (async () => {
      const { createTestDatabase } = await import('../db/index.ts');
      // fray's own, shared by the worker's tests: never attributed to the test that
      // happened to start it, nor its teardown to that test's "late activity".
      return untracked(() => createTestDatabase(settings));
    })());
  if (database !== undefined) {
    try {
      beforeAll(async () => {
        await startDatabase(database);
      }, DATABASE_START_TIMEOUT_MS);
    } catch {
      // Not collecting a file (createFrayTest called elsewhere): the fixture starts it.
    }
  }

  const missing = (fixture: string, option: string, example: string): RunnerSetupError =>
    new RunnerSetupError(
      `the '${fixture}' fixture needs createFrayTest({ ${option} }), which was not given.`,
      `pass it: createFrayTest({ ${example} }).`,
    );

  const shared = options.app !== undefined && !isAppFactory(options.app) ? options.app : undefined;

  const openClient = async (view: IsolatedView | undefined): Promise<InjectClient> => {
    if (options.app === undefined) throw missing('client', 'app', 'app: buildApp()');
    const context: FrayAppContext = { db: view };
    const app = isAppFactory(options.app) ? await options.app(context) : options.app;
    const overrides =
      typeof options.overrides === 'function' ? options.overrides(context) : options.overrides;
    // Loaded on first use: fray/vitest stays light for suites that only use the matchers.
    const { inject } = await import('../http/index.ts');
    // A shared app was started by the worker's `frayApp`: the test's client must not run its
    // start-up again, nor shut it down after this one test.
    const lifespan = shared === undefined ? {} : { lifespan: false };
    return inject(app, { ...lifespan, ...options.inject, ...(overrides === undefined ? {} : { overrides }) });
  };

  // Vitest reads each fixture's dependencies from its first parameter's destructuring, so
  // the client depends on `db` only when there is a database to give it.
  const client =
    database === undefined
      ? async (
          { frayApp: _started }: { frayApp: InjectClient | undefined },
          use: (value: InjectClient) => Promise<void>,
        ) => {
          const opened = await openClient(undefined);
          try {
            await use(opened);
          } finally {
            await opened.close();
          }
        }
      : async (
          { db, frayApp: _started }: { db: IsolatedView; frayApp: InjectClient | undefined },
          use: (value: InjectClient) => Promise<void>,
        ) => {
          const opened = await openClient(db);
          try {
            await use(opened);
          } finally {
            await opened.close();
          }
        };

  const extended = test.extend<FrayFixtures>({
    frayDatabase: [
      // eslint-disable-next-line no-empty-pattern -- Vitest reads a fixture's dependencies from this pattern
      async ({}, use) => {
        if (database === undefined) throw missing('db', 'database', "database: { migrate: './migrations' }");
        const started = await startDatabase(database);
        try {
          await use(started);
        } finally {
          starting = undefined;
          await untracked(() => started.end());
        }
      },
      { scope: 'worker' },
    ],
    db: async ({ frayDatabase, signal }, use) => {
      // The test timed out (or failed) before its view opened: opening one now would hold
      // the database with nobody left to dispose it.
      if (signal.aborted) return;
      const view = await frayDatabase.isolated();
      // Vitest may never run this fixture's teardown after a timeout: cancel what the view
      // is running and dispose it here, so the next test does not wait for it.
      const release = (): void => {
        untracked(async () => {
          await frayDatabase.cancel(view).catch(() => false);
          await view.dispose();
        }).catch(() => undefined);
      };
      if (signal.aborted) {
        release();
        return;
      }
      signal.addEventListener('abort', release, { once: true });
      try {
        await use(view);
      } finally {
        signal.removeEventListener('abort', release);
        if (signal.aborted) await frayDatabase.cancel(view).catch(() => false);
        await view.dispose();
      }
    },
    frayApp: [
      // eslint-disable-next-line no-empty-pattern -- Vitest reads a fixture's dependencies from this pattern
      async ({}, use) => {
        if (shared === undefined) {
          await use(undefined);
          return;
        }
        // Started outside every test's leak scope: the app is the worker's, not a test's.
        const { inject } = await import('../http/index.ts');
        const started = await untracked(() => inject(shared, { ...options.inject }));
        try {
          await use(started);
        } finally {
          await untracked(() => started.close());
        }
      },
      { scope: 'worker' },
    ],
    client,
  });

  const race: FrayRaceTest = (name, body, raceOptions = {}) => {
    const { database: kind, testTimeout = 120_000, ...explored } = raceOptions;
    const explore = async (frayDatabase: TestDatabase | undefined): Promise<unknown> => {
      // Loaded before the exploration takes over the timers: fray/http captures the real
      // setTimeout for its request deadlines when it loads.
      await import('../http/index.ts');
      return runRace(name, body, {
        ...explored,
        fixtures: async () => {
          const fresh = kind === 'fresh';
          const db =
            frayDatabase === undefined
              ? undefined
              : fresh
                ? await frayDatabase.fresh()
                : await frayDatabase.isolated();
          // A client only when the app was given: a body that uses none must not need one.
          const client =
            options.app === undefined ? undefined : await openClient(db as IsolatedView | undefined);
          return { client, db, frayDatabase } as FrayRaceFixtures;
        },
        release: async ({ client, db }) => {
          await (client as InjectClient | undefined)?.close();
          await (db as IsolatedView | FreshDatabase | undefined)?.dispose();
        },
      });
    };
    if (database === undefined) extended(name, () => explore(undefined).then(() => undefined), testTimeout);
    else extended(name, ({ frayDatabase }) => explore(frayDatabase).then(() => undefined), testTimeout);
  };
  return Object.assign(extended, { race });
}
