/**
 * Migrations: what they are, their schema hash, and applying them to an empty database.
 *
 * `migrate` is either a directory of `.sql` files or an async function receiving a
 * `pg`-compatible pool. A directory is read recursively and applied in path order with
 * numeric collation (`2_x.sql` before `10_x.sql`), which covers plain numbered files,
 * golang-migrate's `.up.sql` (its `.down.sql` are skipped), dbmate's `-- migrate:up` /
 * `-- migrate:down` sections, Prisma's `<timestamp>_<name>/migration.sql` and drizzle-kit's
 * `--> statement-breakpoint` output.
 *
 * The schema hash covers every input that can change the schema: the files' paths and
 * contents, or the function's source plus `hashFiles`. The cache (PGlite snapshot,
 * Postgres template) is keyed by it, so editing a migration rebuilds the cache and nothing
 * else does.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { DbMigrationError, DbUsageError } from '../errors/index.ts';
import { lineAt, splitStatements, type SqlStatement } from './sql-lexer.ts';
import { classifyStatement } from './statement-kind.ts';

/** A migration function: receives a `pg`-compatible pool on the database being built. */
export type MigrateFunction = (pool: pg.Pool) => Promise<void>;

/** What `migrate` may be. */
export type MigrateSource = string | URL | MigrateFunction;

/** One migration file. */
export interface MigrationFile {
  /** Path relative to the migrations directory, with `/` separators. */
  readonly name: string;
  /** The SQL to apply (dbmate's down section removed). */
  readonly sql: string;
}

/** Migrations resolved and hashed. */
export interface MigrationPlan {
  /** `files` for a directory, `function` for a function, `none` without migrations. */
  readonly kind: 'files' | 'function' | 'none';
  readonly files: readonly MigrationFile[];
  readonly fn: MigrateFunction | undefined;
  /** Hex SHA-256 of everything that determines the schema. */
  readonly hash: string;
  /** Where the migrations come from (directory, or `name`), for cache entries. */
  readonly source: string;
}

/** Bumped when fray changes how it builds a cached schema. */
const CACHE_FORMAT = 'fray-db-cache-v1';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

function toPath(value: string | URL): string {
  return value instanceof URL ? fileURLToPath(value) : resolve(value);
}

async function listSqlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) await walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.sql') && !entry.name.endsWith('.down.sql'))
        out.push(full);
    }
  };
  await walk(dir);
  return out;
}

/**
 * dbmate files hold both directions; keep `-- migrate:up` only.
 *
 * @example
 * ```ts
 * upSection('-- migrate:up\ncreate table t ();\n-- migrate:down\ndrop table t;'); // '-- migrate:up\ncreate table t ();\n'
 * ```
 */
export function upSection(sql: string): string {
  if (!/^--\s*migrate:up\b/m.test(sql)) return sql;
  const down = /^--\s*migrate:down\b/m.exec(sql);
  return down === null ? sql : sql.slice(0, down.index);
}

/**
 * Read the `.sql` files of `dir`, in application order.
 *
 * @example
 * ```ts
 * const files = await readMigrationFiles('./migrations');
 * files.map((file) => file.name); // ['001_init.sql', '002_orders.sql']
 * ```
 */
export async function readMigrationFiles(dir: string | URL): Promise<MigrationFile[]> {
  const root = toPath(dir);
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new DbUsageError(
      `the migrations directory ${root} does not exist.`,
      'pass migrate: a directory of .sql files (absolute, or relative to the current directory), or an async function.',
    );
  }
  if (!info.isDirectory()) {
    throw new DbUsageError(
      `migrate: ${root} is not a directory.`,
      'pass the directory that holds the .sql files.',
    );
  }
  const paths = await listSqlFiles(root);
  const files = await Promise.all(
    paths.map(async (path) => ({
      name: relative(root, path).split(sep).join('/'),
      sql: upSection(await readFile(path, 'utf8')),
    })),
  );
  return files.sort((a, b) => collator.compare(a.name, b.name));
}

async function hashPath(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DbUsageError(`hashFiles: ${path} does not exist.`, 'list files or directories that exist.');
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path)).sort(collator.compare);
    for (const entry of entries) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      await hashPath(hash, join(path, entry));
    }
  } else {
    hash.update(`\0file\0${path}\0`);
    hash.update(await readFile(path));
  }
}

/** Options that shape a {@link MigrationPlan}. */
export interface PlanOptions {
  readonly migrate?: MigrateSource | undefined;
  readonly hashFiles?: readonly (string | URL)[] | undefined;
  readonly name?: string | undefined;
  /** Extra inputs that change the built schema (PGlite extensions). */
  readonly extra?: readonly string[] | undefined;
}

/**
 * Resolve the migrations and compute the schema hash.
 *
 * @example
 * ```ts
 * const plan = await planMigrations({ migrate: './migrations' });
 * plan.hash; // '9f2c…'
 * ```
 */
