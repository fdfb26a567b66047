/**
 * What `load()` can aim at — an in-process client with `fetch(input, init)` (fray/http's
 * `inject`), a URL on loopback, or an async function — and the classification of what a
 * request returned (a `Response` is read to its end and judged by its status).
 *
 * @module
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { LoadRemoteRefusedError, LoadTargetError } from '../errors/index.ts';
import type { Endpoint } from './http1/types.ts';
import type { Outcome } from './driver.ts';
import type { RequestContext } from './options.ts';
import { describe } from './units.ts';

/** Anything with a WHATWG-style `fetch`: fray/http's `inject(app)` client, or your own. */
export interface FetchClient {
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/** A function target: called once per request; a rejection is a failed request. */
export type LoadFunction = (index: number, context: RequestContext) => unknown;

/** What `load()` accepts as its target. */
export type LoadTarget = FetchClient | string | URL | LoadFunction;

/** A target after resolution. */
export type ResolvedTarget =
  | { readonly kind: 'client'; readonly client: FetchClient }
  | { readonly kind: 'function'; readonly fn: LoadFunction }
  | { readonly kind: 'url'; readonly url: URL; readonly endpoint: Endpoint };

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Whether an IP address is a loopback address (127.0.0.0/8, ::1, IPv4-mapped loopback).
 *
 * @example
 * ```ts
 * isLoopbackAddress('127.0.0.1'); // true
 * isLoopbackAddress('10.0.0.1'); // false
 * ```
 */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(plain);
  // BlockList knows every spelling of an address, IPv4-mapped IPv6 included: the URL parser
  // turns http://[::ffff:127.0.0.1] into ::ffff:7f00:1.
  return family !== 0 && LOOPBACK.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Resolve a target, refusing a URL whose host does not resolve only to loopback addresses
 * unless `allowRemote` (or `FRAY_LOAD_REMOTE=1` in `env`).
 *
 * @example
 * ```ts
 * const target = await resolveTarget('http://127.0.0.1:3000', { allowRemote: false });
 * ```
 */
export async function resolveTarget(
  target: unknown,
  options: {
    readonly allowRemote: boolean | undefined;
    readonly env?: Readonly<Record<string, string | undefined>>;
  },
): Promise<ResolvedTarget> {
  if (typeof target === 'function') return { kind: 'function', fn: target as LoadFunction };
  if (typeof target === 'string' || target instanceof URL) {
    let url: URL;
    try {
      url = new URL(target);
    } catch (error) {
      throw new LoadTargetError(
        `'${String(target)}' is not a URL.`,
        "give an absolute URL like 'http://127.0.0.1:3000', or an inject(app) client.",
        error,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new LoadTargetError(`${url.protocol} URLs cannot be loaded.`, 'use an http: or https: URL.');
    }
    const env = options.env ?? process.env;
    const remoteAllowed =
      options.allowRemote === true || /^(1|true|yes)$/i.test(env['FRAY_LOAD_REMOTE'] ?? '');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (isIP(host) !== 0) addresses = [host];
    else {
      try {
        addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
      } catch (error) {
        throw new LoadTargetError(
          `cannot resolve ${url.hostname}.`,
          'check the host name of the target URL.',
          error,
        );
      }
    }
    if (!remoteAllowed && !addresses.every(isLoopbackAddress))
      throw new LoadRemoteRefusedError(url.href, addresses);
    const address = addresses[0];
    if (address === undefined)
      throw new LoadTargetError(
        `${url.hostname} resolves to no address.`,
        'check the host name of the target URL.',
      );
    const tls = url.protocol === 'https:';
    return {
      kind: 'url',
      url,
      endpoint: {
        address,
        port: Number(url.port || (tls ? 443 : 80)),
        host: url.host,
        tls,
        servername: host,
      },
    };
  }
  if (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as { fetch?: unknown }).fetch === 'function'
  ) {
    return { kind: 'client', client: target as FetchClient };
  }
  throw new LoadTargetError(
    `cannot load ${describe(target)}.`,
    "pass an inject(app) client (anything with fetch(input, init)), a loopback URL such as 'http://127.0.0.1:3000', or an async function.",
  );
}

interface ResponseLike {
  readonly status: number;
  readonly statusText?: string;
  readonly bodyUsed?: boolean;
  arrayBuffer?(): Promise<ArrayBuffer>;
  readonly body?: unknown;
}

function isResponseLike(value: unknown): value is ResponseLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'number' &&
    (typeof (value as { arrayBuffer?: unknown }).arrayBuffer === 'function' || 'body' in value)
  );
}

/**
 * The outcome of what a request returned: a `Response` (or anything with a numeric
 * `status` and a body) is read to its end and judged by `isOk(status)`; any other value
 * is a success.
 *
 * @example
 * ```ts
 * await resultOutcome(new Response('no', { status: 503 }), (s) => s < 400); // { kind: 'status 503', … }
 * ```
 */
export async function resultOutcome(result: unknown, isOk: (status: number) => boolean): Promise<Outcome> {
  if (!isResponseLike(result)) return undefined;
  let snippet = '';
  const ok = isOk(result.status);
  if (result.bodyUsed !== true && typeof result.arrayBuffer === 'function') {
    const bytes = await result.arrayBuffer();
    if (!ok) snippet = Buffer.from(bytes.slice(0, 200)).toString('utf8');
  }
  if (ok) return undefined;
  return {
    kind: `status ${result.status}`,
    sample: snippet === '' ? `${result.status} ${result.statusText ?? ''}`.trim() : snippet,
  };
}
