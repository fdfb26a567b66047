import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { siteOf } from './fixtures/lines.ts';
import { allowLeaks, checkLeaks, enableLeakDetection, type Leak } from './index.ts';

const here = new URL(import.meta.url);
const cleanups: (() => unknown)[] = [];

/** Every leak published, and a way to wait for one (late leaks arrive on their own). */
const published: Leak[] = [];
const waiters: { predicate: (leak: Leak) => boolean; resolve: (leak: Leak) => void }[] = [];
function nextLeak(predicate: (leak: Leak) => boolean): Promise<Leak> {
  const seen = published.find(predicate);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve) => waiters.push({ predicate, resolve }));
}
const detector = enableLeakDetection({
  onLeaks: (leaks) => {
    published.push(...leaks);
    for (const leak of leaks) {
      for (const waiter of waiters.filter((w) => w.predicate(leak))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(leak);
      }
    }
  },
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('floating mock calls', () => {
  test('a call nobody awaited is reported with the mock, its arguments and the calling line', async () => {
    const repo = { save: asyncMock().named('repo.save') };

    const run = await checkLeaks(async () => {
      void repo.save({ id: 7 }); // mark: floating
      await repo.save({ id: 8 });
      await Promise.all([repo.save(9)]);
      await repo.save(10).then(() => undefined);
    });

    expect(run.leaks).toHaveLength(1);
    expect(run.leaks[0]).toMatchObject({
      check: 'floatingMocks',
      kind: 'mock call',
      description: 'repo.save({ id: 7 }) was called but its promise was never awaited',
    });
    expect(run.leaks[0]?.location).toMatch(siteOf(here, 'floating'));
  });

  test('a mock created without call sites is still reported, without a line', async () => {
    const send = asyncMock(undefined, { name: 'mailer.send', callSites: false });

    const run = await checkLeaks(() => {
      void send('ada@example.com');
    });

    expect(run.leaks.map((leak) => [leak.check, leak.location])).toEqual([['floatingMocks', undefined]]);
  });
});

describe('late activity', () => {
  test('an operation still in flight at the end is reported; a synchronous one never is', async () => {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    cleanups.push(() => finished);

    const run = await checkLeaks(() => {
      pbkdf2Sync('secret', 'salt', 1, 32, 'sha256');
      pbkdf2('secret', 'salt', 400_000, 64, 'sha512', () => done()); // mark: in-flight
    });

    expect(run.leaks).toHaveLength(1);
    expect(run.leaks[0]).toMatchObject({
      check: 'lateActivity',
      kind: 'operation',
      description: 'crypto/pbkdf2 job still in flight when the test ended',
    });
    expect(run.leaks[0]?.location).toMatch(siteOf(here, 'in-flight'));
  });

  test('a mock called after its test ended is reported for that test, once', async () => {
    const audit = asyncMock().named('audit.log');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));

    const run = await checkLeaks(
      () => {
        void (async () => {
          await gate;
          await audit('late'); // mark: late-mock
          await audit('late'); // the same line again is not a second leak
        })();
      },
      { name: 'starts work that outlives it' },
    );
    release();
    const late = await nextLeak((leak) => leak.description.startsWith('audit.log'));

    expect(run.leaks).toEqual([]);
    expect(late).toMatchObject({
      check: 'lateActivity',
      afterEnd: true,
      description: "audit.log('late') was called after the test ended",
      test: { name: 'starts work that outlives it' },
    });
    expect(late.location).toMatch(siteOf(here, 'late-mock'));
  });

  test('a handle created after the test ended is reported as late activity', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));

    await checkLeaks(
      () => {
        void (async () => {
          await gate;
          const timer = setTimeout(() => {}, 60_000); // mark: late-timer
          cleanups.push(() => clearTimeout(timer));
        })();
      },
      { name: 'schedules a timer too late' },
    );
    release();
    const late = await nextLeak((leak) => leak.test.name === 'schedules a timer too late');

    expect(late).toMatchObject({
      check: 'lateActivity',
      kind: 'timeout',
      description: 'scheduled a timer after the test ended',
    });
    expect(late.location).toMatch(siteOf(here, 'late-timer'));
  });
});

describe('levels and the allow-list', () => {
  test('warn reports without failing; off does not look', async () => {
    detector.configure({ checks: { timers: 'warn', sockets: 'off' } });
    try {
      const run = await checkLeaks(() => {
        const timer = setInterval(() => {}, 60_000);
        cleanups.push(() => clearInterval(timer));
      });
      expect(run.errors).toEqual([]);
      expect(run.warnings.map((leak) => [leak.check, leak.level])).toEqual([['timers', 'warn']]);
      expect(published).toContain(run.warnings[0]);
    } finally {
      detector.configure({ checks: { timers: 'error', sockets: 'error' } });
    }
  });

  test('allowLeaks() inside a test allows for that test only', async () => {
    const leak = () => {
      const timer = setInterval(() => {}, 60_000); // mark: allowed
      cleanups.push(() => clearInterval(timer));
    };

    const allowed = await checkLeaks(() => {
      allowLeaks({ check: 'timers', site: 'mocks-and-late.test.ts', reason: 'stopped in afterAll' });
      leak();
    });
    const next = await checkLeaks(leak);

    expect(allowed.leaks).toEqual([]);
    expect(allowed.allowed).toBe(1);
    expect(next.leaks.map((l) => l.check)).toEqual(['timers']);
  });

  test('a rule narrowed to another check or test does not match', async () => {
    const run = await checkLeaks(
      () => {
        allowLeaks({ check: 'sockets' }, { test: 'some other test' }, /nothing-like-this/);
        const timer = setInterval(() => {}, 60_000);
        cleanups.push(() => clearInterval(timer));
      },
      { name: 'narrow rules' },
    );

    expect(run.leaks.map((l) => l.check)).toEqual(['timers']);
  });
});

describe('the report file', () => {
  test('every leak is appended as one JSON line', async () => {
    const file = join(tmpdir(), `fray-leaks-${process.pid}-${Date.now()}.jsonl`);
    cleanups.push(() => rmSync(file, { force: true }));
    detector.configure({ reportFile: file });
    try {
      await checkLeaks(
        () => {
          const timer = setInterval(() => {}, 60_000);
          cleanups.push(() => clearInterval(timer));
        },
        { name: 'writes a report' },
      );
    } finally {
      detector.configure({ reportFile: undefined });
    }

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      check: 'timers',
      kind: 'interval',
      level: 'error',
      test: { name: 'writes a report', runner: 'manual' },
      afterEnd: false,
      pid: process.pid,
    });
  });
});
