/**
 * The safety rules and option defaults, without a database.
 *
 * @module
 */
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { resolveOptions } from './options.ts';
import {
  assertFrayDatabase,
  assertLocalHost,
  assertNotProduction,
  isLoopbackHost,
  parseUrl,
  redactUrl,
  RUN_DATABASE,
  staleOwned,
  withDatabase,
} from './safety.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFrayError(error) ? error.code : 'not a fray error';
  }
  return undefined;
}

describe('loopback hosts', () => {
  test.each([
    'localhost',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '/var/run/postgresql',
    'db.localhost',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
  ])('%s is this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  test.each([
    'db.internal',
    '10.0.0.5',
    '192.168.1.2',
    'prod.example.com',
    '::2',
    '128.0.0.1',
    '::ffff:a00:5',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  test('a remote host is refused with FRAY_DB_REMOTE unless allowed', () => {
    const remote = parseUrl('postgres://app:secret@db.prod.internal:5432/app');
    expect(codeOf(() => assertLocalHost(remote, false, {}))).toBe('FRAY_DB_REMOTE');
    expect(codeOf(() => assertLocalHost(remote, true, {}))).toBeUndefined();
    expect(codeOf(() => assertLocalHost(remote, false, { FRAY_DB_ALLOW_REMOTE: '1' }))).toBeUndefined();
  });

  test('the refusal names the host but never the password', () => {
    const remote = parseUrl('postgres://app:secret@db.prod.internal:5432/app');
    expect(() => assertLocalHost(remote, false, {})).toThrow(/db\.prod\.internal/);
    expect(() => assertLocalHost(remote, false, {})).not.toThrow(/secret/);
  });

  test('a URL without a host is judged by PGHOST, where pg would connect', () => {
    // Arrange: pg fills an empty host from PGHOST, so fray must judge that host.
    const remoteEnv = { PGHOST: 'db.prod.example.invalid' };

    // Act
    const viaRemote = parseUrl('postgres://app@/app', remoteEnv);
    const viaNothing = parseUrl('postgres:///app', {});
    const viaSocket = parseUrl('postgres:///app', { PGHOST: '/var/run/postgresql' });

    // Assert
    expect(viaRemote.host).toBe('db.prod.example.invalid');
    expect(codeOf(() => assertLocalHost(viaRemote, false, {}))).toBe('FRAY_DB_REMOTE');
    expect(viaNothing.host).toBe('localhost');
    expect(codeOf(() => assertLocalHost(viaNothing, false, {}))).toBeUndefined();
    expect(codeOf(() => assertLocalHost(viaSocket, false, {}))).toBeUndefined();
  });

  test('a Unix socket given as ?host= is local, with or without credentials', () => {
    const socket = 'postgres://postgres@/app?host=/var/run/postgresql';
    expect(parseUrl(socket)).toMatchObject({
      host: '/var/run/postgresql',
      user: 'postgres',
      database: 'app',
    });
    expect(withDatabase(socket, 'fray_x')).toBe('postgres://postgres@/fray_x?host=/var/run/postgresql');
    expect(parseUrl('postgres:///app?host=/tmp').host).toBe('/tmp');
  });
});

describe('production', () => {
  test('NODE_ENV=production is refused with FRAY_DB_PRODUCTION unless allowed', () => {
    expect(codeOf(() => assertNotProduction(false, { NODE_ENV: 'production' }))).toBe('FRAY_DB_PRODUCTION');
    expect(codeOf(() => assertNotProduction(false, { NODE_ENV: ' Production ' }))).toBe('FRAY_DB_PRODUCTION');
    expect(codeOf(() => assertNotProduction(true, { NODE_ENV: 'production' }))).toBeUndefined();
    expect(
      codeOf(() => assertNotProduction(false, { NODE_ENV: 'production', FRAY_DB_ALLOW_PRODUCTION: 'true' })),
    ).toBeUndefined();
    expect(codeOf(() => assertNotProduction(false, { NODE_ENV: 'test' }))).toBeUndefined();
  });
});

describe('database names', () => {
  test('only names fray generates may be dropped', () => {
    expect(codeOf(() => assertFrayDatabase('fray_0123456789_f12'))).toBeUndefined();
    expect(codeOf(() => assertFrayDatabase('fray_tpl_0123456789abcdef01234567'))).toBeUndefined();
    for (const name of [
      'postgres',
      'app',
      'fray',
      'fray_app',
      'fray_sentinel_1',
      'fray_0123456789_x1',
      'FRAY_0123456789_f1',
    ]) {
      expect(codeOf(() => assertFrayDatabase(name))).toBe('FRAY_DB_UNSAFE_NAME');
    }
  });

  test('run-scoped names carry the run key and kind', () => {
    expect(RUN_DATABASE.exec('fray_abcdefghij_w3')?.slice(1)).toEqual(['abcdefghij', 'w', '3']);
  });
});

describe('URLs', () => {
  test('passwords are redacted, in the URL and in ?password=', () => {
    expect(redactUrl('postgres://u:p%40ss@127.0.0.1:5432/db')).toBe('postgres://u:***@127.0.0.1:5432/db');
    expect(redactUrl('postgres://u@h/db?password=x')).toBe('postgres://u@h/db?password=***');
    expect(redactUrl('not a url://u:pw@h')).not.toContain(':pw@');
  });

  test('withDatabase swaps the database and keeps the rest', () => {
    expect(withDatabase('postgres://u:p@127.0.0.1:5433/app?sslmode=disable', 'fray_x')).toBe(
      'postgres://u:p@127.0.0.1:5433/fray_x?sslmode=disable',
    );
  });

  test('a URL that is not postgres:// is a usage error', () => {
    expect(codeOf(() => parseUrl('mysql://127.0.0.1/db'))).toBe('FRAY_DB_USAGE');
    expect(codeOf(() => parseUrl('nonsense'))).toBe('FRAY_DB_USAGE');
  });
});

describe('options', () => {
  test('PGlite by default; Postgres when a url is given or auto finds DATABASE_URL', () => {
    expect(resolveOptions({}, {}).engine).toBe('pglite');
    expect(resolveOptions({ url: 'postgres://127.0.0.1/x' }, {}).engine).toBe('postgres');
    expect(resolveOptions({ engine: 'auto' }, { DATABASE_URL: 'postgres://127.0.0.1/x' })).toMatchObject({
      engine: 'postgres',
      url: 'postgres://127.0.0.1/x',
    });
    expect(resolveOptions({ engine: 'auto' }, {}).engine).toBe('pglite');
    expect(resolveOptions({ engine: 'postgres' }, { DATABASE_URL: 'postgres://127.0.0.1/y' }).url).toBe(
      'postgres://127.0.0.1/y',
    );
  });

  test('with no engine named, DATABASE_URL is used, as the options table says url defaults to it', () => {
    const resolved = resolveOptions({ migrate: './migrations' }, { DATABASE_URL: 'postgres://127.0.0.1/z' });

    expect(resolved).toMatchObject({ engine: 'postgres', url: 'postgres://127.0.0.1/z' });
    expect(resolveOptions({ engine: 'pglite' }, { DATABASE_URL: 'postgres://127.0.0.1/z' }).engine).toBe(
      'pglite',
    );
  });

  test('an unknown option (a typo) is refused, naming the option it resembles', () => {
    let error: unknown;
    try {
      resolveOptions({ engin: 'postgres' } as never, {});
    } catch (caught) {
      error = caught;
    }

    expect(isFrayError(error) && error.code).toBe('FRAY_DB_USAGE');
    expect((error as Error).message).toContain("unknown option 'engin' for createTestDatabase()");
    expect((error as Error).message).toContain("did you mean 'engine'?");
    expect(codeOf(() => resolveOptions(null as never, {}))).toBe('FRAY_DB_USAGE');
  });

  test('defaults and limits', () => {
    expect(resolveOptions({}, {})).toMatchObject({
      cache: true,
      connections: 4,
      freshPoolSize: 2,
      waitTimeout: 3000,
      keepTemplates: 3,
      onStaleSnapshot: 'rebuild',
    });
    expect(codeOf(() => resolveOptions({ connections: 0 }, {}))).toBe('FRAY_DB_USAGE');
    expect(codeOf(() => resolveOptions({ freshPoolSize: 1.5 }, {}))).toBe('FRAY_DB_USAGE');
    expect(codeOf(() => resolveOptions({ waitTimeout: -1 }, {}))).toBe('FRAY_DB_USAGE');
    expect(codeOf(() => resolveOptions({ engine: 'mysql' as never }, {}))).toBe('FRAY_DB_USAGE');
  });

  test("engine 'postgres' without any URL says how to give one", () => {
    try {
      resolveOptions({ engine: 'postgres' }, {});
      expect.unreachable();
    } catch (error) {
      expect(isFrayError(error) && error.code).toBe('FRAY_DB_USAGE');
      expect((error as Error).message).toContain('DATABASE_URL');
    }
  });
});

describe("stale cleanup drops only what carries fray's mark", () => {
  const mark = (run: string): string => JSON.stringify({ fray: 1, kind: 'worker', run, created: 'x' });

  test('a look-alike (no comment, a foreign comment, a mark naming another run) is left alone', () => {
    const rows = [
      { datname: 'fray_zzrelzzrel_w1', comment: null },
      { datname: 'fray_aaaaaaaaaa_w1', comment: "the team's scratch database" },
      { datname: 'fray_bbbbbbbbbb_f2', comment: mark('cccccccccc') },
      { datname: 'fray_dddddddddd_w1', comment: '{"fray":1' },
    ];

    const result = staleOwned(rows, new Set());

    expect(result).toEqual({ drop: [], lookalikes: rows.map((row) => row.datname) });
  });

  test("fray's own: marked for its run, or unmarked with a marked database of the same run (died mid-create)", () => {
    const rows = [
      { datname: 'fray_0123456789_w1', comment: mark('0123456789') },
      { datname: 'fray_0123456789_f2', comment: null },
      { datname: 'fray_9999999999_w1', comment: mark('9999999999') },
      { datname: 'fray_tpl_0123456789abcdef01234567', comment: null },
      { datname: 'app', comment: null },
    ];

    const result = staleOwned(rows, new Set(['9999999999']));

    expect(result).toEqual({ drop: ['fray_0123456789_w1', 'fray_0123456789_f2'], lookalikes: [] });
  });
});
