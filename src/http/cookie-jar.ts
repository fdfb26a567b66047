/**
 * The cookie jar an `inject` client keeps across requests, as a browser does: it stores
 * `Set-Cookie` from every response (redirects included) and sends the matching cookies with
 * every request. The RFC 6265 work — parsing, domain and path matching, the public suffix
 * list, `Secure` (sent over https and to loopback hosts, as browsers do), cookie prefixes,
 * ordering — is tough-cookie's; fray adds its own API (`get`, `set`, `header`, `store`…) and
 * one rule: expiry follows the real clock. `Max-Age` becomes an absolute expiry when the
 * cookie arrives (RFC 6265 5.2.2), and expiry is checked against the wall clock captured at
 * load, so a test that fakes `Date` does not expire the session it is testing.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { Cookie as ToughCookie, CookieJar as ToughJar, MemoryCookieStore } from 'tough-cookie';
import { HttpUsageError } from '../errors/index.ts';

// Captured at module load: expiry follows the wall clock even when a test fakes `Date`.
const now = natives.dateNow;
const RealDate = natives.Date;

/** A stored cookie. */
export interface Cookie {
  readonly name: string;
  readonly value: string;
  /** The domain, lowercase, without a leading dot. */
  readonly domain: string;
  /** `true` when the cookie had no `Domain` attribute: sent to exactly that host only. */
  readonly hostOnly: boolean;
  readonly path: string;
  /** Expiry time in ms since the epoch; `undefined` for a session cookie. */
  readonly expires: number | undefined;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: 'Strict' | 'Lax' | 'None' | undefined;
}

/** Attributes for {@link CookieJar.set}. */
export interface CookieAttributes {
  /** Default: the jar's host, host-only. A domain cookie is also sent to subdomains. */
  readonly domain?: string;
  /** Default `/`. */
  readonly path?: string;
  /** Expiry as a `Date` or ms since the epoch. Default: a session cookie. */
  readonly expires?: Date | number;
  /** Default `false`. Stored only for an https URL or a loopback host, as browsers do. */
  readonly secure?: boolean;
  /** Default `false`. */
  readonly httpOnly?: boolean;
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
}

/** Options of {@link CookieJar}. */
export interface CookieJarOptions {
  /**
   * The URL whose host `set()` and `get()` use when none is given. Default: the `baseURL` of
   * the first `inject` client the jar is given to, else `http://localhost`.
   */
  readonly url?: string | URL;
}

const SAME_SITE = { strict: 'Strict', lax: 'Lax', none: 'None' } as const;

/**
 * A cookie jar. Each `inject` client has one unless created with `{ cookies: false }`; pass
 * your own to share it between clients or to inspect it.
 *
 * @example
 * ```ts
 * const client = await inject(app);
 * await client.post('/login', { form: { user: 'ada', password: 's3cret' } });
 * expect(client.cookies?.get('session')).toBeDefined();
 * const me = await client.get('/me'); // sends the session cookie
 * ```
 */
