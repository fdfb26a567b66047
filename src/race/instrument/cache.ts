/**
 * A disk cache of instrumented modules: parsing a large dependency (PGlite's runtime, a
 * driver's bundle) with acorn costs a second on a slow machine, every process. Entries are
 * keyed by the transform's version, the module's label and a hash of its source, under
 * `node_modules/.cache/fray/awaits` in the working directory (the usual place for tool caches);
 * a cache that cannot be read or written is simply not used.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the transform's output changes: old entries are then never read. */
const VERSION = 'awaits-2';

/** What a transform returns, and the cache keeps, for a module it could not parse. */
export const UNPARSED = '\u0000unparsed';

const directory = join(process.cwd(), 'node_modules', '.cache', 'fray', 'awaits');
let usable = true;

function keyOf(label: string, code: string): string {
  return createHash('sha256')
    .update(VERSION)
    .update('\0')
    .update(label)
    .update('\0')
    .update(code)
    .digest('hex');
}

/**
 * The cached transform of `code`, or compute it with `transform` and keep it. `undefined`
 * from `transform` (nothing to instrument) is cached too, as an empty entry.
 *
 * @example
 * ```ts
 * const out = cached('pg/lib/client.js', source, () => instrumentAwaits({ … })?.code);
 * ```
 */
export function cached(label: string, code: string, transform: () => string | undefined): string | undefined {
  if (!usable) return transform();
  const file = join(directory, `${keyOf(label, code)}.js`);
  try {
    const hit = readFileSync(file, 'utf8');
    return hit === '' ? undefined : hit;
  } catch {
    // not cached yet
  }
  const out = transform();
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, out ?? '');
  } catch {
    usable = false;
  }
  return out;
}
