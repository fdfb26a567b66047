import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explore } from './index.ts';

describe('global fetch under explore()', () => {
  const original = globalThis.fetch;
  let served: string[] = [];

  beforeEach(() => {
    served = [];
    // A stub installed before explore() — as msw or undici's MockAgent would be.
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      served.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url}`);
      return Promise.resolve(Response.json({ url }));
    };
  });

  afterEach(() => {
    globalThis.fetch = original;
  });

  it('makes each call a controlled operation labelled METHOD origin/path (no query)', async () => {
    // Act
    const result = await explore({
      runs: 1,
      quiet: true,
      tasks: () => ({
        sync: async () => {
          const a = await fetch('https://api.example.test/users/1?fields=name');
          const b = await fetch(
            new Request('https://api.example.test/audit', { method: 'POST', body: '{}' }),
          );
          return [a.status, b.status];
        },
      }),
      check: () => {
        throw new Error('timeline');
      },
    });
    // Assert
    const report = result.failure?.report ?? '';
    expect(report).toContain(
      "start    GET https://api.example.test/users/1('https://api.example.test/users/1?fields=name')",
    );
    expect(report).toContain('deliver  GET https://api.example.test/users/1 → Response 200');
    expect(report).toContain('start    POST https://api.example.test/audit()');
    expect(served.slice(0, 2)).toEqual([
      'GET https://api.example.test/users/1?fields=name',
      'POST https://api.example.test/audit',
    ]);
  });

  it('lets a strategy reorder responses: a race through fetch is found', async () => {
    // Act
    const result = await explore({
      seed: 3,
      quiet: true,
      setup: () => ({ latest: { value: '' } }),
      tasks: ({ latest }) => ({
        first: async () => {
          const response = await fetch('https://api.example.test/search?q=a');
          latest.value = ((await response.json()) as { url: string }).url;
        },
        second: async () => {
          const response = await fetch('https://api.example.test/search?q=ab');
          latest.value = ((await response.json()) as { url: string }).url;
        },
      }),
      check: ({ latest }) => {
        expect(latest.value).toContain('q=ab');
      },
    });
    // Assert
    expect(result.ok).toBe(false);
    expect(result.failure?.schedule.length).toBeGreaterThanOrEqual(1);
  });

  it('leaves fetch alone outside a run', async () => {
    // Act
    await explore({ runs: 1, tasks: () => ({ idle: () => undefined }) });
    const response = await fetch('https://api.example.test/x');
    // Assert
    expect(await response.json()).toEqual({ url: 'https://api.example.test/x' });
  });
});
