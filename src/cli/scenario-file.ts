/**
 * Load a scenario file for `fray run` / `fray k6` with Node's own TypeScript support, merge
 * its default export with its named exports, and check that it says what is needed —
 * every problem becomes a one-line error with the fix.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliFileError, CliScenarioError, isFrayError } from '../errors/index.ts';
import {
  LOAD_OPTION_NAMES,
  validateCompareOptions,
  validateGateOptions,
  validateGates,
  validateRouteChecks,
  type CompareOptions,
  type Scenario,
} from '../load/index.ts';
import { validateExploreOptions } from '../race/index.ts';

/** load() options a scenario cannot set: the CLI decides them. */
const CLI_DECIDES: ReadonlySet<string> = new Set(['thread', 'allowRemote', 'signal', 'onProgress']);

/** A scenario's fields: load()'s options, less the CLI's, plus the scenario's own. */
const KNOWN: ReadonlySet<string> = new Set([
  ...LOAD_OPTION_NAMES.filter((option) => !CLI_DECIDES.has(option)),
  'app',
  'target',
  'transport',
  'gates',
  'gateOptions',
  'races',
  'checks',
  'leaks',
  'baseline',
  'compare',
]);

/** A loaded, checked scenario. */
export interface LoadedScenario {
  /** The path as given on the command line. */
  readonly file: string;
  /** Absolute path. */
  readonly path: string;
  /** `file:` URL of the module. */
  readonly url: string;
  readonly scenario: Scenario;
  /** Where a request function lives in the module (`default.request` or `request`), for the load worker. */
  readonly requestExport: string | undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0] ?? text;
}

/**
 * Import and check a scenario file.
 *
 * @example
 * ```ts
 * const { scenario } = await loadScenarioFile('load/users.scenario.ts', process.cwd());
 * ```
 */
