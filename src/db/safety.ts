/**
 * The rules that keep fray/db away from data it does not own.
 *
 * - It refuses to run under `NODE_ENV=production` and against a host that is not this
 *   machine, unless explicitly allowed.
 * - It only ever creates, uses and drops databases whose names it generated: run-scoped
 *   ones (`fray_<run>_<kind><n>`) and its schema templates (`fray_tpl_<hash>`). Every drop
 *   goes through {@link assertFrayDatabase}.
 * - URLs in messages never show a password.
 *
 * @module
 */
import { BlockList, isIP } from 'node:net';
import { DbProductionError, DbRemoteError, DbUnsafeNameError, DbUsageError } from '../errors/index.ts';
import type { Environment } from './options.ts';

/** A run-scoped database: `fray_<10 base-36 chars>_<kind><n>`. */
export const RUN_DATABASE = /^fray_([0-9a-z]{10})_([wfbt])([0-9]{1,9})$/;
/** A cached schema template: `fray_tpl_<24 hex chars>`. */
export const TEMPLATE_DATABASE = /^fray_tpl_([0-9a-f]{24})$/;

/** The kinds of run-scoped databases: worker, fresh clone, build, private template. */
export type RunDatabaseKind = 'w' | 'f' | 'b' | 't';

/**
 * Throw unless `name` is a database fray/db names itself.
 *
 * @example
 * ```ts
 * assertFrayDatabase('fray_0123456789_f1'); // ok
 * assertFrayDatabase('app_production'); // throws FRAY_DB_UNSAFE_NAME
 * ```
 */
export function assertFrayDatabase(name: string): void {
  if (!RUN_DATABASE.test(name) && !TEMPLATE_DATABASE.test(name)) throw new DbUnsafeNameError(name);
}

/**
 * Whether a run-scoped database carries fray's own mark: the JSON comment fray writes on
 * every database it creates (`{"fray":1,…,"run":"<key>"}`) naming the same run as the
 * database's name. A database that only *looks* like fray's (`create database
 * fray_zzrelzzrel_w1`, a copied comment naming another run, no comment at all) is not
 * fray's: stale cleanup leaves it alone.
 *
 * @example
 * ```ts
 * isMarkedRunDatabase('fray_0123456789_w1', '{"fray":1,"kind":"worker","run":"0123456789"}'); // true
 * isMarkedRunDatabase('fray_0123456789_w1', null); // false: a look-alike
 * ```
 */
export function isMarkedRunDatabase(name: string, comment: string | null | undefined): boolean {
  const match = RUN_DATABASE.exec(name);
  if (match === null || typeof comment !== 'string') return false;
  let mark: unknown;
  try {
    mark = JSON.parse(comment);
  } catch {
    return false;
  }
  if (typeof mark !== 'object' || mark === null) return false;
  const { fray, run } = mark as { fray?: unknown; run?: unknown };
  return fray === 1 && run === match[1];
}

/** A database on the server, with its comment (`shobj_description`). */
export interface DatabaseRow {
  readonly datname: string;
  readonly comment: string | null;
}

/**
 * Sort the run-scoped databases of runs that are gone (`live` holds the keys of runs still
 * connected) into those fray may drop and the look-alikes it must leave alone.
 *
 * fray's may be dropped: a database carrying fray's mark for its run, or one with no
 * comment at all whose run has a marked database too (the run died between `CREATE
 * DATABASE` and `COMMENT ON DATABASE`, which cannot share a transaction). Everything else
 * named `fray_<key>_<kind><n>` is a look-alike.
 *
 * @example
 * ```ts
 * staleOwned([{ datname: 'fray_zzrelzzrel_w1', comment: null }], new Set());
 * // { drop: [], lookalikes: ['fray_zzrelzzrel_w1'] }
 * ```
 */
export function staleOwned(
  rows: readonly DatabaseRow[],
  live: ReadonlySet<string>,
): { drop: string[]; lookalikes: string[] } {
  const runs = new Set<string>();
  for (const row of rows) {
    const key = RUN_DATABASE.exec(row.datname)?.[1];
    if (key !== undefined && isMarkedRunDatabase(row.datname, row.comment)) runs.add(key);
  }
  const drop: string[] = [];
  const lookalikes: string[] = [];
  for (const row of rows) {
    const key = RUN_DATABASE.exec(row.datname)?.[1];
    if (key === undefined || live.has(key)) continue;
    const owned = isMarkedRunDatabase(row.datname, row.comment) || (row.comment === null && runs.has(key));
    (owned ? drop : lookalikes).push(row.datname);
  }
  return { drop, lookalikes };
}

function flag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

/**
 * Refuse `NODE_ENV=production` unless allowed (option or `FRAY_DB_ALLOW_PRODUCTION=1`).
 *
 * @example
 * ```ts
 * assertNotProduction(false); // throws FRAY_DB_PRODUCTION when NODE_ENV=production
 * ```
 */
