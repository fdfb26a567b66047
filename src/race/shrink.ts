/**
 * Shrinking a failing schedule: delta debugging (Zeller and Hildebrandt's ddmin) over its
 * deviations from first-come order, keeping a candidate when its run still fails. Each kept
 * candidate is replaced by the deviations its run *actually* took, so the result is a real
 * schedule, 1-minimal: removing any single remaining deviation makes the failure go away.
 *
 * @module
 */
import type { Chooser, RunRecord } from './run-types.ts';
import { lenientChooser } from './strategies/chooser.ts';
import type { Deviation } from './types.ts';

/** What shrinking produced. */
export interface ShrinkResult {
  /** The failing run with the fewest deviations found. */
  readonly record: RunRecord;
  /** Runs spent shrinking. */
  readonly runs: number;
}

/**
 * Shrink `failing` with at most `budget` runs; `execute` runs one schedule.
 *
 * @example
 * ```ts
 * const { record } = await shrink(failingRun, (chooser) => runOnce(chooser), 200);
 * ```
 */
export async function shrink(
  failing: RunRecord,
  execute: (chooser: Chooser) => Promise<RunRecord>,
  budget: number,
): Promise<ShrinkResult> {
  let best = failing;
  let runs = 0;
  const attempt = async (candidate: readonly Deviation[]): Promise<RunRecord | undefined> => {
    if (runs >= budget) return undefined;
    runs++;
    const record = await execute(lenientChooser(candidate));
    if (record.failure === undefined || record.deviations.length >= best.deviations.length) return undefined;
    best = record;
    return record;
  };

  // The cheapest candidate first: perhaps first-come order alone fails.
  if (best.deviations.length > 0) await attempt([]);
  let granularity = 2;
  while (best.deviations.length > 0 && runs < budget) {
    const current = best.deviations;
    const chunks = split(current, Math.min(granularity, current.length));
    let progressed = false;
    for (const chunk of chunks) {
      if (chunk.length < current.length && (await attempt(chunk)) !== undefined) {
        granularity = 2;
        progressed = true;
        break;
      }
    }
    if (!progressed && chunks.length > 1) {
      for (const chunk of chunks) {
        const complement = current.filter((d) => !chunk.includes(d));
        if ((await attempt(complement)) !== undefined) {
          granularity = Math.max(granularity - 1, 2);
          progressed = true;
          break;
        }
      }
    }
    if (!progressed) {
      if (granularity >= current.length) break;
      granularity = Math.min(current.length, granularity * 2);
    }
  }
  return { record: best, runs };
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
