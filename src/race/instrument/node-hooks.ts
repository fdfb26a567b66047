/**
 * Automatic control for code Node loads itself — `node --test`, scripts, and the dependencies
 * a test runner leaves to Node (Vitest's externalized `node_modules`): a synchronous module
 * hook (`module.registerHooks`, in-thread, for `import` and `require` alike) instruments each
 * module's awaits as it loads. TypeScript is stripped first the way Node strips it (every
 * position kept, so labels and stack traces keep their lines). Results are cached on disk
 * (`cache.ts`): a large dependency is parsed once, not in every process.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cached, UNPARSED } from './cache.ts';
import { moduleLabel, shouldInstrument } from './scope.ts';
import { awaitSlot } from './slot.ts';
import { instrumentAwaits } from './transform.ts';

const FORMATS = new Set(['module', 'commonjs', 'module-typescript', 'commonjs-typescript']);

/** Node's type stripping, without the ExperimentalWarning it prints on first use. */
function stripTypes(source: string): string {
  const own = Object.hasOwn(process, 'emitWarning');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, below
  const before = process.emitWarning;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('stripTypeScriptTypes')) return;
    Reflect.apply(before, process, [warning, ...rest]);
  };
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    if (own) process.emitWarning = before;
    else delete (process as { emitWarning?: unknown }).emitWarning;
  }
}

/** Instrument one loaded module, or `undefined` to leave it as it is. */
function instrument(
  url: string,
  format: string,
  source: unknown,
): { source: string; format: string } | undefined {
  const path = fileURLToPath(url);
  if (!shouldInstrument(path)) return undefined;
  let code =
    typeof source === 'string'
      ? source
      : source instanceof Uint8Array
        ? Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('utf8')
        : readFileSync(path, 'utf8');
  const typescript = format.endsWith('-typescript');
  if (typescript) code = stripTypes(code);
  const plain = typescript ? format.slice(0, -'-typescript'.length) : format;
  const label = moduleLabel(path);
  const out = cached(label, code, () => {
    let unparsed = false;
    const result = instrumentAwaits({
      code,
      sourceType: plain === 'module' ? 'module' : 'script',
      label,
      onParseError: () => (unparsed = true),
    });
    return unparsed ? UNPARSED : result?.code;
  });
  if (out === UNPARSED) (awaitSlot.skipped ??= []).push(label);
  if (out === undefined || out === UNPARSED) return typescript ? { source: code, format: plain } : undefined;
  awaitSlot.modules = (awaitSlot.modules ?? 0) + 1;
  return { source: out, format: plain };
}

let registered = false;

/**
 * Instrument every module loaded from now on in this thread (idempotent). Modules already
 * loaded keep running uninstrumented: register before the code under test is imported —
 * `node --import fray/race/register`, or Vitest's plugin, which does it in a setup file.
 *
 * @example
 * ```ts
 * import { instrumentModules } from 'fray/race/register';
 * instrumentModules();
 * const { app } = await import('./app.ts'); // its awaits are scheduling points in explore()
 * ```
 */
export function instrumentModules(): void {
  awaitSlot.installed = true;
  if (registered) return;
  registered = true;
  registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      const format = result.format ?? '';
      if (!url.startsWith('file:') || !FORMATS.has(format)) return result;
      const changed = instrument(url, format, result.source);
      return changed === undefined ? result : { ...result, ...changed };
    },
  });
}
