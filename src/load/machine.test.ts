/**
 * A level measured while the machine is busy with something else is not valid: it is
 * inconclusive, and so are its gates. Checked on the real machine with two CPU-bound
 * processes started beside the run, and on the rules themselves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { checkGates } from './gates.ts';
import { inconclusiveReasons } from './health.ts';
import { load } from './load.ts';
import { contentionReasons } from './machine.ts';
import type { LevelMeasurement } from './recorder.ts';

const hogs: ChildProcess[] = [];

/** Start a process that burns one core until killed; resolves once it is burning. */
function hog(): Promise<void> {
  const child = spawn(process.execPath, ['-e', "process.stdout.write('ready\\n'); for (;;) {}"], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  hogs.push(child);
  return new Promise((resolve) => child.stdout?.once('data', () => resolve()));
}

afterEach(() => {
  for (const child of hogs.splice(0)) child.kill('SIGKILL');
});

describe('a busy machine', () => {
  test.skipIf(process.platform !== 'linux')(
    'other CPU-bound processes during a level: inconclusive, not valid, and its gates are not a pass',
    async () => {
      // Arrange: two hogs per core, all burning before the level starts — one per core left
      // the event loop's lag under 10 ms once (the test's other workers idle at that moment).
      await Promise.all(Array.from({ length: 2 * availableParallelism() }, () => hog()));
      const work = async (): Promise<void> => {
        let x = 0;
        for (let i = 0; i < 20_000; i++) x += i;
        await Promise.resolve(x);
      };

      // Act
      const report = await load(work, { concurrency: 2, duration: '600ms', warmup: 0 });

      // Assert
      const [level] = report.levels;
      expect(level?.valid).toBe(false);
      expect(level?.invalidReasons).toEqual([]);
      expect(level?.inconclusiveReasons?.join('\n')).toMatch(/the machine was busy: other processes/);
      expect(level?.machine?.others).toBeGreaterThan(0.5);
      // A gate the busy machine could have broken is not judged; one it cannot touch is.
      const check = checkGates(report, { p99: '< 1us', errorRate: 0 });
      expect(check.pass).toBe(false);
      expect(check.results.map((result) => [result.gate, result.status])).toEqual([
        ['p99', 'inconclusive'],
        ['errorRate', 'pass'],
      ]);
      expect(check.results[0]?.message).toMatch(
        /not judged: the level is inconclusive — the machine was busy/,
      );
    },
  );

  test('the rules: saturation with others, steal, and a thread lagging while idle', () => {
    expect(contentionReasons({ cores: 2, busy: 0.98, steal: 0, others: 1.2 }, 25, 0.3)[0]).toMatch(
      /other processes or test workers used 1\.2 of 2 cores/,
    );
    expect(contentionReasons({ cores: 2, busy: 0.6, steal: 0.1, others: 0.2 }, 0, 0.3)[0]).toMatch(
      /stole 10%/,
    );
    // A machine busy with the target itself (others small) is not contention…
    expect(contentionReasons({ cores: 2, busy: 0.99, steal: 0, others: 0.1 }, 25, 0.3)).toEqual([]);
    // …nor are busy neighbours that did not reach the numbers (no lag), nor a check turned off.
    expect(contentionReasons({ cores: 2, busy: 0.99, steal: 0, others: 1.5 }, 2, 0.3)).toEqual([]);
    expect(contentionReasons({ cores: 2, busy: 0.99, steal: 0, others: 1.5 }, 25, Infinity)).toEqual([]);
    expect(contentionReasons(undefined, 25, 0.3)).toEqual([]);
    const lagging = {
      completed: 5000,
      health: { thread: 'main', cpu: 0.2, eventLoopDelay: { p50: 5, p99: 120, max: 300 } },
    } as unknown as LevelMeasurement;
    expect(inconclusiveReasons(lagging).join('\n')).toMatch(/waiting for a CPU/);
  });

  test('too few requests to describe a level is inconclusive', () => {
    const short = {
      completed: 88,
      health: { thread: 'main', cpu: 0.9, eventLoopDelay: { p50: 0, p99: 1, max: 2 } },
    } as unknown as LevelMeasurement;
    expect(inconclusiveReasons(short)).toEqual([
      'only 88 requests completed: too few to describe the level (at least 100; run it longer)',
    ]);
  });
});
