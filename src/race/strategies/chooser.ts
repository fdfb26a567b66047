/**
 * Choosers that follow a given list of deviations from first-come order (holds included, see
 * `holds.ts`): strictly (replay strings and bounded DFS — any mismatch is an error saying
 * where the run left the schedule) or leniently (shrinking — a deviation applies where its
 * decisions meet again).
 *
 * @module
 */
import type { Chooser } from '../run-types.ts';
import { checkpointBlock, checkpointDigit } from '../replay-string.ts';
import type { Deviation } from '../types.ts';
import { Holds } from './holds.ts';

/** Always the decision that has waited longest. */
export const firstCome: Chooser = { choose: () => 0 };

/** Builds the error a strict chooser throws when the run leaves its schedule. */
export type DivergenceError = (
  step: number,
  what: string,
  expected: string,
  actual: readonly string[],
) => Error;

/** What a strict chooser checks as the run goes and once it ends. */
export interface StrictExpectations {
  readonly steps?: number;
  readonly hash?: string;
  /** Checkpoint digits of the recorded run (needs `steps`): checked at the end of each block. */
  readonly checkpoints?: string;
}

/**
 * Follow `deviations` exactly: at each listed step, first-come order (less what is held back)
 * must offer `instead` first and `chosen` must be pending and not held; everywhere else take
 * the first decision not held back.
 */
export function strictChooser(
  deviations: readonly Deviation[],
  diverged: DivergenceError,
  expect: StrictExpectations = {},
): Chooser {
  let next = 0;
  const checkpoints = expect.steps === undefined ? undefined : expect.checkpoints;
  const block = checkpointBlock(expect.steps ?? 0);
  const taken: string[] = [];
  /** After each decision: at the end of a block, its digit must match the recorded one. */
  const checkpoint = (step: number, id: string): void => {
    if (checkpoints === undefined) return;
    taken.push(id);
    if (step % block !== 0 && step !== expect.steps) return;
    const index = Math.ceil(step / block) - 1;
    const recorded = checkpoints.charAt(index);
    const ids = taken.slice(index * block, step);
    if (recorded !== '' && checkpointDigit(ids) !== recorded)
      throw diverged(
        step,
        `the decisions of steps ${index * block + 1}–${step} differ from the recorded ones (no recorded deviation there: the code now makes other calls, or in another order)`,
        `checkpoint ${recorded} for steps ${index * block + 1}–${step}`,
        ids.map((each, i) => `${index * block + i + 1}. ${each}`),
      );
  };
  const pick = (enabled: Parameters<Chooser['choose']>[0], step: number, at: number): number => {
    checkpoint(step, enabled[at]?.id ?? '');
    return at;
  };
  const holds = new Holds();
  return {
    choose(enabled, context) {
      const deviation = deviations[next];
      const free = holds.holding ? holds.available(enabled.map((d) => d.id)) : undefined;
      const first = free?.[0] ?? 0;
      if (deviation === undefined || deviation.step !== context.step) {
        holds.taken(enabled[first]?.actor.label ?? '');
        return pick(enabled, context.step, first);
      }
      next++;
      // What first-come order offered, less what is held back: built only for an error.
      const offered = (): string[] => (free ?? enabled.map((_, i) => i)).map((i) => enabled[i]?.id ?? '');
      if (enabled[first]?.id !== deviation.instead)
        throw diverged(
          context.step,
          'first-come order offered a different decision first',
          deviation.instead,
          offered(),
        );
      const at = enabled.findIndex((d) => d.id === deviation.chosen);
      if (at < 0 || (free !== undefined && !free.includes(at)))
        throw diverged(context.step, 'the decision to take was not pending', deviation.chosen, offered());
      holds.taken(enabled[at]?.actor.label ?? '', deviation);
      return pick(enabled, context.step, at);
    },
    end(record) {
      const missing = deviations[next];
      if (missing !== undefined)
        throw diverged(
          record.steps.length,
          `the run ended after ${record.steps.length} steps, before the deviation at step ${missing.step}`,
          `${missing.step}: ${missing.chosen}`,
          record.steps.slice(-3).map((s) => s.id),
        );
      if (expect.steps !== undefined && expect.steps !== record.steps.length)
        throw diverged(
          Math.min(expect.steps, record.steps.length),
          `the run took ${record.steps.length} steps where the schedule recorded ${expect.steps}`,
          `${expect.steps} steps`,
          record.steps.slice(Math.max(0, Math.min(expect.steps, record.steps.length) - 2)).map((s) => s.id),
        );
      if (expect.hash !== undefined && expect.hash !== record.hash)
        throw diverged(
          record.steps.length,
          'every recorded deviation matched, but the sequence of decisions differs from the recorded one (its fingerprint changed)',
          `fingerprint ${expect.hash}`,
          [`fingerprint ${record.hash}`],
        );
    },
  };
}

/**
 * Apply `deviations` in order wherever they fit: when first-come order would take a
 * deviation's `instead` and its `chosen` is pending, take `chosen`. A deviation whose
 * `chosen` already happened is skipped. Used to test candidate schedules while shrinking.
 */
export function lenientChooser(deviations: readonly Deviation[]): Chooser {
  let next = 0;
  const holds = new Holds();
  return {
    choose(enabled, context) {
      while (next < deviations.length && context.taken.has((deviations[next] as Deviation).chosen)) next++;
      const deviation = deviations[next];
      const free = holds.holding ? holds.available(enabled.map((d) => d.id)) : undefined;
      const first = free?.[0] ?? 0;
      const at =
        deviation === undefined || enabled[first]?.id !== deviation.instead
          ? -1
          : enabled.findIndex(
              (d, i) => d.id === deviation.chosen && (free === undefined || free.includes(i)),
            );
      if (deviation === undefined || at < 0 || at === first) {
        holds.taken(enabled[first]?.actor.label ?? '');
        return first;
      }
      next++;
      holds.taken(enabled[at]?.actor.label ?? '', deviation);
      return at;
    },
  };
}
