/**
 * The options of `createTestDatabase()`, their defaults and limits, resolved once.
 *
 * @module
 */
import type pg from 'pg';
import { DbUsageError, unknownKey } from '../errors/index.ts';
import type { MigrateSource } from './migrations.ts';

/**
 * PGlite extensions, as PGlite's `extensions` option takes them (`{ vector }` from
 * `@electric-sql/pglite/vector`). Typed loosely on purpose: PGlite's own declaration files
 * need Emscripten's types, which fray's users should not have to install.
 */
export type PgliteExtensions = Readonly<Record<string, unknown>>;

/** Environment variables, as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Options of `createTestDatabase()`. */
export interface CreateTestDatabaseOptions {
  /**
   * Which PostgreSQL: `'pglite'` (embedded WASM Postgres, nothing to install), `'postgres'`
   * (a real server at `url`), or `'auto'` (`'postgres'` when `url` or `DATABASE_URL` is set,
   * else `'pglite'`). Default: `'auto'` — pass `engine: 'pglite'` to stay embedded when
   * `DATABASE_URL` is set for something else.
   */
  readonly engine?: 'pglite' | 'postgres' | 'auto';
  /**
   * Server URL for `engine: 'postgres'`. Default: `DATABASE_URL`. Only its server and
   * credentials are used: fray never writes to the database it names, it creates its own
   * (`fray_…`). Must be a loopback host unless `allowRemote`.
   */
  readonly url?: string;
  /**
   * The schema: a directory of `.sql` files applied in order (recursively, numeric order,
   * `*.down.sql` skipped), or `async (pool) => { … }` receiving a `pg`-compatible pool on
   * the database being built (for Drizzle's or Kysely's migrators). Run once per schema
   * hash; the result is cached. Default: no migrations (an empty schema).
   */
  readonly migrate?: MigrateSource;
  /**
   * Files or directories whose contents also change the schema — what a `migrate`
   * function reads (e.g. Drizzle's migrations folder). A function is otherwise hashed by
   * its source text only. Default: none.
   */
  readonly hashFiles?: readonly (string | URL)[];
  /**
   * A name for this schema in cache entries, used to evict its older versions. Default:
   * the migrations directory, or `'migrate-function'`.
   */
  readonly name?: string;
  /**
   * Cache the migrated schema (PGlite snapshot on disk, Postgres template database).
   * `false` migrates on every `createTestDatabase()` and leaves nothing behind. Default: true.
   */
  readonly cache?: boolean;
  /**
   * Where PGlite snapshots go. Default: `FRAY_DB_CACHE_DIR`, else `.fray/db` in the project
   * root (created with a `.gitignore`), else the OS temp directory.
   */
  readonly cacheDir?: string;
  /**
   * What to do with a PGlite snapshot built by another PGlite version (or unloadable):
   * `'rebuild'` it from the migrations, or throw `FRAY_DB_SNAPSHOT_INCOMPATIBLE`.
   * Default: `'rebuild'`.
   */
  readonly onStaleSnapshot?: 'rebuild' | 'error';
  /**
   * Postgres: how many `isolated()` views may be open at once (one connection each).
   * Further views wait. PGlite always has one session: concurrent views take turns.
   * Default: 4; 1 to 64.
   */
  readonly connections?: number;
  /**
   * Postgres: how many template clones `fresh()` keeps ready, created in the background.
   * 0 clones on demand. Default: 2; 0 to 32.
   */
  readonly freshPoolSize?: number;
  /**
   * ms an operation waits on a holder that stays idle — a view never disposed, a client
   * holding a transaction another query needs — before failing with
   * `FRAY_DB_WAIT_TIMEOUT`. A holder still running statements never times out. 0 waits
   * forever. Default: 3000.
   */
  readonly waitTimeout?: number;
  /** Run even under `NODE_ENV=production` (also `FRAY_DB_ALLOW_PRODUCTION=1`). Default: false. */
  readonly allowProduction?: boolean;
  /** Accept a non-loopback server (also `FRAY_DB_ALLOW_REMOTE=1`). Default: false. */
  readonly allowRemote?: boolean;
  /** Postgres: template versions kept per schema `name`. Default: 3; 1 to 100. */
  readonly keepTemplates?: number;
  /** PGlite: extensions to load (`{ vector }`); their names are part of the schema hash. */
  readonly pglite?: { readonly extensions?: PgliteExtensions };
  /** Type parsers for every connection fray opens (`pg`'s `types` option). Default: pg's. */
  readonly types?: pg.CustomTypesConfig;
}

/**
 * Every option `createTestDatabase()` accepts, by name: anything else is refused, so a typo
 * (`engin: 'postgres'`) fails loudly instead of quietly running on the default.
 */
const OPTION_NAMES = [
  'engine',
  'url',
  'migrate',
  'hashFiles',
  'name',
  'cache',
  'cacheDir',
  'onStaleSnapshot',
  'connections',
  'freshPoolSize',
  'waitTimeout',
  'allowProduction',
  'allowRemote',
  'keepTemplates',
  'pglite',
  'types',
] as const satisfies readonly (keyof CreateTestDatabaseOptions)[];

