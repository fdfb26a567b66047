/**
 * What both engines (PGlite, Postgres) provide to `createTestDatabase()`.
 *
 * @module
 */
import type { DatabaseEngine, FreshDatabase, IsolatedView } from './views.ts';

/** Facts about a test database, for logs and for tests of fray itself. */
export interface DatabaseInfo {
  readonly engine: DatabaseEngine;
  /** SHA-256 of the migrations (hex). */
  readonly schemaHash: string;
  /**
   * How the schema got there: `built` (migrations ran in this process), `loaded` (PGlite
   * snapshot from disk), `shared` (a PGlite instance this process already had), `cloned`
   * (Postgres: a clone of an existing template).
   */
  readonly origin: 'built' | 'loaded' | 'shared' | 'cloned';
  /** PGlite: the snapshot file, when cached. */
  readonly snapshot: string | undefined;
  /** PGlite: ms the instance took to start (migrations included when built). */
  readonly startMs: number | undefined;
  /** PGlite: the installed version. */
  readonly pgliteVersion: string | undefined;
  /** Postgres: the template database cloned for this schema. */
  readonly template: string | undefined;
  /** Postgres: the database `isolated()` views run on. */
  readonly database: string | undefined;
  /** Postgres: this run's key (in every database name it creates, and in application_name). */
  readonly runKey: string | undefined;
}

/** One engine's implementation of a test database. */
export interface Engine {
  readonly info: DatabaseInfo;
  isolated(): Promise<IsolatedView>;
  fresh(): Promise<FreshDatabase>;
  prewarm(): Promise<void>;
  /** Postgres: cancel the statement running on one of this run's backends. */
  cancelBackend?(pid: number): Promise<boolean>;
  end(): Promise<void>;
}
