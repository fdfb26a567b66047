/**
 * Saying so when stale cleanup meets a database named like one of fray's own
 * (`fray_<10 chars>_w1`) that does not carry fray's mark: fray leaves it alone, and the
 * user hears about it once per process, with what to do.
 *
 * @module
 */

const warned = new Set<string>();

/**
 * Emit one process warning (code `FRAY_DB_LOOKALIKE`) naming the look-alikes not already
 * named in this process.
 *
 * @example
 * ```ts
 * warnLookalikes(['fray_zzrelzzrel_w1'], 'postgres://postgres@127.0.0.1:5432/postgres');
 * // (node) Warning: fray/db left alone 1 database named like its own but not created by fray: …
 * ```
 */
export function warnLookalikes(names: readonly string[], server: string): void {
  const fresh = names.filter((name) => !warned.has(name));
  if (fresh.length === 0) return;
  for (const name of fresh) warned.add(name);
  process.emitWarning(
    `fray/db left alone ${fresh.length} database${fresh.length === 1 ? '' : 's'} on ${server} named like its own but not created by fray (no fray mark for that run): ${fresh.join(', ')}. fray never drops them; rename them, or drop them yourself if they are leftovers.`,
    { code: 'FRAY_DB_LOOKALIKE' },
  );
}
