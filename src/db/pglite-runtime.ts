/**
 * Booting PGlite instances, as cheaply and as rarely as possible.
 *
 * - The WASM modules and the file-system bundle are compiled/read once per process and
 *   shared by every instance.
 * - Boots are serialised within the process (one at a time, whichever copy of fray asks)
 *   and limited across processes to one per CPU through lock-file slots, so N test workers
 *   starting together on a small machine stagger instead of thrashing.
 * - Each instance gets one `pg.Client` through PGlite's node-postgres adapter: the
 *   application then sees `pg`'s exact results and errors on PGlite as on a server.
 *
 * @module
 */
import { natives } from '../control/index.ts';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { PgliteExtensions } from './options.ts';
import pg from 'pg';
import { lockAny, unlockFile } from './file-lock.ts';
import { pgliteTransport } from './raw-exchange.ts';
import { Session } from './session.ts';

const now = natives.performanceNow;

interface SharedRuntime {
  /** Serialises boots within the process. */
  bootChain: Promise<unknown>;
  assets: Promise<Assets> | undefined;
}

interface Assets {
  readonly pgliteWasmModule: WebAssembly.Module;
  readonly initdbWasmModule: WebAssembly.Module;
  readonly fsBundle: Blob;
  readonly version: string;
}

const RUNTIME_KEY = Symbol.for('fray.db.pglite-runtime.v1');
const globalSlot = globalThis as typeof globalThis & { [RUNTIME_KEY]?: SharedRuntime };
const runtime: SharedRuntime = (globalSlot[RUNTIME_KEY] ??= {
  bootChain: Promise.resolve(),
  assets: undefined,
});

// `require.resolve` rather than `import.meta.resolve`: Jest 29's ES module runtime has no
// `import.meta.resolve`, and PGlite's asset exports are plain paths under either condition.
const resolveFromFray = createRequire(import.meta.url);

function assetPath(specifier: string): string {
  return resolveFromFray.resolve(specifier);
}

/**
 * The installed PGlite version (its package.json is not exported, so it is found next to
 * the resolved entry point).
 *
 * @example
 * ```ts
 * await pgliteVersion(); // '0.5.16'
 * ```
 */
export async function pgliteVersion(): Promise<string> {
  let dir = dirname(assetPath('@electric-sql/pglite'));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@electric-sql/pglite' && manifest.version !== undefined) return manifest.version;
    } catch {
      // not here; look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function loadAssets(): Promise<Assets> {
  runtime.assets ??= (async () => {
    const [pgliteWasm, initdbWasm, bundle, version] = await Promise.all([
      readFile(assetPath('@electric-sql/pglite/pglite.wasm')),
      readFile(assetPath('@electric-sql/pglite/initdb.wasm')),
      readFile(assetPath('@electric-sql/pglite/pglite.data')),
      pgliteVersion(),
    ]);
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
      WebAssembly.compile(pgliteWasm),
      WebAssembly.compile(initdbWasm),
    ]);
    return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([bundle]), version };
  })();
  runtime.assets.catch(() => {
    runtime.assets = undefined;
  });
  return runtime.assets;
}

/**
 * The installed PGlite version, from the shared assets.
 *
 * @example
 * ```ts
 * const version = await installedPgliteVersion();
 * ```
 */
export async function installedPgliteVersion(): Promise<string> {
  return (await loadAssets()).version;
}

/** Options of {@link bootPglite}. */
export interface BootOptions {
  /** A data directory tarball to start from (a snapshot); a cold start without. */
  readonly data?: Uint8Array | undefined;
  /** PGlite extensions. */
  readonly extensions?: PgliteExtensions | undefined;
  /** Directory of the cross-process boot slots; no cross-process limit without. */
  readonly slotsDir?: string | undefined;
}

/** A booted instance and what it cost. */
export interface Booted {
  readonly pglite: PGlite;
  /** Wall-clock ms of the boot, waiting for a slot excluded. */
  readonly ms: number;
}

/**
 * Start a PGlite instance, one boot at a time per process and one per CPU per machine.
 *
 * @example
 * ```ts
 * const { pglite } = await bootPglite({ data: snapshotBytes });
 * ```
 */
export function bootPglite(options: BootOptions = {}): Promise<Booted> {
  const run = async (): Promise<Booted> => {
    const assets = await loadAssets();
    const slots = options.slotsDir;
    const slot =
      slots === undefined
        ? undefined
        : await lockAny(
            Array.from({ length: Math.max(1, availableParallelism()) }, (_, i) =>
              join(slots, `boot-${i}.lock`),
            ),
          );
    const started = now();
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const pglite = new PGlite({
        pgliteWasmModule: assets.pgliteWasmModule,
        initdbWasmModule: assets.initdbWasmModule,
        fsBundle: assets.fsBundle,
        ...(options.data === undefined
          ? {}
          : { loadDataDir: new Blob([options.data as Uint8Array<ArrayBuffer>]) }),
        ...(options.extensions === undefined
          ? {}
          : { extensions: options.extensions as NonNullable<PGliteOptions['extensions']> }),
      });
      await pglite.waitReady;
      return { pglite, ms: now() - started };
    } finally {
      if (slot !== undefined) await unlockFile(slot);
    }
  };
  const result = runtime.bootChain.then(run, run);
  runtime.bootChain = result.catch(() => undefined);
  return result;
}

/**
 * One `pg.Client` session on `pglite`, through PGlite's node-postgres adapter.
 *
 * @example
 * ```ts
 * const session = await pgliteSession(pglite, 'PGlite worker', undefined);
 * ```
 */
export async function pgliteSession(
  pglite: PGlite,
  label: string,
  types: pg.CustomTypesConfig | undefined,
): Promise<Session> {
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const config = createPgConfig(pglite) as unknown as pg.ClientConfig & {
    connection: { parse: (message: { types?: unknown }) => void };
  };
  // `pg` passes a query's custom type parsers (`{ getTypeParser }`, as Drizzle sets them) as
  // the Parse message's parameter types; pg's serializer reads it as an empty array, the
  // adapter's calls `types.forEach` and throws. Only an array is a list of parameter types.
  const connection = config.connection;
  const parse = connection.parse.bind(connection);
  connection.parse = (message) =>
    parse(Array.isArray(message.types) ? message : { ...message, types: undefined });
  const client = new pg.Client(types === undefined ? config : { ...config, types });
  return Session.connect(client, label, pgliteTransport(pglite));
}
