/**
 * Race conditions (the write-ups' TestRaceConditionDetection, done properly): instead of
 * firing a few concurrent requests and hoping, fray/race controls the interleaving of every
 * request, database call and provider call, explores schedules, and replays a failure
 * exactly. The naive code paths are found out; the fixed ones pass every schedule explored.
 * The first two races fail in first-come order; the webhooks need a deviation from it —
 * what controlled scheduling finds and repeating a `Promise.all` does not.
 * The scenarios are shared with the demo's audit (test-support/races.ts).
 */
import { describe, expect } from 'vitest';
import { explore } from 'fray/race';
import {
  MARKETPLACE_ORDER,
  oversellRace,
  tokenRefreshRace,
  webhookOrderRace,
} from '../test-support/races.ts';
import { test } from './fray.ts';

describe('oversell: stock taken by read-modify-write', () => {
  test('the naive path sells the last record twice, and the replay reproduces it', async ({
    frayDatabase,
  }) => {
    const result = await explore({
      ...oversellRace(() => Promise.resolve(frayDatabase), 'naive'),
      quiet: true,
    });

    expect(result.ok).toBe(false);
    expect(result.failure?.error).toEqual(new Error('sold 2 copies of a record with 1 in stock'));
    expect(result.failure?.reproduced).toBe(true);
  });

  test('the conditional update passes every schedule explored', async ({ frayDatabase }) => {
    const result = await explore({
      ...oversellRace(() => Promise.resolve(frayDatabase), 'conditional'),
      quiet: true,
    });

    expect(result).toBeRaceFree();
  });
});

describe('token refresh with rotating refresh tokens', () => {
  test('the naive refresh presents one refresh token twice', async ({ frayDatabase }) => {
    const result = await explore({
      ...tokenRefreshRace(() => Promise.resolve(frayDatabase), 'naive'),
      quiet: true,
    });

    expect(result.ok).toBe(false);
    expect((result.failure?.error as Error).message).toMatch(
      /^rotated refresh token presented again: TG-\d+-1$/,
    );
    expect(result.failure?.reproduced).toBe(true);
  });

  test('single-flight refresh passes every schedule explored', async ({ frayDatabase }) => {
    const result = await explore({
      ...tokenRefreshRace(() => Promise.resolve(frayDatabase), 'single-flight'),
      quiet: true,
    });

    expect(result).toBeRaceFree();
  });
});

describe("the marketplace's order webhooks, paid before created", () => {
  test('the naive handlers drop a paid notification that arrives first: found out of first-come order, replayed', async ({
    frayDatabase,
  }) => {
    const result = await explore({
      ...webhookOrderRace(() => Promise.resolve(frayDatabase), 'naive'),
      quiet: true,
    });

    expect(result.ok).toBe(false);
    expect(result.failure?.error).toEqual(
      new Error(`marketplace order ${MARKETPLACE_ORDER} is 'created' after it was paid`),
    );
    // First-come order passes: the failing schedule deviates from it, once — the paid
    // notification goes first (it begins, or its request starts, before the other's).
    const firstCome = await explore({
      ...webhookOrderRace(() => Promise.resolve(frayDatabase), 'naive'),
      strategy: 'dfs',
      runs: 1,
      quiet: true,
    });
    expect(firstCome.ok).toBe(true);
    expect(result.failure?.schedule).toHaveLength(1);
    expect(result.failure?.schedule[0]?.chosen).toMatch(/^order\.paid:/);
    expect(result.failure?.schedule[0]?.instead).toMatch(/^order\.created:/);
    expect(result.failure?.reproduced).toBe(true);
  });

  test('commutative upserts pass every schedule explored', async ({ frayDatabase }) => {
    const result = await explore({
      ...webhookOrderRace(() => Promise.resolve(frayDatabase), 'commutative'),
      quiet: true,
    });

    expect(result).toBeRaceFree();
  });
});
