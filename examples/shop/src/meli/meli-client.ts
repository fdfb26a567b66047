/**
 * The marketplace API client: plain `fetch` with a per-attempt timeout, retries with
 * exponential backoff on network errors and 5xx, and a circuit breaker that stops calling
 * a provider that keeps failing. A token refresh is never retried: the provider rotates the
 * refresh token when it *receives* the request, so after a timeout the old token may already
 * be spent — presenting it again is refused, and some providers revoke the whole family
 * (fray/race found this: the retry after a timed-out refresh presented a rotated token). Timers and the clock are read at call time (not captured),
 * so tests can drive them with virtual time.
 *
 * @module
 */
import { UnavailableError, UpstreamError } from '../errors.ts';

/** Tokens as the provider returns them. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/** The provider's view of a user. */
export interface MeliUser {
  id: number;
  nickname: string;
  email: string;
}

/** A listing of the user's products. */
export interface MeliProduct {
  id: string;
  title: string;
  price: number;
}

/** Thrown when the provider rejects a refresh token (already used, revoked, unknown). */
export class InvalidGrantError extends Error {
  readonly status = 401;
}

/** Options of the client. */
export interface MeliClientOptions {
  /** Provider base URL, e.g. `https://api.meli.test`. */
  baseUrl: string;
  /** The fetch to use: global `fetch` in production, an in-process one in tests. */
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  clientId: string;
  clientSecret: string;
  /** Per-attempt timeout in ms; 0 for none. Default 2,000. */
  timeoutMs?: number;
  /** Retries after the first attempt, for network errors, timeouts and 5xx. Default 2. */
  retries?: number;
  /** First backoff in ms, doubled per retry. Default 100. */
  backoffMs?: number;
  /** Consecutive failed calls that open the circuit. Default 5. */
  breakerThreshold?: number;
  /** How long the circuit stays open, ms. Default 10,000. */
  breakerCooldownMs?: number;
  /** Current time in ms. Default `Date.now`. */
  now?: () => number;
}

class RetryableError extends Error {}

/** Talks to the marketplace provider. */
export class MeliClient {
  readonly #options: Required<Omit<MeliClientOptions, 'now'>> & { now: () => number };
  #failures = 0;
  #openUntil = 0;

  constructor(options: MeliClientOptions) {
    this.#options = {
      timeoutMs: 2_000,
      retries: 2,
      backoffMs: 100,
      breakerThreshold: 5,
      breakerCooldownMs: 10_000,
      now: () => Date.now(),
      ...options,
    };
  }

  /** Whether the circuit is open (calls fail fast with 503). */
  get circuitOpen(): boolean {
    return this.#options.now() < this.#openUntil;
  }

  async getUser(accessToken: string): Promise<MeliUser> {
    return this.#json<MeliUser>('/users/me', { headers: { authorization: `Bearer ${accessToken}` } });
  }

  async getProducts(accessToken: string, sellerId: number): Promise<MeliProduct[]> {
    const body = await this.#json<{ results: MeliProduct[] }>(`/sites/MLA/search?seller_id=${sellerId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return body.results;
  }

  /** Exchange a refresh token; the provider rotates it (the old one stops working). */
  async refresh(refreshToken: string): Promise<TokenSet> {
    const body = await this.#json<{ access_token: string; refresh_token: string; expires_in: number }>(
      '/oauth/token',
      {
        retry: false,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: this.#options.clientId,
          client_secret: this.#options.clientSecret,
        }).toString(),
      },
    );
    return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in };
  }

  async #json<T>(path: string, init: RequestInit & { retry?: boolean }): Promise<T> {
    if (this.circuitOpen)
      throw new UnavailableError('marketplace circuit open: the provider kept failing; retry later');
    try {
      const result = await this.#withRetries<T>(path, init);
      this.#failures = 0;
      return result;
    } catch (error) {
      if (error instanceof InvalidGrantError) throw error;
      this.#failures++;
      if (this.#failures >= this.#options.breakerThreshold) {
        this.#openUntil = this.#options.now() + this.#options.breakerCooldownMs;
      }
      if (error instanceof RetryableError) throw new UpstreamError(error.message, { cause: error });
      throw error;
    }
  }

  async #withRetries<T>(
    path: string,
    { retry = true, ...init }: RequestInit & { retry?: boolean },
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt<T>(path, init);
      } catch (error) {
        if (!retry || !(error instanceof RetryableError) || attempt >= this.#options.retries) throw error;
        await sleep(this.#options.backoffMs * 2 ** attempt);
      }
    }
  }

  async #attempt<T>(path: string, init: RequestInit): Promise<T> {
    const controller = new AbortController();
    const timer =
      this.#options.timeoutMs > 0 ? setTimeout(() => controller.abort(), this.#options.timeoutMs) : undefined;
    let response: Response;
    try {
      response = await this.#options.fetch(`${this.#options.baseUrl}${path}`, {
        ...init,
        signal: controller.signal,
      });
    } catch (error) {
      const reason = controller.signal.aborted
        ? `timed out after ${this.#options.timeoutMs} ms`
        : String(error);
      throw new RetryableError(`marketplace ${path}: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new RetryableError(`marketplace ${path}: HTTP ${response.status}`);
    }
    if (response.status === 400 && path === '/oauth/token') {
      const body = (await response.json()) as { error?: string };
      throw new InvalidGrantError(`marketplace refused the refresh token: ${body.error ?? 'bad request'}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamError(`marketplace ${path}: HTTP ${response.status}`);
    }
    return (await response.json()) as T;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
