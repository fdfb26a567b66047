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
    // `performance.now` and `crypto.randomUUID` are inherited: fray writes them on the
    // prototype that holds them, and must leave both it and the object as they were.
    const slots = [
      [globalThis, 'fetch'],
      [globalThis, 'setTimeout'],
      [globalThis, 'Date'],
      [Math, 'random'],
      [performance, 'now'],
      [crypto, 'randomUUID'],
    ] as const;
    const holders = [performance, crypto].map((object) => Object.getPrototypeOf(object) as object);
    const described = (): (PropertyDescriptor | undefined)[] => [
      ...slots.map(([object, key]) => Object.getOwnPropertyDescriptor(object, key)),
      ...holders.map((holder, i) => Object.getOwnPropertyDescriptor(holder, i === 0 ? 'now' : 'randomUUID')),
    ];
    const values = slots.map(([object, key]) => (object as unknown as Record<string, unknown>)[key]);
    const before = described();
    let inside: unknown[] = [];
    // Act
    await explore({
      runs: 1,
      quiet: true,
      tasks: () => ({
        a: () => {
          inside = slots.map(([object, key]) => (object as unknown as Record<string, unknown>)[key]);
          return Promise.resolve();
        },
      }),
    });
    // Assert — fray's own during the run, the originals after it.
    expect(inside).toHaveLength(slots.length);
    inside.forEach((value, i) => expect(value).not.toBe(values[i]));
    expect(slots.map(([object, key]) => (object as unknown as Record<string, unknown>)[key])).toEqual(values);
    expect(described()).toEqual(before);
  });

  it('takes over an own performance.now set between explorations, and gives each back', async () => {
    // Arrange — inherited (on the prototype), then shadowed by an own fake clock, then not.
    const clock = (): { inside: number; setup: number } => ({ inside: Number.NaN, setup: Number.NaN });
    const explored = async (): Promise<{ inside: number; setup: number }> => {
      const seen = clock();
      await explore({
        runs: 1,
        quiet: true,
        setup: () => void (seen.setup = performance.now()),
        tasks: () => ({
          a: () => {
            seen.inside = performance.now();
            return Promise.resolve();
          },
        }),
      });
      return seen;
    };
    const fake = (): number => 123_456_789;
    // Act
    const first = await explored();
    Object.defineProperty(performance, 'now', { value: fake, writable: true, configurable: true });
    const shadowed = await explored();
    const ownAfter = Object.getOwnPropertyDescriptor(performance, 'now')?.value as unknown;
    delete (performance as unknown as Record<string, unknown>)['now'];
    const last = await explored();
    // Assert — the run's clock in a task every time (it starts at 0); setup reads what was
    // there, the fake included; the fake is given back, and nothing is left on the object.
    expect([first.inside, shadowed.inside, last.inside]).toEqual([0, 0, 0]);
    expect(shadowed.setup).toBe(123_456_789);
    expect(first.setup).not.toBe(123_456_789);
    expect(ownAfter).toBe(fake);
    expect(Object.hasOwn(performance, 'now')).toBe(false);
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
