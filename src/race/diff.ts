/**
 * A line diff of expected and actual values, for the violated invariant in a report
 * (`- expected` / `+ actual`, Vitest's convention). Longest common subsequence over lines;
 * inputs are capped so a huge value cannot make a report slow.
 *
 * @module
 */
import { pretty } from './format.ts';

const MAX_LINES = 200;

/**
 * Diff two values line by line; returns the lines of the diff (no header).
 *
 * @example
 * ```ts
 * lineDiff({ balance: 50 }, { balance: 100 });
 * // ['  {', '-   balance: 50', '+   balance: 100', '  }']
 * ```
 */
export function lineDiff(expected: unknown, actual: unknown): string[] {
  const a = pretty(expected).split('\n').slice(0, MAX_LINES);
  const b = pretty(actual).split('\n').slice(0, MAX_LINES);
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] ?? 0) + 1
          : Math.max((lcs[i + 1] as number[])[j] ?? 0, (lcs[i] as number[])[j + 1] ?? 0);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i] ?? ''}`);
      i++;
      j++;
    } else if (((lcs[i + 1] as number[])[j] ?? 0) >= ((lcs[i] as number[])[j + 1] ?? 0))
      out.push(`- ${a[i++] ?? ''}`);
    else out.push(`+ ${b[j++] ?? ''}`);
  }
  while (i < n) out.push(`- ${a[i++] ?? ''}`);
  while (j < m) out.push(`+ ${b[j++] ?? ''}`);
  return out;
}

/** The `actual`/`expected` an assertion error carries (Vitest, Jest, node:assert, fray), if any. */
export function assertionValues(error: unknown): { actual: unknown; expected: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { actual?: unknown; expected?: unknown; showDiff?: unknown };
  if (!('actual' in e) || !('expected' in e) || e.showDiff === false) return undefined;
  return { actual: e.actual, expected: e.expected };
}
