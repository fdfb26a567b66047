import { expect, test } from 'vitest';
import { abTest } from './ab-test.ts';
import { compare } from './compare.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('interleaves A and B for the rounds and compares them with paired rounds', async () => {
  // Arrange: B waits 15 ms per request, A answers at once — a change no noise can hide.
  const a = async (): Promise<void> => {
    await Promise.resolve();
  };
  const b = (): Promise<void> => sleep(15);
  const events: string[] = [];
  // Act
  const result = await abTest(a, b, {
    rounds: 5,
    concurrency: 2,
    requests: 20,
    seed: 11,
    onRound: ({ round, side }) => events.push(`${round}${side}`),
  });
  // Assert
  expect(result.verdict).toBe('regression');
  expect(result.ratio).toBeGreaterThan(2);
  expect(result.levels[0]?.method).toBe('paired-rounds');
  expect(result.rounds).toBe(5);
  // Every round runs both sides once; which goes first is drawn from the seed.
  for (let round = 0; round < 5; round++) {
    expect(events.filter((event) => event.startsWith(String(round))).sort()).toEqual([
      `${round}a`,
      `${round}b`,
    ]);
  }
  expect(result.a.levels[0]?.rounds?.map((r) => r.first)).toEqual(
    result.b.levels[0]?.rounds?.map((r) => !r.first),
  );
  expect(result.a.levels[0]?.rounds).toHaveLength(5);
  expect(result.a.levels[0]?.requests).toBe(100);
  expect(result.a.pairing).toMatchObject({ side: 'a', seed: 11 });
  expect(result.b.pairing?.id).toBe(result.a.pairing?.id);
  // The saved sides can be compared again later, still paired.
  expect(compare(result.a, result.b).levels[0]?.method).toBe('paired-rounds');
});

test('each side may bring its own request and name', async () => {
  const paths: string[] = [];
  const client = {
    fetch: (input: string | URL) => (paths.push(String(input)), Promise.resolve(new Response('ok'))),
  };
  const result = await abTest(
    { target: client, request: { path: '/v1' }, name: 'v1' },
    { target: client, request: { path: '/v2' }, name: 'v2' },
    { rounds: 5, concurrency: 1, requests: 5, seed: 3 },
  );
  expect(new Set(paths)).toEqual(new Set(['/v1', '/v2']));
  expect([result.a.name, result.b.name]).toEqual(['v1', 'v2']);
});

test('fewer than five rounds is refused', async () => {
  await expect(
    abTest(
      () => undefined,
      () => undefined,
      { rounds: 3 },
    ),
  ).rejects.toThrow(/rounds: expected a whole number from 5/);
});
