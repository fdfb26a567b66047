/**
 * Marketplace OAuth2 tokens, stored per user.
 *
 * @module
 */
import type { Queryable } from '../db/database.ts';

/** A stored token pair. */
export interface StoredToken {
  userId: number;
  accessToken: string;
  refreshToken: string;
  /** Expiry of the access token, epoch ms. */
  expiresAt: number;
}

interface TokenRow {
  user_id: string;
  access_token: string;
  refresh_token: string;
  expires_at: Date | string;
}

/** Reads and writes `meli_tokens`. */
export class TokenStore {
  readonly #db: Queryable;
  constructor(db: Queryable) {
    this.#db = db;
  }

  async get(userId: number): Promise<StoredToken | null> {
    const result = await this.#db.query<TokenRow>(
      'select user_id, access_token, refresh_token, expires_at from meli_tokens where user_id = $1',
      [userId],
    );
    const row = result.rows[0];
    if (row === undefined) return null;
    return {
      userId: Number(row.user_id),
      accessToken: row.access_token,
      refreshToken: row.refresh_token,
      expiresAt: new Date(row.expires_at).getTime(),
    };
  }

  async save(token: StoredToken): Promise<void> {
    await this.#db.query(
      `insert into meli_tokens (user_id, access_token, refresh_token, expires_at) values ($1, $2, $3, $4)
       on conflict (user_id) do update set access_token = excluded.access_token,
         refresh_token = excluded.refresh_token, expires_at = excluded.expires_at`,
      [token.userId, token.accessToken, token.refreshToken, new Date(token.expiresAt).toISOString()],
    );
  }
}
