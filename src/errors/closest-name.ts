/**
 * Naming the option a typo meant: `closestName('timout', names)` → `'timeout'`, and
 * `unknownKey(options, names)` for the first key of an options object that is not an option.
 * One helper for every capability that refuses unknown options, so each of them suggests the
 * same way.
 *
 * @module
 */

/**
 * The candidate closest to `name` by edit distance (insertions, deletions, substitutions and
 * swaps of neighbouring letters, case ignored), or `undefined` when none is close enough: at
 * most 1 edit for names up to 4 letters, 2 up to 8, 3 beyond.
 *
 * @example
 * ```ts
 * closestName('timout', ['timeout', 'headers']); // 'timeout'
 * closestName('colour', ['timeout', 'headers']); // undefined
 * ```
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = lower.length <= 4 ? 1 : lower.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** What {@link unknownKey} found. */
export interface UnknownKey {
  /** The key that is not an option. */
  readonly key: string;
  /** The option it most likely meant, if one is close. */
  readonly closest: string | undefined;
}

/**
 * The first own key of `options` that is not in `known`, with the closest known name; `undefined`
 * when every key is known.
 *
 * @example
 * ```ts
 * unknownKey({ timout: 10 }, ['timeout', 'headers']); // { key: 'timout', closest: 'timeout' }
 * ```
 */
export function unknownKey(options: object, known: readonly string[]): UnknownKey | undefined {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) return { key, closest: closestName(key, known) };
  }
  return undefined;
}

/** Optimal string alignment distance, giving up (returning `cap`) once it cannot be below `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let before: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (before[j - 2] as number) + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= cap) return cap;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length] as number, cap);
}
