/**
 * Concurrency and error isolation (the write-ups' TestConcurrentRequestHandling and
 * TestAsyncErrorScenarios): many requests in flight through one in-process client, with
 * failures injected into some of them. Which interleavings *break* the app is fray/race's
 * job (races.test.ts); this checks that concurrency itself is handled.
 */
import { describe, expect } from 'vitest';
import { connectedUser, EPOCH, test } from './fray.ts';

describe('concurrent requests', () => {
  test('100 concurrent reads all succeed with their own, unmixed answers', async ({ client }) => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.post('/api/v1/users', { json: { name: `user ${i}`, email: `u${i}@example.com` } }),
      ),
    );
    const ids = await Promise.all(created.map(async (res) => ((await res.json()) as { id: number }).id));

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.get(`/api/v1/users/${ids[i % ids.length]}`)),
    );
    const bodies = (await Promise.all(responses.map((res) => res.json()))) as { id: number; name: string }[];

    expect(responses.every((res) => res.status === 200)).toBe(true);
    bodies.forEach((body, i) => expect(body.id).toBe(ids[i % ids.length]));
  });

  test('a failing provider call fails only its own request', async ({ client, db, provider }) => {
    // Arrange: 10 users with valid tokens; the provider will fail 3 requests.
    const users = [];
    for (let i = 0; i < 10; i++) users.push(await connectedUser(client, db, provider, EPOCH + 6 * 3_600_000));
    provider.failNext(3, 400);

    // Act
    const responses = await Promise.all(
      users.map((id) => client.get('/meli/user', { headers: { 'x-user-id': String(id) } })),
    );
    const statuses = responses.map((res) => res.status);

    // Assert: exactly the three injected failures surface (400 is not retried), as 502s.
    expect(statuses.filter((status) => status === 502)).toHaveLength(3);
    expect(statuses.filter((status) => status === 200)).toHaveLength(7);
    const ok = await Promise.all(responses.filter((res) => res.status === 200).map((res) => res.json()));
    expect(new Set(ok.map((body) => (body as { id: number }).id)).size).toBe(7);
  });

  test('bad requests among good ones get their own 4xx, the rest are unaffected', async ({ client }) => {
    const mixed = await Promise.all([
      client.post('/api/v1/users', { json: { name: 'Ok', email: 'ok@example.com' } }),
      client.post('/api/v1/users', { json: { name: '', email: 'bad' } }),
      client.get('/api/v1/users/999'),
      client.post('/api/v1/users', { json: { name: 'Ok 2', email: 'ok2@example.com' } }),
    ]);

    expect(mixed.map((res) => res.status)).toEqual([201, 422, 404, 201]);
  });
});
