/**
 * A rejected mock promise nobody consumed must reach `unhandledRejection` exactly like a
 * native rejected promise (`vi.fn().mockRejectedValue` swallows it). Checked in child
 * processes so Node's own handling is observed, not the test runner's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/unhandled-rejection.ts', import.meta.url));

async function child(
  kind: 'mock' | 'native' | 'vitest' | 'jest-mock' | 'node-test' | 'sinon',
  mode: 'crash' | 'observe',
) {
  return run(process.execPath, [fixture, kind, mode]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('a rejected mock promise nobody consumed', () => {
  test('crashes the process like a native one under Node’s default mode', async () => {
    // Act
    const [mock, native] = await Promise.all([child('mock', 'crash'), child('native', 'crash')]);

    // Assert
    expect(native.code).toBe(1);
    expect(mock.code).toBe(native.code);
    expect(mock.stderr).toContain('Error: card declined');
  });

  test('reaches unhandledRejection, and consuming it later is still tracked', async () => {
    const result = await child('mock', 'observe');

    expect(JSON.parse(result.stdout)).toEqual({
      events: ['unhandled:card declined:true', 'handled-late'],
      awaitCount: 1,
    });
  });

  test('emits the same events as a native rejected promise', async () => {
    const [mock, native] = await Promise.all([child('mock', 'observe'), child('native', 'observe')]);

    expect((JSON.parse(mock.stdout) as { events: string[] }).events).toEqual(
      (JSON.parse(native.stdout) as { events: string[] }).events,
    );
  });

  test('for comparison: vi.fn().mockRejectedValue swallows it (the process exits 0)', async () => {
    const vitest = await child('vitest', 'crash');

    expect(vitest.code).toBe(0);
    expect(vitest.stderr).not.toContain('card declined');
  });

  test.each(['jest-mock', 'node-test', 'sinon'] as const)(
    'for comparison: %s surfaces it like a native promise (the process crashes)',
    async (peer) => {
      const result = await child(peer, 'crash');

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('card declined');
    },
  );
});
