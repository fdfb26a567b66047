/**
 * The shop's configuration from the environment, with the defaults the tests and the demo use.
 *
 * @module
 */
import type { ShopConfig } from './app.ts';

/** Configuration for a shop instance; `overrides` wins over the environment. */
export function shopConfig(overrides: Partial<ShopConfig> = {}): ShopConfig {
  return {
    apiKey: process.env.SHOP_API_KEY ?? 'test-api-key',
    stock: 'conditional',
    refresh: 'single-flight',
    webhooks: 'commutative',
    meli: {
      baseUrl: process.env.MELI_BASE_URL ?? 'https://api.meli.test',
      clientId: process.env.MELI_CLIENT_ID ?? 'shop-client',
      clientSecret: process.env.MELI_CLIENT_SECRET ?? 'shop-secret',
      timeoutMs: 2_000,
      retries: 2,
      backoffMs: 100,
      breakerThreshold: 5,
      breakerCooldownMs: 10_000,
    },
    ...overrides,
  };
}
