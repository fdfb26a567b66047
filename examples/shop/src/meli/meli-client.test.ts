/**
 * Retry, timeout and circuit breaker under virtual time: the provider is the in-process
 * fake (through `inject`), timers and Date are Vitest's fakes, and nothing really waits.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { inject, type InjectClient } from 'fray/http';
import { createFakeMeliProvider, type FakeMeliProvider } from '../../fake-provider/meli-provider.ts';
import { UnavailableError, UpstreamError } from '../errors.ts';
import { InvalidGrantError, MeliClient } from './meli-client.ts';

let provider: FakeMeliProvider;
let marketplace: InjectClient;

function client(options: Partial<ConstructorParameters<typeof MeliClient>[0]> = {}): MeliClient {
  return new MeliClient({
    baseUrl: 'https://api.meli.test',
    fetch: (input, init) => marketplace.fetch(input, init),
    clientId: 'c',
    clientSecret: 's',
    ...options,
  });
}

beforeEach(async () => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
  provider = createFakeMeliProvider();
  marketplace = await inject(provider.app);
});

afterEach(async () => {
  await marketplace.close();
  vi.useRealTimers();
});

describe('MeliClient under virtual time', () => {
  test('a slow attempt times out after 2 s and the retry succeeds', async () => {
    // Arrange
    const { accessToken } = provider.grant(1);
    provider.delayNext(1, 60_000);
    const started = Date.now();

    // Act
    const user = client().getUser(accessToken);
    await vi.advanceTimersByTimeAsync(2_000 + 100);

    // Assert: one timed-out attempt, one backoff of 100 ms, then the answer.
    await expect(user).resolves.toMatchObject({ nickname: 'SELLER_1' });
    expect(Date.now() - started).toBe(2_100);
    expect(provider.stats.requests).toBe(2);
  });

  test('5xx answers are retried with exponential backoff (100 ms, 200 ms)', async () => {
    const { accessToken } = provider.grant(1);
    provider.failNext(2, 503);

    const user = client().getUser(accessToken);
    await vi.advanceTimersByTimeAsync(299);
    expect(provider.stats.requests).toBe(2);
    await vi.advanceTimersByTimeAsync(1);

    await expect(user).resolves.toMatchObject({ id: 1001 });
    expect(provider.stats.requests).toBe(3);
  });

  test('after the retry budget, the caller gets an upstream error naming the cause', async () => {
    const { accessToken } = provider.grant(1);
    provider.failNext(10, 500);

    const user = client().getUser(accessToken);
    const settled = expect(user).rejects.toThrow(new UpstreamError('marketplace /users/me: HTTP 500'));
    await vi.advanceTimersByTimeAsync(300);

    await settled;
    expect(provider.stats.requests).toBe(3);
  });

  test('the circuit opens after 5 failed calls, fails fast, and closes after the cooldown', async () => {
    const { accessToken } = provider.grant(1);
    const meli = client({ retries: 0, breakerThreshold: 5, breakerCooldownMs: 10_000 });
    provider.failNext(5, 500);

    for (let i = 0; i < 5; i++) await expect(meli.getUser(accessToken)).rejects.toBeInstanceOf(UpstreamError);
    const whileOpen = meli.getUser(accessToken);

    await expect(whileOpen).rejects.toBeInstanceOf(UnavailableError);
    expect(provider.stats.requests).toBe(5);

    await vi.advanceTimersByTimeAsync(10_000);
    await expect(meli.getUser(accessToken)).resolves.toMatchObject({ id: 1001 });
    expect(meli.circuitOpen).toBe(false);
  });

  test('a rotated refresh token is refused with invalid_grant, not retried', async () => {
    const { refreshToken } = provider.grant(1);
    const meli = client();
    await meli.refresh(refreshToken);

    await expect(meli.refresh(refreshToken)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(provider.stats.reusedRefreshTokens).toEqual([refreshToken]);
  });
});
