/**
 * Throughput and latency at 10, 20, 50 and 100 concurrent users (the write-ups'
 * TestPerformanceUnderLoad / TestAsyncPerformanceBenchmarks), done honestly: HDR
 * histograms instead of averages, p99 judged by its confidence bound, a gate that refuses
 * to pass on too few samples, and a report that says when the generator itself was the
 * bottleneck. The budgets are a smoke guard against pathological slowness (a lock held
 * across requests, an N+1 gone wild): CI machines are shared and an absolute latency bound
 * in a unit test is only honest when it is generous. Regressions are `compare()`'s job
 * against a saved baseline (see the demo), not a fixed threshold's.
 */
import { describe, expect } from 'vitest';
import { load } from 'fray/load';
import { test } from './fray.ts';

describe('GET /api/v1/users/:id under load', () => {
  test('levels 10/20/50/100: every request succeeds, p99 within budget', async ({ client }) => {
    // Arrange: 20 users to read
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await client.post('/api/v1/users', {
        json: { name: `user ${i}`, email: `load${i}@example.com` },
      });
      ids.push(((await res.json()) as { id: number }).id);
    }

    // Act
    const report = await load(client, {
      name: 'users by id',
      request: (c, i) => c.get(`/api/v1/users/${ids[i % ids.length]}`),
      concurrency: [10, 20, 50, 100],
      // By count, so every level has the samples a p99 bound needs (299 at 95%) however
      // busy the machine is; 2,500 requests also span, with room, the five 100 ms timeline
      // intervals the throughput bound needs at the ~1,000–2,000 requests/s served in-process.
      requests: 2500,
      maxDuration: '30s',
      warmup: { requests: 100 },
      seed: 7,
    });

    // Assert
    expect(report.levels.map((level) => level.concurrency)).toEqual([10, 20, 50, 100]);
    for (const level of report.levels) {
      expect(level.successRate).toBe(1);
      expect(level.requests).toBeGreaterThan(100);
    }
    expect(report).toMeet({ p99: '< 2s', errorRate: 0, throughput: '>= 50/s' });
  });
});
