/**
 * A usable access token for a user, refreshing it when it is about to expire. The provider
 * rotates refresh tokens: each one works once. Two strategies side by side on purpose:
 *
 * - `naive`: every request that finds the token expired refreshes it. Two concurrent
 *   requests both present the same refresh token; the provider accepts the first and
 *   rejects the second (`invalid_grant`) — one user request fails at random, and with some
 *   providers the whole token family is revoked.
 * - `single-flight`: concurrent refreshes for one user share one in-flight refresh, and a
 *   refresh re-reads the store first (another request may have refreshed already).
 *
 * @module
 */
import { UnauthorizedError } from '../errors.ts';
import type { MeliClient } from './meli-client.ts';
import type { TokenStore } from './token-store.ts';

/** How expired tokens are refreshed. */
export type RefreshStrategy = 'naive' | 'single-flight';

/** Refresh this long before expiry, ms. */
const SKEW_MS = 60_000;

/** Hands out valid access tokens. */
export class TokenService {
  readonly #store: () => TokenStore;
  readonly #client: MeliClient;
  readonly #strategy: RefreshStrategy;
  readonly #now: () => number;
  readonly #inFlight = new Map<number, Promise<string>>();

  /** `store` is resolved per call: the database behind it can change per request. */
  constructor(
    store: () => TokenStore,
    client: MeliClient,
    strategy: RefreshStrategy = 'single-flight',
    now: () => number = Date.now,
  ) {
    this.#store = store;
    this.#client = client;
    this.#strategy = strategy;
    this.#now = now;
  }

  async accessTokenFor(userId: number): Promise<string> {
    const token = await this.#store().get(userId);
    if (token === null) throw new UnauthorizedError(`user ${userId} has not connected a marketplace account`);
    if (token.expiresAt - SKEW_MS > this.#now()) return token.accessToken;
    return this.#strategy === 'naive' ? this.#refresh(userId, token.refreshToken) : this.#refreshOnce(userId);
  }

  #refreshOnce(userId: number): Promise<string> {
    const running = this.#inFlight.get(userId);
    if (running !== undefined) return running;
    const refresh = (async () => {
      // Another request (or another instance) may have refreshed while we waited.
      const current = await this.#store().get(userId);
      if (current === null)
        throw new UnauthorizedError(`user ${userId} has not connected a marketplace account`);
      if (current.expiresAt - SKEW_MS > this.#now()) return current.accessToken;
      return this.#refresh(userId, current.refreshToken);
    })().finally(() => this.#inFlight.delete(userId));
    this.#inFlight.set(userId, refresh);
    return refresh;
  }

  async #refresh(userId: number, refreshToken: string): Promise<string> {
    const fresh = await this.#client.refresh(refreshToken);
    await this.#store().save({
      userId,
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken,
      expiresAt: this.#now() + fresh.expiresIn * 1_000,
    });
    return fresh.accessToken;
  }
}
