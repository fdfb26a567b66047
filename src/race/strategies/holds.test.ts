import { describe, expect, it } from 'vitest';
import { asyncMock } from '../../mock/index.ts';
import { explore } from '../explore.ts';
import { decodeReplay } from '../replay-string.ts';
import { prng } from '../prng.ts';
import type { StepRecord } from '../run-types.ts';
import type { Deviation } from '../types.ts';
import { availableAt, deviationsOf, Holds } from './holds.ts';

/** A step of `actor` taking `id` out of `enabled` (first-come order). */
const step = (actor: string, id: string, enabled: string[]): StepRecord => ({
  id,
  kind: 'deliver',
  actor,
  enabled,
  chosen: enabled.indexOf(id),
});

describe('holds', () => {
  it('keep a decision back while the task that went ahead takes its next steps', () => {
    // Arrange
    const holds = new Holds();
    // Act — at the first step bob goes ahead of alice's read for 2 of his steps.
    const first = holds.available(['a:read', 'b:1']);
    holds.taken('b', { step: 1, chosen: 'b:1', instead: 'a:read', hold: 2 });
    const second = holds.available(['a:read', 'b:2', 'c:1']);
    holds.taken('c');
    const third = holds.available(['a:read', 'b:2']);
    holds.taken('b');
    const fourth = holds.available(['a:read', 'b:3']);
    // Assert — a third task's step does not count; bob's second step ends the hold.
    expect(first).toEqual([0, 1]);
    expect(second).toEqual([1, 2]);
    expect(third).toEqual([1]);
    expect(fourth).toEqual([0, 1]);
  });

  it('end when only held decisions are left', () => {
    // Arrange
    const holds = new Holds();
    holds.taken('b', { step: 1, chosen: 'b:1', instead: 'a:read', hold: Number.POSITIVE_INFINITY });
    // Act
    const alone = holds.available(['a:read']);
    // Assert
    expect(alone).toEqual([0]);
    expect(holds.holding).toBe(false);
  });

  it('describe a run that delivered a read after six of bob’s steps as one deviation', () => {
    // Arrange — alice's read waits longest at every step bob takes.
    const bob = ['b:1', 'b:2', 'b:3', 'b:4', 'b:5', 'b:6'];
    const steps = [
      ...bob.map((id, i) => step('b', id, ['a:read', ...bob.slice(i)])),
      step('a', 'a:read', ['a:read']),
    ];
    // Act
    const deviations = deviationsOf(steps);
    // Assert
    expect(deviations).toEqual([{ step: 1, chosen: 'b:1', instead: 'a:read', hold: 6, past: 'b:6' }]);
    expect(availableAt(steps, deviations).slice(0, 3)).toEqual([
      ['a:read', ...bob],
      bob.slice(1),
      bob.slice(2),
    ]);
  });

  it('keep a plain deviation plain, and add one where the hold ended too early', () => {
    // Arrange — bob goes once; then carol runs ahead of alice after bob's hold is over.
    const steps = [
      step('b', 'b:1', ['a:read', 'b:1', 'c:1']),
      step('a', 'a:read', ['a:read', 'c:1']),
      step('c', 'c:1', ['c:1']),
    ];
    const later = [
      step('b', 'b:1', ['a:read', 'b:1', 'c:1']),
      step('c', 'c:1', ['a:read', 'c:1']),
      step('a', 'a:read', ['a:read']),
    ];
    // Act / Assert
    expect(deviationsOf(steps)).toEqual([{ step: 1, chosen: 'b:1', instead: 'a:read' }]);
    expect(deviationsOf(later)).toEqual([
      { step: 1, chosen: 'b:1', instead: 'a:read' },
      { step: 2, chosen: 'c:1', instead: 'a:read' },
    ]);
  });
});

/**
 * A lost update that needs alice's write held back past all of bob's work: bob logs five
 * times before he reads, so plain deviations need one per step bob takes.
 */
function slowLostUpdate() {
  return {
    name: 'lost update behind a slow task',
    quiet: true,
    setup: () => {
      const store = { balance: 100 };
      return {
        store,
        read: asyncMock(() => Promise.resolve(store.balance)),
        write: asyncMock((value: number) => {
          store.balance = value;
          return Promise.resolve();
        }),
        log: asyncMock().resolves(undefined),
      };
    },
    tasks: ({
      read,
      write,
      log,
    }: {
      read: () => Promise<number>;
      write: (v: number) => Promise<void>;
      log: (i: number) => Promise<void>;
    }) => ({
      alice: async () => {
        const balance = await read();
        await write(balance + 10);
      },
      bob: async () => {
        for (let i = 0; i < 5; i++) await log(i);
        const balance = await read();
        await write(balance + 20);
      },
    }),
    check: ({ store }: { store: { balance: number } }) => {
      expect(store.balance).toBe(130);
    },
  };
}