/**
 * Throw `FRAY_DB_USAGE` for a key of `options` that is not one of `known`, suggesting the
 * nearest option name.
 *
 * @example
 * ```ts
 * assertKnownOptions({ engin: 'postgres' }, ['engine', 'url'], 'createTestDatabase()');
 * // throws: unknown option 'engin' for createTestDatabase() — did you mean 'engine'?
 * ```
 */
export function assertKnownOptions(options: object, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new DbUsageError(
      `${where} takes an options object, not ${Array.isArray(options) ? 'an array' : String(options)}.`,
      "pass e.g. { migrate: './migrations' }.",
    );
  }
  const unknown = unknownKey(options, known);
  if (unknown !== undefined)
    throw new DbUsageError(
      `unknown option '${unknown.key}' for ${where}.`,
      `${unknown.closest === undefined ? '' : `did you mean '${unknown.closest}'? `}The options are ${known.join(', ')}.`,
    );
}

/** Options after defaults and checks. */
export interface ResolvedOptions {
  readonly engine: 'pglite' | 'postgres';
  readonly url: string | undefined;
  readonly migrate: MigrateSource | undefined;
  readonly hashFiles: readonly (string | URL)[];
  readonly name: string | undefined;
  readonly cache: boolean;
  readonly cacheDir: string | undefined;
  readonly onStaleSnapshot: 'rebuild' | 'error';
  readonly connections: number;
  readonly freshPoolSize: number;
  readonly waitTimeout: number;
  readonly allowProduction: boolean;
  readonly allowRemote: boolean;
  readonly keepTemplates: number;
  readonly extensions: PgliteExtensions | undefined;
  readonly types: pg.CustomTypesConfig | undefined;
}

function integer(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DbUsageError(
      `${name} must be an integer from ${min} to ${max}, not ${String(value)}.`,
      `pass ${name}: ${fallback} (the default) or another value in range.`,
    );
  }
  return value;
}

/**
 * Apply defaults and validate.
 *
 * @example
 * ```ts
 * resolveOptions({ migrate: './migrations' }).engine; // 'pglite'
 * ```
 */
export function resolveOptions(
  options: CreateTestDatabaseOptions,
  env: Environment = process.env,
): ResolvedOptions {
  assertKnownOptions(options, OPTION_NAMES, 'createTestDatabase()');
  const fromEnv = env['DATABASE_URL'] === '' ? undefined : env['DATABASE_URL'];
  const requested = options.engine;
  if (requested !== undefined && requested !== 'pglite' && requested !== 'postgres' && requested !== 'auto') {
    throw new DbUsageError(
      `unknown engine '${String(requested)}'.`,
      "use engine: 'pglite', 'postgres' or 'auto'.",
    );
  }
  // No engine named: as 'auto', so the documented default of `url` (DATABASE_URL) holds.
  const engine =
    requested === undefined || requested === 'auto'
      ? (options.url ?? fromEnv) !== undefined
        ? 'postgres'
        : 'pglite'
      : requested;
  const url = engine === 'postgres' ? (options.url ?? fromEnv) : undefined;
  if (engine === 'postgres' && url === undefined) {
    throw new DbUsageError(
      "engine 'postgres' needs a server URL and neither `url` nor DATABASE_URL is set.",
      "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (or pass url), or use engine: 'pglite'.",
    );
  }
  const onStale = options.onStaleSnapshot ?? 'rebuild';
  if (onStale !== 'rebuild' && onStale !== 'error') {
    throw new DbUsageError(
      `onStaleSnapshot must be 'rebuild' or 'error', not '${String(onStale)}'.`,
      "pass onStaleSnapshot: 'rebuild'.",
    );
  }
  const waitTimeout = options.waitTimeout ?? 3000;
  if (!Number.isFinite(waitTimeout) || waitTimeout < 0) {
    throw new DbUsageError(
      `waitTimeout must be a number of ms ≥ 0, not ${String(waitTimeout)}.`,
      'pass waitTimeout: 3000 (the default), or 0 to wait forever.',
    );
  }
  return {
    engine,
    url,
    migrate: options.migrate,
    hashFiles: options.hashFiles ?? [],
    name: options.name,
    cache: options.cache ?? true,
    cacheDir: options.cacheDir,
    onStaleSnapshot: onStale,
    connections: integer('connections', options.connections, 4, 1, 64),
    freshPoolSize: integer('freshPoolSize', options.freshPoolSize, 2, 0, 32),
    waitTimeout,
    allowProduction: options.allowProduction ?? false,
    allowRemote: options.allowRemote ?? false,
    keepTemplates: integer('keepTemplates', options.keepTemplates, 3, 1, 100),
    extensions: options.pglite?.extensions,
    types: options.types,
  };
}
