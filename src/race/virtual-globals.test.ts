import { afterEach, describe, expect, it } from 'vitest';
import { explore } from './index.ts';

describe('taking over the globals', () => {
  const original = globalThis.fetch;

  afterEach(() => {
    globalThis.fetch = original;
  });

  function stub(name: string, served: string[]): typeof fetch {
    return (input: RequestInfo | URL) => {
      served.push(
        `${name} ${typeof input === 'string' ? input : input instanceof URL ? input.href : input.url}`,
      );
      return Promise.resolve(Response.json({}));
    };
  }

  it('delegates to the global found at each exploration, not one from an earlier exploration', async () => {
    // Arrange — setup's calls are not controlled: they reach whatever fetch was installed.
    const served: string[] = [];
    const options = {
      runs: 1,
      quiet: true,
      setup: async () => ({ status: (await fetch('https://api.example.test/seed')).status }),
      tasks: () => ({ a: () => Promise.resolve() }),
    };
    const first = stub('first', served);
    const second = stub('second', served);
    // Act
    globalThis.fetch = first;
    const before = await explore(options);
    const afterFirst = globalThis.fetch;
    globalThis.fetch = second;
    const after = await explore(options);
    // Assert
    expect(before.ok && after.ok).toBe(true);
    expect(served).toEqual(['first https://api.example.test/seed', 'second https://api.example.test/seed']);
    expect(afterFirst).toBe(first);
    expect(globalThis.fetch).toBe(second);
  });

  it('gives each global back as it found it, attributes included', async () => {
    // Arrange
    const slots = [
      [globalThis, 'fetch'],
      [globalThis, 'setTimeout'],
      [globalThis, 'Date'],
      [Math, 'random'],
      [performance, 'now'],
    ] as const;
    const before = slots.map(([object, key]) => Object.getOwnPropertyDescriptor(object, key));
    let inside: unknown[] = [];
    // Act
    await explore({
      runs: 1,
      quiet: true,
      tasks: () => ({
        a: () => {
          inside = slots.map(([object, key]) => Object.getOwnPropertyDescriptor(object, key)?.value);
          return Promise.resolve();
        },
      }),
    });
    // Assert — fray's own during the run, the originals after it.
    expect(inside).toHaveLength(slots.length);
    inside.forEach((value, i) => expect(value).not.toBe(before[i]?.value));
    expect(slots.map(([object, key]) => Object.getOwnPropertyDescriptor(object, key))).toEqual(before);
  });

  it("gives a global back even when the run made fray's value read-only", async () => {
    // Arrange
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    // Act — a polyfill or a hardening step freezing what it found.
    const result = await explore({
      runs: 1,
      quiet: true,
      tasks: () => ({
        a: () => {
          Object.defineProperty(globalThis, 'fetch', { value: globalThis.fetch, writable: false });
          return Promise.resolve();
        },
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
  });
});