/** A random walk over `tasks` tasks of `length` steps each, first-come order kept as a queue. */
function randomWalk(seed: number, tasks: number, length: number): StepRecord[] {
  const random = prng(seed);
  const done = Array.from({ length: tasks }, () => 0);
  const queue = Array.from({ length: tasks }, (_, t) => `t${t}:0`);
  const steps: StepRecord[] = [];
  while (queue.length > 0) {
    const at = random.int(queue.length);
    const id = queue[at] as string;
    const actor = id.slice(0, id.indexOf(':'));
    steps.push(step(actor, id, [...queue]));
    queue.splice(at, 1);
    const t = Number(actor.slice(1));
    done[t] = (done[t] as number) + 1;
    if (done[t] < length) queue.push(`${actor}:${done[t]}`);
  }
  return steps;
}

/** The deviations of a run by their definition: a scan ahead for each one. */
function deviationsByScan(steps: readonly StepRecord[]): Deviation[] {
  const holds = new Holds();
  const out: Deviation[] = [];
  steps.forEach((s, i) => {
    const first = holds.holding ? s.enabled[holds.available(s.enabled)[0] ?? 0] : s.enabled[0];
    let deviation: Deviation | undefined;
    if (first !== undefined && s.id !== first) {
      const ahead = steps.slice(i);
      const end = ahead.findIndex((later) => later.id === first);
      const own = (end < 0 ? ahead : ahead.slice(0, end)).filter((later) => later.actor === s.actor);
      const past = own.at(-1)?.id ?? s.id;
      deviation =
        own.length > 1
          ? { step: i + 1, chosen: s.id, instead: first, hold: own.length, past }
          : { step: i + 1, chosen: s.id, instead: first };
      out.push(deviation);
    }
    holds.taken(s.actor, deviation);
  });
  return out;
}

describe('the deviations of a run', () => {
  it('are those of a scan ahead for every deviation, on random walks of up to twenty tasks', () => {
    for (let seed = 1; seed <= 60; seed++) {
      // Arrange
      const steps = randomWalk(seed, 2 + (seed % 19), 1 + (seed % 7));
      // Act
      const deviations = deviationsOf(steps);
      // Assert
      expect(deviations, `seed ${seed}`).toEqual(deviationsByScan(steps));
      // Replayed, first-come order less the holds offers each decision the run took.
      const offered = availableAt(steps, deviations);
      const byStep = new Map(deviations.map((d) => [d.step, d]));
      steps.forEach((s, i) => {
        const deviation = byStep.get(i + 1);
        expect(deviation?.chosen ?? offered[i]?.[0], `seed ${seed}, step ${i + 1}`).toBe(s.id);
      });
    }
  });
});

describe('dfs with holds', () => {
  it('finds a race that needs a decision held back past another task’s many steps, as one hold', async () => {
    // Arrange
    const scenario = slowLostUpdate();
    // Act
    const result = await explore({ ...scenario, strategy: 'dfs', runs: 200 });
    // Assert — found among the schedules with one deviation, shrunk to that one hold.
    expect(result.ok).toBe(false);
    expect(result.failure?.run).toBeLessThanOrEqual(40);
    expect(result.failure?.schedule).toHaveLength(1);
    expect(result.failure?.schedule[0]?.hold).toBeGreaterThanOrEqual(2);
    expect(result.failure?.replay).toMatch(/^fr2;/);
    expect(decodeReplay(result.failure?.replay ?? '').deviations[0]?.hold).toBe(
      result.failure?.schedule[0]?.hold,
    );
    expect(result.failure?.report).toMatch(
      /step +\d+: held (start|deliver) alice's \S+ back past bob's next \d+ steps, to after (start|deliver) bob's /,
    );
    expect(result.failure?.reproduced).toBe(true);
  });

  it('replays a schedule with a hold exactly, run after run', async () => {
    // Arrange
    const found = await explore({ ...slowLostUpdate(), strategy: 'dfs', runs: 200 });
    const replay = found.failure?.replay ?? '';
    // Act
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        explore({ ...slowLostUpdate(), replay }).catch((error: unknown) => error),
      ),
    );
    // Assert
    for (const result of again) {
      expect(result).toMatchObject({ ok: false, failure: { replay } });
    }
  });
});
