/**
 * Which modules automatic control instruments, and the short label their awaits carry.
 *
 * Everything the code under test runs is instrumented — the application and its dependencies
 * in `node_modules` — except fray itself (its awaits are its own bookkeeping) and the test
 * runners, bundlers and parsers that never run inside a task.
 *
 * @module
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** fray's own source tree (`src/` or `dist/`). */
const FRAY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Packages whose code never runs inside a task (runners, bundlers, parsers, assertion
 * libraries), and PGlite: an embedded database engine, whose thirty-odd internal awaits per
 * query are not points where the application interleaves (it runs one query at a time) — they
 * only multiplied decisions and cluttered every timeline.
 */
const SKIPPED_PACKAGES =
  /[\\/]node_modules[\\/](?:fray|@electric-sql[\\/]pglite|vitest|vite|vite-node|@vitest[\\/][^\\/]+|tinypool|tinyspy|tinybench|tinyrainbow|chai|loupe|pretty-format|expect|jest-[^\\/]+|@jest[\\/][^\\/]+|typescript|esbuild|@esbuild[\\/][^\\/]+|rollup|@rollup[\\/][^\\/]+|rolldown|@rolldown[\\/][^\\/]+|@oxc-project[\\/][^\\/]+|acorn|acorn-walk|magic-string|@jridgewell[\\/][^\\/]+|source-map[^\\/]*|@babel[\\/][^\\/]+|playwright-core|fast-check|pure-rand)[\\/]/;

/** Whether the module at `path` (a file path) gets its awaits instrumented. */
export function shouldInstrument(path: string): boolean {
  if (path.includes('\0') || !/\.(?:[cm]?[jt]s|[jt]sx)$/.test(path)) return false;
  if (SKIPPED_PACKAGES.test(path)) return false;
  // fray's own modules, but not its tests and fixtures (code under test, like the user's).
  if (path.startsWith(`${FRAY_ROOT}${sep}`) && !/\.test\.|[\\/]fixtures[\\/]/.test(path)) return false;
  return true;
}

/**
 * The label prefix of a module's awaits: the path inside its package for a dependency
 * (`pg-pool/index.js`), else the path from the working directory (`src/orders/service.ts`).
 * Stable across machines and checkouts, so replay strings are too.
 */
export function moduleLabel(path: string): string {
  const at = path.lastIndexOf(`node_modules${sep}`);
  if (at >= 0)
    return path
      .slice(at + 'node_modules'.length + 1)
      .split(sep)
      .join('/');
  const rel = relative(process.cwd(), path);
  return (rel.startsWith('..') ? path : rel).split(sep).join('/');
}
