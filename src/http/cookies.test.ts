/**
 * The cookie jar: kept across requests and redirects, RFC 6265 matching (host-only and
 * domain cookies, paths, expiry, Secure), and the `cookies` / `credentials` options.
 */
import type http from 'node:http';
import express from 'express';
import { describe, expect, test, vi } from 'vitest';
import { HttpUsageError } from '../errors/index.ts';
import { CookieJar, inject } from './index.ts';

/** Sets cookies from `?set=` (a Set-Cookie value) and answers with the Cookie header it got. */
const cookieApp: http.RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const set = url.searchParams.getAll('set');
  if (set.length > 0) res.setHeader('set-cookie', set);
  if (url.pathname === '/login-redirect') {
    res.writeHead(302, { location: '/whoami', 'set-cookie': 'session=from-redirect; Path=/' });
    res.end();
    return;
  }
  res.end(req.headers.cookie ?? '');
};

async function cookieHeader(
  client: { get(path: string, init?: RequestInit): Promise<Response> },
  path: string,
  init?: RequestInit,
) {
  return (await client.get(path, init)).text();
}

describe('the jar across requests', () => {
  test('a session set at login is sent afterwards, and deleted by Max-Age=0', async () => {
    const app = express();
    app.post('/login', (_req, res) => {
      res.cookie('session', 'abc123', { httpOnly: true }).sendStatus(204);
    });
    app.post('/logout', (_req, res) => {
      res.clearCookie('session').sendStatus(204);
    });
    app.get('/me', (req, res) => {
      res.send(req.headers.cookie ?? 'anonymous');
    });
    await using client = await inject(app);

    await client.post('/login');
    const me = await (await client.get('/me')).text();
    await client.post('/logout');
    const after = await (await client.get('/me')).text();

    expect(me).toBe('session=abc123');
    expect(after).toBe('anonymous');
    expect(client.cookies?.size).toBe(0);
  });

  test('cookies set by a redirect are sent to its target', async () => {
    await using client = await inject(cookieApp);

    const response = await client.get('/login-redirect');

    expect(response.redirected).toBe(true);
    expect(await response.text()).toBe('session=from-redirect');
  });

  test('paths: a cookie for /account is sent to /account/* only, most specific first', async () => {
    await using client = await inject(cookieApp);
    await client.get(`/?set=${encodeURIComponent('scope=root; Path=/')}`);
    await client.get(`/?set=${encodeURIComponent('scope=account; Path=/account')}`);

    expect(await cookieHeader(client, '/account/settings')).toBe('scope=account; scope=root');
    expect(await cookieHeader(client, '/accounting')).toBe('scope=root');
  });

  test('Secure cookies go over https, and over http to localhost as in browsers', async () => {
    await using local = await inject(cookieApp);
    await using plain = await inject(cookieApp, { baseURL: 'http://api.test' });
    await using secure = await inject(cookieApp, { baseURL: 'https://api.test' });
    for (const client of [local, plain, secure])
      await client.get(`/?set=${encodeURIComponent('s=1; Secure')}`);

    expect(await cookieHeader(local, '/')).toBe('s=1');
    expect(await cookieHeader(plain, '/')).toBe('');
    expect(await cookieHeader(secure, '/')).toBe('s=1');
  });

  test('domain cookies reach subdomains; host-only cookies do not', async () => {
    await using client = await inject(cookieApp, { baseURL: 'http://shop.test' });
    await client.get(`/?set=${encodeURIComponent('wide=1; Domain=shop.test')}`);
    await client.get(`/?set=${encodeURIComponent('narrow=1')}`);
    await client.get(`/?set=${encodeURIComponent('foreign=1; Domain=other.test')}`);

    expect(await cookieHeader(client, 'http://api.shop.test/')).toBe('wide=1');
    expect(await cookieHeader(client, '/')).toBe('wide=1; narrow=1');
  });

  test('credentials: "omit" neither sends nor stores cookies', async () => {
    await using client = await inject(cookieApp, { cookies: { existing: 'yes' } });

    const omitted = await cookieHeader(client, `/?set=${encodeURIComponent('new=1')}`, {
      credentials: 'omit',
    });
    const included = await cookieHeader(client, '/');

    expect(omitted).toBe('');
    expect(included).toBe('existing=yes');
  });

  test('an explicit Cookie header is kept and the jar’s cookies follow it', async () => {
    await using client = await inject(cookieApp, { cookies: { jar: '1' } });

    expect(await cookieHeader(client, '/', { headers: { cookie: 'manual=1' } })).toBe('manual=1; jar=1');
  });

  test('cookies: false keeps no jar; a shared CookieJar is seen by two clients', async () => {
    const jar = new CookieJar();
    await using none = await inject(cookieApp, { cookies: false });
    await using first = await inject(cookieApp, { cookies: jar });
    await using second = await inject(cookieApp, { cookies: jar });

    await none.get(`/?set=${encodeURIComponent('x=1')}`);
    await first.get(`/?set=${encodeURIComponent('shared=1')}`);

    expect(none.cookies).toBeUndefined();
    expect(await cookieHeader(none, '/')).toBe('');
    expect(await cookieHeader(second, '/')).toBe('shared=1');
    expect(jar.get('shared')).toBe('1');
  });
});

