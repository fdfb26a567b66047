/**
 * An in-process stand-in for the marketplace provider, built with Hono and reached through
 * fray/http's `inject` — never the network. It implements what the shop uses: OAuth2
 * refresh with rotation (each refresh token works exactly once, as MercadoLibre's does),
 * `/users/me` and a product search, plus knobs for failure injection.
 *
 * @module
 */
import { Hono } from 'hono';

/** What the provider saw, for assertions and race invariants. */
export interface ProviderStats {
  refreshes: number;
  /** Refresh tokens presented again after they were rotated out. */
  reusedRefreshTokens: string[];
  requests: number;
}

/** A provider instance: its Hono app, the state to seed, and failure knobs. */
export interface FakeMeliProvider {
  readonly app: Hono;
  readonly stats: ProviderStats;
  /** Issue a token pair for a user (what the OAuth consent flow would do). */
  grant(userId: number): { accessToken: string; refreshToken: string };
  /** Make the next `count` requests answer `status`. */
  failNext(count: number, status?: number): void;
  /** Delay the next `count` responses by `ms` (uses timers: drive them with virtual time). */
  delayNext(count: number, ms: number): void;
}

interface Grant {
  userId: number;
  accessToken: string;
}

/** Create a fresh provider with its own state. */
export function createFakeMeliProvider(): FakeMeliProvider {
  let counter = 0;
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Map<string, Grant>();
  const rotated = new Set<string>();
  const stats: ProviderStats = { refreshes: 0, reusedRefreshTokens: [], requests: 0 };
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let delays: { count: number; ms: number } = { count: 0, ms: 0 };

  const grant = (userId: number): { accessToken: string; refreshToken: string } => {
    counter++;
    const accessToken = `APP_USR-${userId}-${counter}`;
    const refreshToken = `TG-${userId}-${counter}`;
    accessTokens.set(accessToken, userId);
    refreshTokens.set(refreshToken, { userId, accessToken });
    return { accessToken, refreshToken };
  };

  const app = new Hono();

  app.use(async (c, next) => {
    stats.requests++;
    if (delays.count > 0) {
      delays.count--;
      const ms = delays.ms;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    if (failures.count > 0) {
      failures.count--;
      return c.json({ error: 'injected failure' }, failures.status as 500);
    }
    await next();
    return undefined;
  });

  app.post('/oauth/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'refresh_token') return c.json({ error: 'unsupported_grant_type' }, 400);
    const presented = form.get('refresh_token') ?? '';
    stats.refreshes++;
    const existing = refreshTokens.get(presented);
    if (existing === undefined) {
      if (rotated.has(presented)) stats.reusedRefreshTokens.push(presented);
      return c.json(
        { error: 'invalid_grant', error_description: 'refresh token already used or unknown' },
        400,
      );
    }
    refreshTokens.delete(presented);
    rotated.add(presented);
    accessTokens.delete(existing.accessToken);
    const fresh = grant(existing.userId);
    return c.json({
      access_token: fresh.accessToken,
      refresh_token: fresh.refreshToken,
      expires_in: 21_600,
      token_type: 'bearer',
    });
  });

  const userOf = (authorization: string | undefined): number | undefined =>
    accessTokens.get((authorization ?? '').replace(/^Bearer /, ''));

  app.get('/users/me', (c) => {
    const userId = userOf(c.req.header('authorization'));
    if (userId === undefined) return c.json({ message: 'invalid access token' }, 401);
    return c.json({ id: 1000 + userId, nickname: `SELLER_${userId}`, email: `seller${userId}@example.com` });
  });

  app.get('/sites/MLA/search', (c) => {
    const userId = userOf(c.req.header('authorization'));
    if (userId === undefined) return c.json({ message: 'invalid access token' }, 401);
    const seller = c.req.query('seller_id') ?? '';
    return c.json({
      seller_id: seller,
      results: [
        { id: `MLA${seller}01`, title: 'Vinyl record player', price: 249.9 },
        { id: `MLA${seller}02`, title: 'Headphones', price: 89.5 },
      ],
    });
  });

  return {
    app,
    stats,
    grant,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    delayNext(count, ms) {
      delays = { count, ms };
    },
  };
}
