/**
 * Errors raised by `fray/db`.
 *
 * Every message names the database (never a password) and the fix. Errors PostgreSQL itself
 * raises for the application's own SQL are passed through unchanged (`pg`'s
 * `DatabaseError`, with its `code`), so application code that branches on SQLSTATE keeps
 * working under test.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/** `createTestDatabase()` or a view was used with options or in a state it cannot work with. */
export class DbUsageError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_DB_USAGE', message, { fix });
  }
}

/** The PostgreSQL server could not be reached (the URL is shown without its password). */
export class DbUnreachableError extends FrayError {
  /** The URL that was tried, password removed. */
  readonly url: string;
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('FRAY_DB_UNREACHABLE', `fray/db could not connect to PostgreSQL at ${url}: ${reason}`, {
      cause,
      fix: "start the server (or check DATABASE_URL / the `url` option), or use engine: 'pglite', which needs nothing installed.",
    });
    this.url = url;
  }
}

/** `NODE_ENV` is `production`: fray/db refuses to create or drop databases there. */
export class DbProductionError extends FrayError {
  constructor() {
    super(
      'FRAY_DB_PRODUCTION',
      'fray/db refuses to run with NODE_ENV=production: test databases are created and dropped, and a production environment is the wrong place for that.',
      {
        fix: 'run the tests with NODE_ENV=test (or unset it); if this really is a disposable environment, pass allowProduction: true or set FRAY_DB_ALLOW_PRODUCTION=1.',
      },
    );
  }
}

/** The server is not on this machine: fray/db refuses non-loopback hosts unless allowed. */
export class DbRemoteError extends FrayError {
  /** The host that was refused. */
  readonly host: string;
  constructor(host: string, url: string) {
    super(
      'FRAY_DB_REMOTE',
      `fray/db refuses the non-loopback host '${host}' (${url}): test databases are created and dropped on the server, and a remote server is often a shared or production one.`,
      {
        fix: 'point DATABASE_URL / url at 127.0.0.1, localhost or a Unix socket; for a dedicated CI or container database, pass allowRemote: true or set FRAY_DB_ALLOW_REMOTE=1.',
      },
    );
    this.host = host;
  }
}

/** The role in the URL may not create databases. */
export class DbPermissionError extends FrayError {
  constructor(role: string, url: string, cause: unknown) {
    super('FRAY_DB_PERMISSION', `role '${role}' may not create databases on ${url}.`, {
      cause,
      fix: `grant it: ALTER ROLE "${role}" CREATEDB; (fray/db only ever creates and drops databases named fray_…).`,
    });
  }
}

/** A migration failed; the message names the file (or function) and the statement. */
export class DbMigrationError extends FrayError {
  /** The migration file, or `migrate()` for a function. */
  readonly file: string;
  /** The failing statement, when it could be located. */
  readonly statement: string | undefined;
  /** 1-based line of the statement in the file, when known. */
  readonly line: number | undefined;
  constructor(file: string, details: { statement?: string; line?: number; cause: unknown }) {
    const reason = details.cause instanceof Error ? details.cause.message : String(details.cause);
    const where = details.line === undefined ? file : `${file}:${details.line}`;
    const shown =
      details.statement === undefined
        ? ''
        : `\n  Statement: ${details.statement.length > 300 ? `${details.statement.slice(0, 300)}…` : details.statement}`;
    super('FRAY_DB_MIGRATION', `migration ${where} failed: ${reason}${shown}`, {
      cause: details.cause,
      fix: 'fix the statement (the migration runs in a fresh database, so it must work from an empty schema); nothing was cached, the next run migrates again.',
    });
    this.file = file;
    this.statement = details.statement;
    this.line = details.line;
  }
}

/** A cached PGlite snapshot was built by another PGlite version, or cannot be loaded. */
export class DbSnapshotError extends FrayError {
  /** The snapshot file. */
  readonly path: string;
  constructor(path: string, problem: string, cause?: unknown) {
    super('FRAY_DB_SNAPSHOT_INCOMPATIBLE', `the PGlite snapshot ${path} cannot be used: ${problem}`, {
      ...(cause === undefined ? {} : { cause }),
      fix: "rebuild it: delete the file (it is only a cache), or leave onStaleSnapshot at its default 'rebuild' so fray rebuilds it from the migrations.",
    });
    this.path = path;
  }
}

/**
 * An operation waited for a connection or an open transaction whose holder stayed idle for
 * `waitTimeout` ms — almost always a view that was never disposed, or a deadlock between a
 * transaction and a query that needs the same single session.
 */
export class DbWaitTimeoutError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_DB_WAIT_TIMEOUT', message, { fix });
  }
}

/** A statement that cannot work inside `isolated()` (LISTEN, PREPARE TRANSACTION). */
export class DbUnsupportedError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_DB_UNSUPPORTED', message, { fix });
  }
}

/** A view, pool or database was used after it was disposed or ended. */
export class DbClosedError extends FrayError {
  constructor(what: string, fix: string) {
    super('FRAY_DB_CLOSED', `${what} is closed.`, { fix });
  }
}

/** fray/db was about to drop or reuse a database it did not name (a bug guard). */
export class DbUnsafeNameError extends FrayError {
  constructor(name: string) {
    super(
      'FRAY_DB_UNSAFE_NAME',
      `fray/db refused to touch the database '${name}': it only ever creates, uses and drops databases it named itself (fray_…).`,
      { fix: 'this is a bug in fray/db; please report it with the stack trace.' },
    );
  }
}

/** No directory for PGlite snapshots could be created or written. */
export class DbCacheUnwritableError extends FrayError {
  /** The directories tried, in order. */
  readonly candidates: readonly string[];
  constructor(candidates: readonly string[]) {
    super(
      'FRAY_DB_CACHE_UNWRITABLE',
      `fray/db found no writable directory for its PGlite snapshots; it tried ${candidates.join(', ')}.`,
      {
        fix: 'point the cacheDir option or FRAY_DB_CACHE_DIR at a writable directory (the snapshots are only a cache), or make the project directory or TMPDIR writable.',
      },
    );
    this.candidates = candidates;
  }
}

/** Databases fray/db created could not be dropped when it shut down. */
export class DbDropFailedError extends FrayError {
  /** Why each drop failed. */
  readonly failures: readonly unknown[];
  constructor(failures: readonly unknown[]) {
    const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
    super(
      'FRAY_DB_DROP_FAILED',
      `fray/db could not drop ${failures.length} of its own databases (first: ${first}). Your data is untouched; only fray_… databases are involved.`,
      {
        cause: new AggregateError(failures, 'the failed drops'),
        fix: 'nothing to do: the next run removes them as stale. To remove them now, drop the databases named fray_… (for example with dropdb), once no test run is using them.',
      },
    );
    this.failures = failures;
  }
}
