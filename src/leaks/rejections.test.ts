/**
 * Unhandled rejections, observed in a child process (Node's own handling, not the test
 * runner's, which listens for rejections itself).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { lineOf } from './fixtures/lines.ts';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/rejections.ts', import.meta.url));
const at = (mark: string) => `rejections.ts:${lineOf(fixture, mark)}`;

interface Picked {
  check: string;
  description: string;
  at: string | undefined;
  test: string;
  afterEnd: boolean;
}

describe('unhandled rejections', () => {
  test('are attributed to the async context that rejected, and reported once', async () => {
    // Act
    const { stdout } = await run(process.execPath, [fixture, 'scenarios']);
    const result = JSON.parse(stdout) as Record<string, unknown> & {
      cross: { first: Picked[]; second: Picked[]; late: Picked[] };
      concurrent: { x: Picked[]; y: Picked[] };
    };

    // Assert: reported with the line that raised it.
    expect(result['inScope']).toEqual([
      {
        check: 'unhandledRejections',
        description: 'a promise rejected and nobody handled it: Error: boom',
        at: at('in-scope'),
        test: 'rejects',
        afterEnd: false,
      },
    ]);
    // Handled before the test ended: not a leak.
    expect(result['handledLater']).toEqual([]);
    // A floating mock call that rejected is one leak, not two.
    expect(result['floating']).toEqual([
      {
        check: 'floatingMocks',
        description:
          'payments.charge(42) was called but its promise was never awaited; it rejected with Error: card declined',
        at: at('floating'),
        test: 'checkLeaks',
        afterEnd: false,
      },
    ]);
    // Thrown by A's code while B runs: A's leak, late; B is clean.
    expect(result.cross.first).toEqual([]);
    expect(result.cross.second).toEqual([]);
    expect(result.cross.late).toEqual([
      {
        check: 'unhandledRejections',
        description:
          'a promise rejected after the test ended and nobody handled it: Error: thrown after A ended',
        at: at('cross'),
        test: 'A',
        afterEnd: true,
      },
    ]);
    // Concurrent tests each get their own.
    expect(result.concurrent.x.map((leak) => leak.description)).toEqual([
      'a promise rejected and nobody handled it: Error: from X',
    ]);
    expect(result.concurrent.y.map((leak) => leak.description)).toEqual([
      'a promise rejected and nobody handled it: Error: from Y',
    ]);
  });

  test('are never swallowed: with no other listener, one outside every test still crashes', async () => {
    const failure = await run(process.execPath, [fixture, 'alone']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('Error: nobody listens');
  });
});