export async function loadScenarioFile(file: string, cwd: string): Promise<LoadedScenario> {
  const path = resolve(cwd, file);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    throw new CliFileError(
      file,
      'no such file.',
      'check the path; a scenario is a .ts module such as load/users.scenario.ts.',
    );
  }
  if (!info.isFile())
    throw new CliFileError(file, 'is not a file.', 'pass the scenario module itself, not a directory.');
  if (!['.ts', '.mts', '.js', '.mjs'].includes(extname(path))) {
    throw new CliFileError(
      file,
      `has extension '${extname(path)}'.`,
      'scenario files are .ts, .mts, .js or .mjs modules.',
    );
  }
  if (/\.m?ts$/.test(path) && !typeStrippingOn()) {
    throw new CliScenarioError(
      file,
      `is TypeScript, and this Node.js (${process.version}) does not strip types by default.`,
      'use Node.js 22.18 or later (or 23.6+), or run with NODE_OPTIONS=--experimental-strip-types, or write the scenario as .js/.mjs.',
    );
  }
  const url = pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (isFrayError(error)) throw error;
    throw new CliScenarioError(
      file,
      `cannot be loaded (${firstLine(error)}).`,
      `run \`node ${file}\` to see the whole error; scenarios may use only erasable TypeScript (no enums, namespaces or parameter properties) and import relative files with their .ts extension.`,
      error,
    );
  }
  const fromDefault =
    typeof module['default'] === 'object' && module['default'] !== null
      ? (module['default'] as Record<string, unknown>)
      : {};
  if (
    module['default'] !== undefined &&
    (typeof module['default'] !== 'object' || module['default'] === null)
  ) {
    throw new CliScenarioError(
      file,
      `its default export is ${typeof module['default']}, not a scenario object.`,
      'export default defineScenario({ app, request, concurrency, gates }).',
    );
  }
  const named = Object.fromEntries(
    Object.entries(module).filter(([key]) => key !== 'default' && KNOWN.has(key)),
  );
  const merged: Record<string, unknown> = { ...named, ...fromDefault };
  for (const key of Object.keys(fromDefault)) {
    if (!KNOWN.has(key)) {
      throw new CliScenarioError(
        file,
        `'${key}' is not a scenario field.`,
        `remove it or fix the typo; the fields are ${[...KNOWN].join(', ')}.`,
      );
    }
  }
  if (merged['request'] === undefined) {
    throw new CliScenarioError(
      file,
      'exports no request.',
      "export what to send: request: { method: 'GET', path: '/users' } (or a list, or (client, i) => client.get('/users')).",
    );
  }
  const app = merged['app'];
  const target = merged['target'];
  if (app === undefined && target === undefined) {
    throw new CliScenarioError(
      file,
      'exports neither app nor target.',
      "export app: () => createApp() (fray serves it), or target: 'http://127.0.0.1:3000' for a running server.",
    );
  }
  if (app !== undefined && target !== undefined) {
    throw new CliScenarioError(
      file,
      'exports both app and target.',
      'keep one: app to let fray start it, target to load a running server.',
    );
  }
  if (app !== undefined && typeof app !== 'function') {
    throw new CliScenarioError(
      file,
      `app is ${typeof app}, not a factory function.`,
      'export app: () => createApp() — fray calls it once per run.',
    );
  }
  if (target !== undefined && typeof target !== 'string') {
    throw new CliScenarioError(
      file,
      `target is ${typeof target}, not a URL string.`,
      "write target: 'http://127.0.0.1:3000'.",
    );
  }
  const transport = merged['transport'];
  if (transport !== undefined && transport !== 'http' && transport !== 'inject') {
    throw new CliScenarioError(
      file,
      `transport '${typeof transport === 'string' ? transport : typeof transport}' is unknown.`,
      "use 'http' (default: a loopback port, generator in a worker) or 'inject' (in-process).",
    );
  }
  if (transport === 'inject' && target !== undefined) {
    throw new CliScenarioError(
      file,
      "transport 'inject' needs an app, not a target URL.",
      "export app, or drop transport: 'inject'.",
    );
  }
  const races = merged['races'];
  if (races !== undefined && (typeof races !== 'object' || races === null || Array.isArray(races))) {
    throw new CliScenarioError(
      file,
      'races must be an object of named explore() options.',
      'write races: { doubleSpend: { setup, tasks, check } }.',
    );
  }
  if (merged['gates'] !== undefined) validateGates(merged['gates']);
  if (merged['gateOptions'] !== undefined) validateGateOptions(merged['gateOptions']);
  if (merged['compare'] !== undefined) validateCompareOptions(merged['compare'] as CompareOptions);
  if (merged['checks'] !== undefined) validateRouteChecks(merged['checks']);
  if (merged['leaks'] !== undefined && typeof merged['leaks'] !== 'boolean') {
    throw new CliScenarioError(
      file,
      `leaks is ${typeof merged['leaks']}, not a boolean.`,
      'write leaks: false to skip the leak check (default true).',
    );
  }
  if (races !== undefined) {
    for (const [name, check] of Object.entries(races as Record<string, unknown>)) {
      const shape = check as Record<string, unknown> | null;
      if (typeof shape !== 'object' || shape === null || typeof shape['tasks'] !== 'function') {
        throw new CliScenarioError(
          file,
          `races.${name} is not explore() options: it needs a tasks function.`,
          `write races: { ${name}: { setup: (ctl) => world, tasks: (world) => ({ a: async () => …, b: async () => … }), check } }.`,
        );
      }
      for (const key of ['setup', 'check', 'teardown']) {
        if (shape[key] !== undefined && typeof shape[key] !== 'function') {
          throw new CliScenarioError(
            file,
            `races.${name}.${key} is ${typeof shape[key]}, not a function.`,
            `pass a function as ${key}, or leave it out.`,
          );
        }
      }
      const expectation = shape['expect'];
      if (expectation !== undefined && expectation !== 'race' && expectation !== 'race-free') {
        throw new CliScenarioError(
          file,
          `races.${name}.expect is ${JSON.stringify(expectation)}.`,
          "use expect: 'race' for a known race kept to demonstrate it, or leave it out (race-free).",
        );
      }
      // Everything else is explore()'s: a misspelt check or a bad run count is refused here,
      // before the app starts, not after a load run.
      const { expect: _expect, ...explore } = shape;
      try {
        validateExploreOptions(explore);
      } catch (error) {
        if (!isFrayError(error)) throw error;
        throw new CliScenarioError(
          file,
          `races.${name}: ${error.message.split('\n')[0] ?? ''}`,
          error.fix ?? 'see docs/race.md, Options.',
        );
      }
    }
  }
  const requestExport =
    typeof merged['request'] === 'function'
      ? typeof fromDefault['request'] === 'function'
        ? 'default.request'
        : 'request'
      : undefined;
  return { file, path, url, scenario: merged as unknown as Scenario, requestExport };
}

/** Whether this Node.js loads .ts modules (type stripping on, by default from 22.18 / 23.6). */
function typeStrippingOn(): boolean {
  const features = process.features as { typescript?: unknown };
  if (features.typescript !== undefined) return features.typescript !== false;
  // Before process.features.typescript existed, only the flag turned it on.
  return [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((arg) =>
    /strip-types|transform-types/.test(arg),
  );
}
