/**
 * Where the application called fray/db: a short stack trace without fray/db's own frames,
 * Node internals or `pg`, for messages such as "the transaction began at …".
 *
 * @module
 */
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const OWN_DIR = dirname(fileURLToPath(import.meta.url)) + sep;
const FIXTURES = `${OWN_DIR}fixtures${sep}`;
const NOISE = /node:internal|[/\\]node_modules[/\\](pg|pg-pool|pg-protocol)[/\\]/;

/**
 * The application's frames of the current stack (at most `depth`), one per line.
 *
 * @example
 * ```ts
 * const site = callSite(); // '    at createOrder (/app/src/orders.ts:42:11)\n…'
 * ```
 */
export function callSite(depth = 6): string {
  const stack = new Error().stack ?? '';
  return stack
    .split('\n')
    .slice(1)
    .filter((frame) => (!frame.includes(OWN_DIR) || frame.includes(FIXTURES)) && !NOISE.test(frame))
    .slice(0, depth)
    .join('\n');
}
