/**
 * The cookie jar an `inject` client keeps across requests, as a browser does: it stores
 * `Set-Cookie` from every response (redirects included) and sends the matching cookies with
 * every request, following RFC 6265 — host-only and domain cookies, path matching,
 * `Max-Age`/`Expires`, `Secure` (sent over https, and over http to `localhost`, as browsers
 * do), most specific path first.
 *
 * @module
 */
import { isIP } from 'node:net';

// Captured at module load: expiry follows the wall clock even when a test fakes `Date`.
const now = Date.now.bind(Date);

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
  /** Default `false`. */
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

interface Entry extends Cookie {
  readonly created: number;
}

let creationCounter = 0;

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
  #entries: Entry[] = [];
  #url: URL | undefined;

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
    return this.#matching(this.#target(url)).find((cookie) => cookie.name === name)?.value;
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
    if (url !== undefined) return this.#matching(this.#target(url)).map(publicCookie);
    this.#evictExpired();
    return this.#entries.map(publicCookie);
  }

  /**
   * Store a cookie as if a response to the jar's URL had set it.
   *
   * @example
   * ```ts
   * jar.set('session', 'abc123', { httpOnly: true });
   * ```
   */
  set(name: string, value: string, attributes: CookieAttributes = {}): void {
    const url = this.#target(undefined);
    const host = url.hostname.toLowerCase();
    const domain = attributes.domain?.replace(/^\./, '').toLowerCase();
    const expires = attributes.expires instanceof Date ? attributes.expires.getTime() : attributes.expires;
    this.#put({
      name,
      value,
      domain: domain ?? host,
      hostOnly: domain === undefined,
      path: attributes.path ?? '/',
      expires,
      secure: attributes.secure ?? false,
      httpOnly: attributes.httpOnly ?? false,
      sameSite: attributes.sameSite,
      created: creationCounter++,
    });
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
    this.#entries = this.#entries.filter(
      (entry) =>
        entry.name !== name ||
        (domain !== undefined && entry.domain !== domain) ||
        (where.path !== undefined && entry.path !== where.path),
    );
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
    this.#entries = [];
  }

  /** Number of live cookies. */
  get size(): number {
    this.#evictExpired();
    return this.#entries.length;
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
    if (this.#entries.length === 0) return undefined;
    const cookies = this.#matching(this.#target(url));
    if (cookies.length === 0) return undefined;
    return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  /**
   * Store the `Set-Cookie` values of a response to `url`.
   *
   * @example
   * ```ts
   * jar.store('http://localhost/login', ['session=abc123; Path=/; HttpOnly']);
   * ```
   */
  store(url: string | URL, setCookies: readonly string[]): void {
    if (setCookies.length === 0) return;
    const target = this.#target(url);
    for (const header of setCookies) {
      const entry = parseSetCookie(header, target);
      if (entry !== undefined) this.#put(entry);
    }
  }

  #put(entry: Entry): void {
    const index = this.#entries.findIndex(
      (other) => other.name === entry.name && other.domain === entry.domain && other.path === entry.path,
    );
    const expired = entry.expires !== undefined && entry.expires <= now();
    if (index !== -1) {
      if (expired) {
        this.#entries.splice(index, 1);
        return;
      }
      // RFC 6265 5.3 step 11: a replaced cookie keeps its creation time.
      this.#entries[index] = { ...entry, created: (this.#entries[index] as Entry).created };
      return;
    }
    if (!expired) this.#entries.push(entry);
  }

  #matching(url: URL): Entry[] {
    this.#evictExpired();
    const host = url.hostname.toLowerCase();
    const secureChannel = url.protocol === 'https:' || isLoopbackHost(host);
    const path = url.pathname === '' ? '/' : url.pathname;
    return this.#entries
      .filter(
        (entry) =>
          (entry.hostOnly ? host === entry.domain : domainMatches(host, entry.domain)) &&
          pathMatches(path, entry.path) &&
          (!entry.secure || secureChannel),
      )
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created);
  }

  #evictExpired(): void {
    const time = now();
    if (this.#entries.some((entry) => entry.expires !== undefined && entry.expires <= time)) {
      this.#entries = this.#entries.filter((entry) => entry.expires === undefined || entry.expires > time);
    }
  }

  #target(url: string | URL | undefined): URL {
    if (url === undefined) return this.#url ?? new URL('http://localhost/');
    return typeof url === 'string' ? new URL(url) : url;
  }
}

function publicCookie(entry: Entry): Cookie {
  const { created: _created, ...cookie } = entry;
  return cookie;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host.startsWith('127.');
}

function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return host.endsWith(`.${domain}`) && isIP(host.replace(/^\[|\]$/g, '')) === 0;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** RFC 6265 5.1.4: the directory of the request path. */
function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** RFC 6265 5.2 and 5.3 for one `Set-Cookie` value; `undefined` when it must be ignored. */
function parseSetCookie(header: string, url: URL): Entry | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals === -1) return undefined;
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  if (name === '') return undefined;

  const host = url.hostname.toLowerCase();
  let domain: string | undefined;
  let path: string | undefined;
  let expires: number | undefined;
  let maxAge: number | undefined;
  let secure = false;
  let httpOnly = false;
  let sameSite: Cookie['sameSite'];
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const raw = at === -1 ? '' : attribute.slice(at + 1).trim();
    switch (key) {
      case 'expires': {
        const time = Date.parse(raw);
        if (!Number.isNaN(time)) expires = time;
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(raw)) maxAge = Number(raw);
        break;
      case 'domain':
        if (raw !== '') domain = raw.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        path = raw.startsWith('/') ? raw : undefined;
        break;
      case 'secure':
        secure = true;
        break;
      case 'httponly':
        httpOnly = true;
        break;
      case 'samesite': {
        const lower = raw.toLowerCase();
        sameSite =
          lower === 'strict' ? 'Strict' : lower === 'lax' ? 'Lax' : lower === 'none' ? 'None' : undefined;
        break;
      }
      default:
        break;
    }
  }
  if (domain !== undefined && !domainMatches(host, domain)) return undefined;
  return {
    name,
    value,
    domain: domain ?? host,
    hostOnly: domain === undefined,
    path: path ?? defaultPath(url),
    expires: maxAge !== undefined ? now() + maxAge * 1000 : expires,
    secure,
    httpOnly,
    sameSite,
    created: creationCounter++,
  };
}
