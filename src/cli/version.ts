/**
 * fray's own version, read from its package.json (one level above `dist/` and `src/`).
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** The installed fray version, e.g. `0.1.0`. */
export function frayVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
