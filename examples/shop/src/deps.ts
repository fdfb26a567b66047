/**
 * The shop's dependencies as fray/di tokens: resolved per request with `use()`, overridden
 * per test client with `inject(app, { overrides: [[Db, pool]] })` — the FastAPI
 * `dependency_overrides` pattern, scoped to the async context instead of a global dict.
 * Outside tests each default is built once and `use()` costs a property read.
 *
 * @module
 */
import pg from 'pg';
import { token } from 'fray/di';
import type { Database } from './db/database.ts';

/** The database pool. Default: a `pg.Pool` on `DATABASE_URL`. */
export const Db = token<Database>('Db', () => new pg.Pool({ connectionString: process.env.DATABASE_URL }));

/** How the marketplace is reached. Default: the global `fetch`. */
export const MeliFetch = token<(input: string, init?: RequestInit) => Promise<Response>>(
  'MeliFetch',
  () => (input, init) => fetch(input, init),
);

/** The current time in ms. Default: `Date.now`. */
export const Clock = token<() => number>('Clock', () => () => Date.now());
