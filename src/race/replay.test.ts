import { afterEach, describe, expect, it, vi } from 'vitest';
import { asyncMock } from '../mock/index.ts';
import { decodeReplay, encodeReplay, explore } from './index.ts';
import { checkpointsOf } from './replay-string.ts';

/** A read-modify-write race; `extraCall` adds an operation to alice (a "code change"). */
function scenario(options: { fixed?: boolean; extraCall?: boolean; name?: string } = {}) {
  return {
    name: options.name ?? 'counter',
    setup: () => {
      const store = { n: 0 };
      return {
        store,
        get: asyncMock(() => Promise.resolve(store.n), { name: 'store.get' }),
        set: asyncMock((n: number) => Promise.resolve(void (store.n = n)), { name: 'store.set' }),
        inc: asyncMock(() => Promise.resolve(void store.n++), { name: 'store.inc' }),
        audit: asyncMock(() => Promise.resolve(), { name: 'audit.log' }),
      };
    },
    tasks: (w: {
      get: () => Promise<number>;
      set: (n: number) => Promise<void>;
      inc: () => Promise<void>;
      audit: () => Promise<void>;
    }) => ({
      alice: async () => {
        if (options.extraCall) await w.audit();
        if (options.fixed) return w.inc();
        return w.set((await w.get()) + 1);
      },
      bob: async () => {
        await w.audit();
        if (options.fixed) return w.inc();
        return w.set((await w.get()) + 1);
      },
    }),
    check: ({ store }: { store: { n: number } }) => {
      expect(store.n).toBe(2);
    },
  };
}

