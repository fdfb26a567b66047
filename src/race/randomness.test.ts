/**
 * Randomness in a task: seeded per run (every run starts from the same world), and never
 * reported as work fray does not control — uuid@8 draws from crypto.randomFillSync, which
 * Node runs as a RANDOMBYTESREQUEST resource (issue 13).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { v4 as uuidv4 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { explore } from './index.ts';

describe('randomness in a task', () => {
  it('uuid@8 (crypto.randomFillSync) is neither uncontrolled work nor a gap', async () => {
    // Act
    const result = await explore({
      strategy: 'dfs',
      setup: () => ({ save: asyncMock((id: string) => Promise.resolve(id), { name: 'orders.save' }) }),
      tasks: ({ save }) => ({
        alice: () => save(uuidv4()),
        bob: () => save(uuidv4()),
      }),
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.uncontrolled).toEqual([]);
    expect(result.gaps).toEqual([]);
    expect(result.exhaustive).toBe(true);
  });

  it('randomBytes, randomFillSync and getRandomValues give every run the same bytes', async () => {
    // Arrange
    const seen = new Set<string>();
    // Act
    await explore({
      strategy: 'dfs',
      setup: () => ({ out: [] as string[] }),
      tasks: ({ out }) => ({
        draw: async () => {
          out.push(randomBytes(4).toString('hex'));
          await Promise.resolve();
          out.push(randomFillSync(Buffer.alloc(4)).toString('hex'));
          out.push(Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex'));
        },
        other: () => undefined,
      }),
      check: ({ out }) => void seen.add(out.join()),
    });
    // Assert — only the order of the two tasks' decisions differs between runs, not the bytes.
    expect(seen.size).toBe(1);
  });
});