export async function planMigrations(options: PlanOptions): Promise<MigrationPlan> {
  const hash = createHash('sha256').update(CACHE_FORMAT);
  for (const extra of options.extra ?? []) hash.update(`\0extra\0${extra}`);
  const migrate = options.migrate;
  let plan: Omit<MigrationPlan, 'hash'>;
  if (migrate === undefined) {
    plan = { kind: 'none', files: [], fn: undefined, source: options.name ?? 'empty' };
  } else if (typeof migrate === 'function') {
    hash.update(`\0function\0${migrate.toString()}`);
    plan = { kind: 'function', files: [], fn: migrate, source: options.name ?? 'migrate-function' };
  } else if (typeof migrate === 'string' || migrate instanceof URL) {
    const files = await readMigrationFiles(migrate);
    for (const file of files) hash.update(`\0migration\0${file.name}\0${file.sql}`);
    plan = { kind: 'files', files, fn: undefined, source: options.name ?? toPath(migrate) };
  } else {
    throw new DbUsageError(
      `migrate must be a directory or an async function, not ${typeof migrate}.`,
      "pass migrate: './migrations' or migrate: async (pool) => { … }.",
    );
  }
  for (const file of options.hashFiles ?? []) await hashPath(hash, toPath(file));
  return { ...plan, hash: hash.digest('hex') };
}

/** What {@link applyMigrations} needs: simple queries, and a pool for functions. */
export interface MigrationTarget {
  /** Run SQL with the simple protocol (several statements allowed). */
  simple(sql: string): Promise<void>;
  /** A `pg`-compatible pool on the database being built. */
  pool(): pg.Pool;
}

function errorPosition(error: unknown): number | undefined {
  const position = (error as { position?: unknown }).position;
  const parsed = typeof position === 'string' ? Number.parseInt(position, 10) : Number.NaN;
  return Number.isFinite(parsed) && parsed > 0 ? parsed - 1 : undefined;
}

/**
 * Errors raised while executing (a violated constraint, a division by zero) carry no
 * position. The file was applied as one implicit transaction, so nothing of it is left:
 * replay it statement by statement inside a transaction that is rolled back, to find the
 * one that fails. Files that manage transactions themselves are not replayed.
 */
async function replayToLocate(
  target: MigrationTarget,
  statements: readonly SqlStatement[],
): Promise<SqlStatement | undefined> {
  if (statements.length < 2) return statements[0];
  if (statements.some((statement) => classifyStatement(statement.text).kind !== 'other')) return undefined;
  let failed: SqlStatement | undefined;
  try {
    await target.simple('BEGIN');
    for (const statement of statements) {
      try {
        await target.simple(statement.text);
      } catch {
        failed = statement;
        break;
      }
    }
  } catch {
    return undefined;
  } finally {
    await target.simple('ROLLBACK').catch(() => undefined);
  }
  return failed;
}

async function applyFile(target: MigrationTarget, file: MigrationFile): Promise<void> {
  // drizzle-kit separates statements with a marker comment; as SQL it is just a comment.
  const sql = file.sql;
  if (sql.trim() === '') return;
  try {
    await target.simple(sql);
    return;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const statements = splitStatements(sql);
    if (code === '25001' && statements.length > 1) {
      // CREATE INDEX CONCURRENTLY and friends refuse a multi-statement string (an implicit
      // transaction). Nothing of the file was applied; run it one statement at a time.
      for (const statement of statements) {
        try {
          await target.simple(statement.text);
        } catch (inner) {
          throw new DbMigrationError(file.name, {
            statement: statement.text,
            line: lineAt(sql, statement.start),
            cause: inner,
          });
        }
      }
      return;
    }
    const offset = errorPosition(error);
    const located =
      offset === undefined
        ? await replayToLocate(target, statements)
        : statements.find((statement) => offset >= statement.start && offset <= statement.end);
    const line = offset ?? located?.start;
    throw new DbMigrationError(file.name, {
      ...(located === undefined ? {} : { statement: located.text }),
      ...(line === undefined ? {} : { line: lineAt(sql, line) }),
      cause: error,
    });
  }
}

/**
 * Apply `plan` to the (empty) database behind `target`.
 *
 * @example
 * ```ts
 * await applyMigrations(plan, target); // throws DbMigrationError naming file and statement
 * ```
 */
export async function applyMigrations(plan: MigrationPlan, target: MigrationTarget): Promise<void> {
  if (plan.kind === 'files') {
    for (const file of plan.files) await applyFile(target, file);
    return;
  }
  if (plan.fn !== undefined) {
    try {
      await plan.fn(target.pool());
    } catch (error) {
      throw new DbMigrationError('migrate()', { cause: error });
    }
  }
}