describe('replay strings', () => {
  it('round-trip, with separators and quotes inside labels escaped', () => {
    // Arrange
    const schedule = {
      fingerprint: '0a1b2c3d',
      steps: 9,
      hash: 'deadbeef',
      deviations: [
        { step: 3, chosen: 'bo;b:POST /a=b<c\'d"#1:start', instead: 'alice:db.query#1:deliver' },
        { step: 7, chosen: 'alice:timer(5ms)#1:fire', instead: '100%:x#2:start' },
      ],
    };
    // Act
    const text = encodeReplay(schedule);
    // Assert
    expect(text).toBe(
      'fr1;0a1b2c3d;9;deadbeef;3=bo%3Bb:POST /a%3Db%3Cc%27d%22#1:start<alice:db.query#1:deliver;7=alice:timer(5ms)#1:fire<100%25:x#2:start',
    );
    expect(text).not.toMatch(/['"`$\\]/);
    expect(decodeReplay(text)).toEqual(schedule);
    expect(decodeReplay(`'${text}'`)).toEqual(schedule);
  });

  it.each(['%', ';', '=', '<', "'", '"', '`', '$', '\\', '\u0000', '\n', '\u001f', '\u007f'])(
    'escape %j wherever it is in a label, and decode it back',
    (c) => {
      // Arrange
      const label = `a${c}b:op#1:start`;
      const schedule = {
        fingerprint: '0a1b2c3d',
        steps: 4,
        hash: 'deadbeef',
        deviations: [{ step: 2, chosen: label, instead: `${c}x:op#1:start` }],
      };
      // Act
      const text = encodeReplay(schedule);
      // Assert
      const code = `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
      expect(text).toContain(`2=a${code}b:op#1:start<${code}x:op#1:start`);
      expect(decodeReplay(text)).toEqual(schedule);
    },
  );

  it('carry checkpoints, one hex digit per block of steps; older strings without them decode', () => {
    // Arrange
    const schedule = {
      fingerprint: '0a1b2c3d',
      steps: 20,
      hash: 'deadbeef',
      deviations: [{ step: 3, chosen: 'bob:get#1:start', instead: 'alice:get#1:start' }],
      checkpoints: checkpointsOf(Array.from({ length: 20 }, (_, i) => `task:op#${i}:start`)),
    };
    // Act
    const text = encodeReplay(schedule);
    // Assert
    expect(schedule.checkpoints).toMatch(/^[0-9a-f]{3}$/); // 8 + 8 + 4 steps
    expect(text).toBe(
      `fr1;0a1b2c3d;20;deadbeef;3=bob:get#1:start<alice:get#1:start;@${schedule.checkpoints}`,
    );
    expect(decodeReplay(text)).toEqual(schedule);
    expect(decodeReplay('fr1;0a1b2c3d;20;deadbeef').checkpoints).toBeUndefined();
    // Long runs use larger blocks: never more than 32 digits.
    expect(checkpointsOf(Array.from({ length: 1000 }, (_, i) => `t:op#${i}:start`))).toHaveLength(32);
  });

  it('write a hold as step~length, in an fr2 string; fr1 strings keep their meaning', () => {
    // Arrange
    const held = {
      fingerprint: '0a1b2c3d',
      steps: 20,
      hash: 'deadbeef',
      deviations: [
        { step: 3, chosen: 'bob:get#1:start', instead: 'alice:get#1:start', hold: 6 },
        { step: 12, chosen: 'alice:set#1:start', instead: 'bob:set#1:start' },
      ],
    };
    // Act
    const text = encodeReplay(held);
    const plain = encodeReplay({ ...held, deviations: held.deviations.slice(1) });
    // Assert
    expect(text).toBe(
      'fr2;0a1b2c3d;20;deadbeef;3~6=bob:get#1:start<alice:get#1:start;12=alice:set#1:start<bob:set#1:start',
    );
    expect(decodeReplay(text)).toEqual(held);
    expect(plain.startsWith('fr1;')).toBe(true);
    expect(decodeReplay(plain).deviations).toEqual(held.deviations.slice(1));
  });

  it.each([
    ['', /start with 'fr1;' or 'fr2;'/],
    ['fr3;0a1b2c3d;9;deadbeef', /written by a newer fray \(format fr3/],
    ['fr1;0a1b2c3d;9;deadbeef;3~2=a<b', /only fr2 strings do/],
    ['fr2;0a1b2c3d;9;deadbeef;3~1=a<b', /a hold is 2 steps or more/],
    ['fr2;0a1b2c3d;9;deadbeef;3~x=a<b', /step~hold=chosen<instead/],
    ['fr1;xyz;9;deadbeef', /scenario fingerprint/],
    ['fr1;0a1b2c3d;nine;deadbeef', /step count/],
    ['fr1;0a1b2c3d;9;deadbeef;3:a<b', /step=chosen<instead/],
    ['fr1;0a1b2c3d;9;deadbeef;5=a<b;4=c<d', /must increase/],
    ['fr1;0a1b2c3d;9;deadbeef;3=a%ZZ<b', /broken %-escape/],
    ['fr1;0a1b2c3d;9;deadbeef;@e', /should be 2 hex digits for 9 steps/],
    ['fr1;0a1b2c3d;9;deadbeef;@eZ', /should be 2 hex digits/],
  ])('reject %j with FRAY_RACE_REPLAY_INVALID', (text, message) => {
    // Act / Assert
    expect(() => decodeReplay(text)).toThrow(
      expect.objectContaining({ code: 'FRAY_RACE_REPLAY_INVALID', message: expect.stringMatching(message) }),
    );
  });
});

describe('explore({ replay })', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reproduces a failure exactly, run after run', async () => {
    // Arrange
    const found = await explore({ ...scenario(), seed: 4, strategy: 'random', quiet: true });
    const replay = found.failure?.replay ?? '';
    // Act — twenty in a row, then five at once (explorations share nothing but the globals).
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await explore({ ...scenario(), replay, quiet: true }));
    results.push(
      ...(await Promise.all(
        Array.from({ length: 5 }, () => explore({ ...scenario(), replay, quiet: true })),
      )),
    );
    // Assert
    expect(found.ok).toBe(false);
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.strategy).toBe('replay');
      expect(result.failure?.replay).toBe(replay);
      expect(result.failure?.report).toBe(
        found.failure?.report.replace(
          /Found on run .*\n/,
          'Replayed a recorded schedule (' + (found.failure?.steps ?? 0) + ' steps).\n',
        ),
      );
    }
  });

  it('passes when the code under the schedule no longer breaks the invariant', async () => {
    // Arrange — the same calls in the same order; only the invariant is now met (here: relaxed).
    const found = await explore({ ...scenario(), seed: 4, quiet: true });
    // Act
    const result = await explore({
      ...scenario(),
      check: () => undefined,
      replay: found.failure?.replay ?? '',
      quiet: true,
    });
    // Assert
    expect(result.ok).toBe(true);
    expect(result.strategy).toBe('replay');
    expect(result.summary).toMatch(/ran exactly as recorded and every check held/);
  });

  it('a fix that makes other calls leaves the schedule: FRAY_RACE_REPLAY_DIVERGED', async () => {
    // Arrange — a schedule of the buggy counter whose decisions the fixed one cannot follow.
    const found = await explore({ ...scenario(), seed: 4, quiet: true });
    // Act
    const attempt = explore({
      ...scenario({ fixed: true }),
      replay: found.failure?.replay ?? '',
      quiet: true,
    });
    // Assert — the fixed code makes other calls: the replay says where it left the schedule.
    await expect(attempt).rejects.toMatchObject({ code: 'FRAY_RACE_REPLAY_DIVERGED' });
  });

  it('says where the run left the schedule when the code changed', async () => {
    // Arrange
    const found = await explore({ ...scenario(), seed: 4, strategy: 'random', quiet: true });
    // Act
    const attempt = explore({ ...scenario({ extraCall: true }), replay: found.failure?.replay ?? '' });
    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_REPLAY_DIVERGED',
      step: expect.any(Number),
      message: expect.stringMatching(/left its schedule at step \d+/),
    });
  });

  it('between deviations, a checkpoint stops the run in the first block of steps that differs', async () => {
    // Arrange — a failure found with no deviation at all (first-come order breaks it), in a
    // scenario long enough for several checkpoint blocks; then a "code change" early in alice.
    const long = (extraCall: boolean) => ({
      ...scenario({ extraCall }),
      tasks: (w: {
        get: () => Promise<number>;
        set: (n: number) => Promise<void>;
        audit: () => Promise<void>;
      }) => ({
        alice: async () => {
          if (extraCall) await w.audit();
          const n = await w.get();
          for (let i = 0; i < 6; i++) await w.audit();
          await w.set(n + 1);
        },
        bob: async () => {
          const n = await w.get();
          for (let i = 0; i < 6; i++) await w.audit();
          await w.set(n + 1);
        },
      }),
    });
    const found = await explore({ ...long(false), strategy: 'dfs', quiet: true });
    const schedule = decodeReplay(found.failure?.replay ?? '');
    // Act
    const attempt = explore({ ...long(true), replay: found.failure?.replay ?? '', quiet: true });
    // Assert — the recorded run had no deviation to trip on, and is far longer than one block.
    expect(schedule.deviations).toEqual([]);
    expect(schedule.steps).toBeGreaterThan(16);
    expect(schedule.checkpoints).toMatch(/^[0-9a-f]{3,}$/);
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_REPLAY_DIVERGED',
      step: 8,
      message: expect.stringMatching(/decisions of steps 1–8 differ from the recorded ones/),
    });
  });

  it('refuses a replay string of another scenario', async () => {
    // Arrange
    const found = await explore({ ...scenario(), seed: 4, quiet: true });
    // Act
    const attempt = explore({ ...scenario({ name: 'another' }), replay: found.failure?.replay ?? '' });
    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: 'FRAY_RACE_REPLAY_DIVERGED',
      step: 0,
      message: expect.stringContaining('belongs to another scenario'),
    });
  });

  it('uses FRAY_RACE_REPLAY from the environment only for the scenario it belongs to', async () => {
    // Arrange
    const found = await explore({ ...scenario(), seed: 4, strategy: 'random', quiet: true });
    vi.stubEnv('FRAY_RACE_REPLAY', found.failure?.replay ?? '');
    // Act
    const mine = await explore({ ...scenario(), seed: 123, quiet: true });
    const other = await explore({ ...scenario({ name: 'other', fixed: true }), seed: 1 });
    // Assert
    expect(mine.strategy).toBe('replay');
    expect(mine.failure?.replay).toBe(found.failure?.replay);
    expect(other.strategy).toBe('portfolio');
    expect(other.ok).toBe(true);
  });
});

describe('shrinking', () => {
  it('reduces a random schedule to the one deviation that matters', async () => {
    // Arrange — random walks deviate at most steps; the race needs exactly one deviation.
    const options = { ...scenario(), strategy: 'random' as const, quiet: true };
    // Act
    const shrunk = await explore({ ...options, seed: 21 });
    const raw = await explore({ ...options, seed: 21, shrink: false });
    // Assert
    expect(raw.failure?.schedule.length).toBeGreaterThan(1);
    expect(shrunk.failure?.originalDeviations).toBe(raw.failure?.schedule.length);
    expect(shrunk.failure?.schedule.length).toBeLessThanOrEqual(1);
    expect(shrunk.failure?.shrinkRuns).toBeGreaterThan(0);
    expect(shrunk.failure?.reproduced).toBe(true);
    expect(shrunk.failure?.report).toMatch(/shrunk from \d+ deviations to [01] in \d+ runs/);
  });
});