export class CookieJar {
  readonly #store = new MemoryCookieStore();
  readonly #jar = new ToughJar(this.#store, {
    rejectPublicSuffixes: true,
    allowSpecialUseDomain: true,
    allowSecureOnLocal: true,
  });
  #url: URL | undefined;
  /** Nothing was ever stored (or everything was cleared): requests skip the lookup. */
  #empty = true;

  constructor(options: CookieJarOptions = {}) {
    this.#url = options.url === undefined ? undefined : new URL(options.url);
  }

  /** The URL `set()`/`get()` default to; set by the first client that adopts the jar. */
  adopt(url: URL): void {
    this.#url ??= url;
  }

  /**
   * The value of cookie `name` that would be sent to `url` (default: the jar's URL).
   *
   * @example
   * ```ts
   * jar.get('session'); // 'abc123'
   * ```
   */
  get(name: string, url?: string | URL): string | undefined {
    return this.#matching(this.#target(url)).find((cookie) => cookie.key === name)?.value;
  }

  /**
   * Every live cookie, or only those that would be sent to `url`, most specific first.
   *
   * @example
   * ```ts
   * jar.getAll().map((cookie) => cookie.name); // ['session', 'theme']
   * ```
   */
  getAll(url?: string | URL): Cookie[] {
    const cookies = url === undefined ? this.#all() : this.#matching(this.#target(url));
    return cookies.map(publicCookie);
  }

  /**
   * Store a cookie as if a response to the jar's URL had set it. A `Secure` cookie for a plain
   * http URL that is not a loopback host is refused (`FRAY_HTTP_USAGE`), as browsers refuse it.
   *
   * @example
   * ```ts
   * jar.set('session', 'abc123', { httpOnly: true });
   * ```
   */
  set(name: string, value: string, attributes: CookieAttributes = {}): void {
    const url = this.#target(undefined);
    const expires = attributes.expires;
    const cookie = new ToughCookie({
      key: name,
      value,
      path: attributes.path ?? '/',
      expires: expires === undefined ? 'Infinity' : new RealDate(expires),
      secure: attributes.secure ?? false,
      httpOnly: attributes.httpOnly ?? false,
      ...(attributes.domain === undefined ? {} : { domain: attributes.domain.replace(/^\./, '') }),
      ...(attributes.sameSite === undefined ? {} : { sameSite: attributes.sameSite.toLowerCase() }),
    });
    try {
      this.#jar.setCookieSync(cookie, url, { now: new RealDate(now()) });
    } catch (error) {
      throw new HttpUsageError(
        `CookieJar.set('${name}'): ${url.origin} cannot store it (${(error as Error).message}).`,
        'give a domain that matches the jar’s URL, and set Secure cookies for an https URL or a loopback host (new CookieJar({ url: "https://api.test" })).',
        error,
      );
    }
    this.#empty = false;
  }

  /**
   * Remove cookie `name` (every domain and path, unless narrowed).
   *
   * @example
   * ```ts
   * jar.delete('session');
   * ```
   */
  delete(name: string, where: { readonly domain?: string; readonly path?: string } = {}): void {
    const domain = where.domain?.replace(/^\./, '').toLowerCase();
    for (const cookie of this.#all()) {
      if (
        cookie.key === name &&
        (domain === undefined || cookie.domain === domain) &&
        (where.path === undefined || cookie.path === where.path)
      ) {
        this.#remove(cookie);
      }
    }
  }

  /**
   * Remove every cookie.
   *
   * @example
   * ```ts
   * jar.clear();
   * ```
   */
  clear(): void {
    this.#jar.removeAllCookiesSync();
    this.#empty = true;
  }

  /** Number of live cookies. */
  get size(): number {
    return this.#all().length;
  }

  /**
   * The `Cookie` header for a request to `url`, or `undefined` when nothing matches.
   *
   * @example
   * ```ts
   * jar.header('http://localhost/account'); // 'session=abc123; theme=dark'
   * ```
   */
  header(url: string | URL): string | undefined {
    if (this.#empty) return undefined;
    const cookies = this.#matching(this.#target(url));
    if (cookies.length === 0) return undefined;
    return cookies.map((cookie) => cookie.cookieString()).join('; ');
  }

  /**
   * Store the `Set-Cookie` values of a response to `url`; a line a browser would ignore is
   * ignored.
   *
   * @example
   * ```ts
   * jar.store('http://localhost/login', ['session=abc123; Path=/; HttpOnly']);
   * ```
   */
  store(url: string | URL, setCookies: readonly string[]): void {
    if (setCookies.length === 0) return;
    const target = this.#target(url);
    const received = new RealDate(now());
    for (const line of setCookies) {
      const cookie = ToughCookie.parse(line);
      if (cookie === undefined) continue;
      // RFC 6265 5.2.2: Max-Age is an expiry time from now (tough-cookie would count it from
      // the cookie's last access, which every request moves).
      if (typeof cookie.maxAge === 'number') {
        cookie.expires = new RealDate(cookie.maxAge <= 0 ? 0 : received.getTime() + cookie.maxAge * 1000);
        cookie.maxAge = null;
      }
      this.#jar.setCookieSync(cookie, target, { now: received, ignoreError: true });
    }
    this.#empty = false;
  }

  /** Live cookies for `url`, most specific first; expired ones are dropped from the store. */
  #matching(url: URL): ToughCookie[] {
    const cookies = this.#jar.getCookiesSync(url, { expire: false, sort: true });
    return this.#live(cookies);
  }

  /** Every live cookie, in the order they were first stored. */
  #all(): ToughCookie[] {
    let all: ToughCookie[] = [];
    // MemoryCookieStore answers its callback synchronously.
    void this.#store.getAllCookies((error, cookies) => {
      if (error === null && cookies !== undefined) all = cookies;
    });
    return this.#live(all);
  }

  #live(cookies: readonly ToughCookie[]): ToughCookie[] {
    const time = now();
    const live: ToughCookie[] = [];
    for (const cookie of cookies) {
      const expires = cookie.expires;
      if (expires instanceof RealDate && expires.getTime() <= time) this.#remove(cookie);
      else live.push(cookie);
    }
    return live;
  }

  #remove(cookie: ToughCookie): void {
    if (cookie.domain === null || cookie.path === null) return;
    void this.#store.removeCookie(cookie.domain, cookie.path, cookie.key, () => undefined);
  }

  #target(url: string | URL | undefined): URL {
    if (url === undefined) return this.#url ?? new URL('http://localhost/');
    return typeof url === 'string' ? new URL(url) : url;
  }
}

function publicCookie(cookie: ToughCookie): Cookie {
  const expires = cookie.expires;
  return {
    name: cookie.key,
    value: cookie.value,
    domain: cookie.domain ?? '',
    hostOnly: cookie.hostOnly === true,
    path: cookie.path ?? '/',
    expires: expires instanceof RealDate ? expires.getTime() : undefined,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    sameSite: SAME_SITE[cookie.sameSite as keyof typeof SAME_SITE],
  };
}
