/**
 * Load another capability's public entry (`src/<name>/index.ts`, or `dist/<name>/index.js`
 * once built) only when the CLI needs it, and tell apart "not part of this build" from a
 * real failure while loading it.
 *
 * @module
 */

// This file runs as .ts from the sources and as .js once built; siblings match.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * Import `../<capability>/index` relative to the CLI, or `undefined` when that capability
 * is not present in this build.
 *
 * @example
 * ```ts
 * const race = await optionalCapability<{ explore(options: object): Promise<unknown> }>('race');
 * if (race === undefined) console.log('fray/race is not available');
 * ```
 */
export async function optionalCapability<T>(capability: 'race' | 'http'): Promise<T | undefined> {
  const url = new URL(`../${capability}/index${extension}`, import.meta.url);
  try {
    return (await import(url.href)) as T;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : '';
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') && message.includes(`${capability}/index`))
      return undefined;
    throw error;
  }
}