export function assertNotProduction(allow: boolean | undefined, env: Environment = process.env): void {
  if (env['NODE_ENV']?.trim().toLowerCase() !== 'production') return;
  if (allow === true || flag(env['FRAY_DB_ALLOW_PRODUCTION'])) return;
  throw new DbProductionError();
}

/**
 * Whether `host` is this machine: `localhost`, a loopback address (127.0.0.0/8, ::1) or a
 * Unix socket directory.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('/var/run/postgresql'); // true
 * isLoopbackHost('db.internal'); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === '' || bare.startsWith('/') || bare.startsWith('@')) return true; // socket dir / abstract
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  const kind = isIP(lower);
  // BlockList knows every spelling, IPv4-mapped included: the URL parser turns
  // [::ffff:127.0.0.1] into [::ffff:7f00:1].
  return kind !== 0 && LOOPBACK.check(lower, kind === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

// `postgres://user@/db?host=/socket/dir` (a Unix socket, credentials, no host) is a valid
// libpq URL but not a valid WHATWG URL; parse it with a placeholder host and put it back.
const SOCKET_PLACEHOLDER = 'fray-socket-host.invalid';

function toUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch (error) {
    const patched = raw.replace(/^(postgres(?:ql)?:\/\/[^/@]*@)(\/|$)/, `$1${SOCKET_PLACEHOLDER}$2`);
    if (patched === raw) throw error;
    return new URL(patched);
  }
}

function fromUrl(url: URL): string {
  return url.toString().replace(`@${SOCKET_PLACEHOLDER}`, '@');
}

/** The parts of a connection URL fray/db needs. */
export interface ParsedUrl {
  readonly url: URL;
  /**
   * Host, or the socket directory from `?host=`; for a URL without one, `PGHOST` (else
   * `localhost`), as `pg` itself resolves it.
   */
  readonly host: string;
  readonly user: string;
  readonly database: string | undefined;
  /** The URL without its password, for messages. */
  readonly redacted: string;
}

/**
 * Parse a `postgres://` URL.
 *
 * @example
 * ```ts
 * parseUrl('postgres://app:secret@127.0.0.1:5432/app').redacted; // 'postgres://app:***@127.0.0.1:5432/app'
 * ```
 */
export function parseUrl(raw: string, env: NodeJS.ProcessEnv = process.env): ParsedUrl {
  let url: URL;
  try {
    url = toUrl(raw);
  } catch {
    throw new DbUsageError(
      `'${redactUrl(raw)}' is not a valid connection URL.`,
      'use the form postgres://user:password@127.0.0.1:5432/database.',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DbUsageError(
      `'${redactUrl(raw)}' is not a PostgreSQL URL.`,
      'use the form postgres://user:password@127.0.0.1:5432/database.',
    );
  }
  const socket = url.searchParams.get('host');
  const named = url.hostname === SOCKET_PLACEHOLDER ? '' : decodeURIComponent(url.hostname);
  // No host in the URL: pg connects to PGHOST, so that is the host the safety rules judge.
  const host = socket ?? (named === '' ? env['PGHOST'] || 'localhost' : named);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    url,
    host,
    user: decodeURIComponent(url.username) || env['PGUSER'] || env['USER'] || 'postgres',
    database: path === '' ? undefined : path,
    redacted: redactUrl(raw),
  };
}

/**
 * `raw` with any password replaced by `***`.
 *
 * @example
 * ```ts
 * redactUrl('postgres://u:p@h/db'); // 'postgres://u:***@h/db'
 * ```
 */
export function redactUrl(raw: string): string {
  try {
    const url = toUrl(raw);
    if (url.password !== '') url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return fromUrl(url);
  } catch {
    return raw.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/**
 * Refuse a non-loopback host unless allowed (option or `FRAY_DB_ALLOW_REMOTE=1`).
 *
 * @example
 * ```ts
 * assertLocalHost(parseUrl('postgres://db.prod.internal/app'), false); // throws FRAY_DB_REMOTE
 * ```
 */
export function assertLocalHost(
  parsed: ParsedUrl,
  allow: boolean | undefined,
  env: Environment = process.env,
): void {
  if (isLoopbackHost(parsed.host)) return;
  if (allow === true || flag(env['FRAY_DB_ALLOW_REMOTE'])) return;
  throw new DbRemoteError(parsed.host, parsed.redacted);
}

/**
 * `base` pointing at another database, everything else (user, password, host, query) kept.
 *
 * @example
 * ```ts
 * withDatabase('postgres://u@127.0.0.1/app?sslmode=disable', 'fray_x'); // 'postgres://u@127.0.0.1/fray_x?sslmode=disable'
 * ```
 */
export function withDatabase(base: string, database: string): string {
  const url = toUrl(base);
  url.pathname = `/${encodeURIComponent(database)}`;
  return fromUrl(url);
}
