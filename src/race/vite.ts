/**
 * `frayRace()`: the Vite/Vitest plugin that turns on automatic control. Every module Vite
 * transforms for the tests — the test files, the application's sources, inlined dependencies —
 * gets its `await`s instrumented (labelled with the original file and line, through the source
 * maps of the transforms before it), and each test worker loads `fray/race/register`, so the
 * dependencies Vitest leaves to Node are instrumented as Node loads them.
 *
 * Outside `explore()` an instrumented await costs one property read and behaves exactly as
 * written.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { frayRace } from 'fray/race/vite';
 *
 * export default defineConfig({ plugins: [frayRace()] });
 * ```
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { moduleLabel, shouldInstrument } from './instrument/scope.ts';
import { instrumentAwaits } from './instrument/transform.ts';

/** Options of {@link frayRace}. */
export interface FrayRacePluginOptions {
  /**
   * Modules to leave uninstrumented, on top of fray itself and the test tooling: a predicate on
   * the module's file path. Default: none. An await in an excluded module is not a scheduling
   * point, and `explore()` cannot see that it was skipped — exclude only code that never runs
   * inside a task.
   */
  readonly exclude?: (path: string) => boolean;
}

/** The subset of a Vite plugin this one uses (no runtime dependency on Vite). */
export interface FrayRacePlugin {
  readonly name: string;
  readonly enforce: 'post';
  configureVitest(context: { project: { config: { setupFiles: string[] } } }): void;
  transform(
    this: { getCombinedSourcemap?: () => unknown },
    code: string,
    id: string,
  ): { code: string; map: unknown } | null;
}

const REGISTER = fileURLToPath(
  new URL(`./register${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * The plugin. Add it to `plugins` in `vitest.config.ts` (or `vite.config.ts`).
 *
 * @example
 * ```ts
 * export default defineConfig({ plugins: [frayRace({ exclude: (path) => path.includes('/generated/') })] });
 * ```
 */
export function frayRace(options: FrayRacePluginOptions = {}): FrayRacePlugin {
  return {
    name: 'fray:race-awaits',
    enforce: 'post',
    // Each test project's workers load the Node hook first, for the dependencies Vitest leaves
    // to Node (resolved config: absolute paths).
    configureVitest({ project }) {
      if (!project.config.setupFiles.includes(REGISTER)) project.config.setupFiles.unshift(REGISTER);
    },
    transform(code, id) {
      const path = id.split('?')[0] ?? id;
      if (!path.startsWith('/') || !shouldInstrument(path) || options.exclude?.(path) === true) return null;
      if (!code.includes('await')) return null;
      let trace: TraceMap | undefined;
      try {
        const combined = this.getCombinedSourcemap?.() as
          ConstructorParameters<typeof TraceMap>[0] | undefined;
        trace = combined === undefined ? undefined : new TraceMap(combined);
      } catch {
        trace = undefined;
      }
      const out = instrumentAwaits({
        code,
        sourceType: 'module',
        label: moduleLabel(path),
        ...(trace === undefined
          ? {}
          : {
              originalLine: (line: number, column: number) =>
                originalPositionFor(trace, { line, column }).line ?? undefined,
            }),
      });
      return out === undefined ? null : { code: out.code, map: out.map };
    },
  };
}