describe('CookieJar', () => {
  test('set, get, getAll, delete and clear', () => {
    const jar = new CookieJar({ url: 'http://localhost/' });

    jar.set('a', '1');
    jar.set('b', '2', { path: '/admin', httpOnly: true, sameSite: 'Strict' });

    expect(jar.get('a')).toBe('1');
    expect(jar.get('b')).toBeUndefined();
    expect(jar.get('b', 'http://localhost/admin/users')).toBe('2');
    expect(
      jar.getAll().map((cookie) => [cookie.name, cookie.path, cookie.httpOnly, cookie.sameSite]),
    ).toEqual([
      ['a', '/', false, undefined],
      ['b', '/admin', true, 'Strict'],
    ]);
    jar.delete('a');
    expect(jar.get('a')).toBeUndefined();
    jar.clear();
    expect(jar.size).toBe(0);
  });

  test('store() follows Set-Cookie attributes: default path, Expires, Max-Age precedence, invalid lines', () => {
    const jar = new CookieJar({ url: 'http://localhost/' });

    jar.store('http://localhost/docs/page', [
      'default=1',
      'expired=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'maxage=1; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'novalue',
      '=nameless',
    ]);

    expect(jar.getAll().map((cookie) => [cookie.name, cookie.path])).toEqual([
      ['default', '/docs'],
      ['maxage', '/docs'],
    ]);
    expect(jar.getAll()[1]?.expires).toBeGreaterThan(Date.now());
  });

  test('a Domain that is a public suffix is refused (tough-cookie’s public suffix list)', () => {
    const jar = new CookieJar({ url: 'http://shop.co.uk/' });

    jar.store('http://shop.co.uk/', ['tracker=1; Domain=co.uk', 'own=1; Domain=shop.co.uk']);

    expect(jar.getAll().map((cookie) => cookie.name)).toEqual(['own']);
  });

  test('Max-Age counts from when the cookie arrived, on the real clock, even under fake timers', () => {
    // Arrange: a session set now, then a test that moves a fake clock two hours ahead.
    const jar = new CookieJar({ url: 'http://localhost/' });
    jar.store('http://localhost/', ['session=1; Max-Age=3600']);
    const expires = jar.getAll()[0]?.expires;
    vi.useFakeTimers({ now: Date.now() + 2 * 3_600_000 });
    try {
      // Act
      const header = jar.header('http://localhost/');

      // Assert
      expect(header).toBe('session=1');
      expect(expires).toBeGreaterThan(Date.now() - 2 * 3_600_000 + 3_599_000);
    } finally {
      vi.useRealTimers();
    }
  });

  test('set() refuses a Secure cookie for plain http to a host that is not loopback', () => {
    const jar = new CookieJar({ url: 'http://api.test/' });

    expect(() => jar.set('token', 't', { secure: true })).toThrow(HttpUsageError);
    expect(() =>
      new CookieJar({ url: 'https://api.test/' }).set('token', 't', { secure: true }),
    ).not.toThrow();
  });

  test('a cookie replaced by the server keeps its place; the Cookie header string matches', () => {
    const jar = new CookieJar({ url: 'http://localhost/' });

    jar.store('http://localhost/', ['first=1', 'second=2']);
    jar.store('http://localhost/', ['first=changed']);

    expect(jar.header('http://localhost/')).toBe('first=changed; second=2');
  });
});
