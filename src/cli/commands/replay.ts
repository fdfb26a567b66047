/**
 * `fray replay <file> '<replay string>'`: run exactly the schedule a fray/race failure
 * printed, and show its report again — or say where the run left the schedule
 * (`FRAY_RACE_REPLAY_DIVERGED`) because the code changed.
 *
 * The file is a module exporting `explore()` options — directly (`export const doubleSpend
 * = { setup, tasks, check }`), inside an object (a load scenario's `races: { … }`, a corpus
 * entry's `buggy`/`fixed`) — or a test file, which is run through Vitest with
 * `FRAY_RACE_REPLAY` set, so the `explore()` whose scenario the string belongs to replays it
 * while every other runs as usual.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliFileError, CliScenarioError, CliUsageError, isFrayError } from '../../errors/index.ts';
import type { ExploreOptions, ExploreResult } from '../../race/index.ts';
import { flagHelp, parseArgs, type FlagSpec } from '../args.ts';
import type { CliIO, Command } from '../command.ts';

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'export',
    alias: 'e',
    type: 'string',
    value: 'name',
    help: 'replay only this export (or `races` entry) instead of trying each',
  },
  { name: 'json', type: 'boolean', help: 'print the result as JSON (report included) instead of text' },
];

const USAGE = `Usage: fray replay <file> '<replay string>' [options]

Replay the schedule of a fray/race failure exactly: same decisions, same order, same
result. The string is the one a failure printed (it starts with 'fr1;' or 'fr2;'); quote it.

<file> is either
  - a module exporting explore() options: \`export const lostUpdate = { setup, tasks, check }\`,
    or objects holding them (a load scenario's \`races: { … }\`); each is tried until the
    one the string belongs to is found. A \`dispose\` export, if any, is called at the end
    (close what the scenarios opened: a database, a server). Or
  - a test file (*.test.ts, *.spec.ts): run with Vitest and FRAY_RACE_REPLAY set, so the
    explore() the string belongs to replays it and every other explores as usual. The exit
    code is the replay's, not Vitest's: a test asserting the race still exits 1 while the
    schedule fails, and a file where no explore() takes the string exits 2.

Options:
${flagHelp(FLAGS)}

Exit codes: 0 the schedule now passes, 1 it fails (the report is printed), 2 bad input or
the run left the schedule (FRAY_RACE_REPLAY_DIVERGED: the code or scenario changed).
`;

/** A named set of `explore()` options found in a module. */
interface Candidate {
  readonly where: string;
  readonly options: ExploreOptions<any, any>;
}

function isExploreOptions(value: unknown): value is ExploreOptions<any, any> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { tasks?: unknown }).tasks === 'function'
  );
}

/** Every explore() options object a module exports, directly or one level down. */
function candidatesOf(module: Record<string, unknown>): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<object>();
  const add = (where: string, options: ExploreOptions<any, any>, name: string | undefined): void => {
    if (seen.has(options)) return;
    seen.add(options);
    // A load scenario's `races` entries are explored under their key (see `fray run`).
    out.push({
      where,
      options: options.name === undefined && name !== undefined ? { ...options, name } : options,
    });
  };
  for (const [key, value] of Object.entries(module)) {
    if (isExploreOptions(value)) add(key, value, undefined);
  }
  for (const [key, value] of Object.entries(module)) {
    if (typeof value !== 'object' || value === null || isExploreOptions(value)) continue;
    const races = (value as { races?: unknown }).races;
    const nested = typeof races === 'object' && races !== null ? { ...value, ...races } : value;
    for (const [inner, option] of Object.entries(nested as Record<string, unknown>))
      if (isExploreOptions(option))
        add(`${key}.${inner}`, option, key === 'races' || races !== undefined ? inner : undefined);
  }
  return out;
}

function isTestFile(path: string): boolean {
  return /\.(test|spec)\.[cm]?[jt]sx?$/.test(path);
}

function isMismatch(error: unknown): boolean {
  return (
    isFrayError(error) &&
    error.code === 'FRAY_RACE_REPLAY_DIVERGED' &&
    (error as { step?: unknown }).step === 0
  );
}

/** Find Vitest's CLI next to the project (its own `node_modules`). */
function vitestEntry(cwd: string): string | undefined {
  try {
    const require = createRequire(join(cwd, 'package.json'));
    const manifest = require.resolve('vitest/package.json');
    const entry = join(dirname(manifest), 'vitest.mjs');
    return existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function replayTestFile(file: string, replay: string, io: CliIO): Promise<number> {
  const entry = vitestEntry(io.cwd);
  if (entry === undefined)
    throw new CliUsageError(
      `${file} is a test file, and replaying it needs Vitest, which is not installed in ${io.cwd}.`,
      'install vitest, or export the explore() options from a module and replay that module.',
    );
  io.stderr.write(
    `fray replay: running ${file} with Vitest and FRAY_RACE_REPLAY set; the exploration this string belongs to replays it, the others explore as usual.\n`,
  );
  // Each explore() that takes the string appends passed | failed | diverged here.
  const dir = await mkdtemp(join(tmpdir(), 'fray-replay-'));
  const outcomeFile = join(dir, 'outcome');
  try {
    const vitestCode = await new Promise<number | null>((resolveExit, reject) => {
      const child = spawn(process.execPath, [entry, 'run', file], {
        cwd: io.cwd,
        env: { ...io.env, FRAY_RACE_REPLAY: replay, FRAY_RACE_REPLAY_OUTCOME: outcomeFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => io.stdout.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
      child.on('error', reject);
      child.on('close', (code) => resolveExit(code));
    });
    const outcomes = (await readFile(outcomeFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    if (outcomes.length === 0)
      throw new CliScenarioError(
        file,
        `no explore() in it took the replay string (Vitest exited with ${String(vitestCode)}): none of its explorations is the scenario the string was recorded from, or the test running it did not run.`,
        'pass the test file the failure named, and make sure the test is not skipped or filtered out.',
      );
    if (outcomes.includes('diverged')) {
      io.stderr.write('fray replay: the run left its schedule (FRAY_RACE_REPLAY_DIVERGED, above).\n');
      return 2;
    }
    return outcomes.includes('failed') ? 1 : 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Point the report's replay line at the file that was replayed. */
function pointAt(file: string, report: string): string {
  return report.replace(/npx fray replay \S+ '/g, `npx fray replay ${file} '`);
}

function printResult(result: ExploreResult, where: string, json: boolean, io: CliIO): number {
  if (json) {
    const { failure, ...rest } = result;
    const error = failure?.error;
    io.stdout.write(
      `${JSON.stringify(
        {
          ...rest,
          scenario: where,
          ...(failure === undefined
            ? {}
            : {
                failure: {
                  ...failure,
                  error:
                    error instanceof Error ? { name: error.name, message: error.message } : String(error),
                },
              }),
        },
        null,
        2,
      )}\n`,
    );
  } else if (result.ok) io.stdout.write(`${where}: ${result.summary}\n`);
  else io.stdout.write(`${where}:\n${result.failure?.report ?? result.summary}\n`);
  return result.ok ? 0 : 1;
}

/** `Name: first line of the message`, for one-line errors. */
function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? code : error.name}: ${error.message.split('\n')[0] ?? ''}`;
}

/** Call the module's `dispose` export, if any; a throw is one coded line, not a stack trace. */
async function disposeModule(module: Record<string, unknown>, file: string): Promise<void> {
  const dispose = module['dispose'] ?? (module['default'] as { dispose?: unknown } | undefined)?.dispose;
  if (typeof dispose !== 'function') return;
  try {
    await (dispose as () => unknown)();
  } catch (error) {
    throw new CliScenarioError(
      file,
      `its dispose export threw ${oneLine(error)}.`,
      'fix dispose() so it closes what the scenarios opened without throwing; run the module with node to see the stack.',
      error,
    );
  }
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(args, FLAGS, 'replay');
  const [file, replay, ...extra] = positionals;
  if (file === undefined || replay === undefined || extra.length > 0)
    throw new CliUsageError(
      '`fray replay` takes a file and a replay string.',
      "run `fray replay src/orders.test.ts 'fr1;…'` with the string a failure printed, quoted.",
    );
  const { decodeReplay, explore } = await import('../../race/index.ts');
  decodeReplay(replay); // a malformed string fails here, before anything runs
  const path = resolve(io.cwd, file);
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw new CliFileError(
      file,
      'no such file (or it cannot be read).',
      'pass the file named in the replay line.',
    );
  }
  if (isTestFile(path)) return replayTestFile(file, replay, io);

  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliScenarioError(
      file,
      `could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      'run the module with node to see the stack; it must load on its own (Node runs .ts files directly).',
      error,
    );
  }
  const wanted = typeof flags['export'] === 'string' ? flags['export'] : undefined;
  const all = candidatesOf(module);
  const candidates =
    wanted === undefined ? all : all.filter((c) => c.where === wanted || c.where.endsWith(`.${wanted}`));
  if (candidates.length === 0)
    throw new CliScenarioError(
      file,
      wanted === undefined
        ? 'exports no explore() options (an object with a `tasks` function).'
        : `has no export or races entry named '${wanted}' (found: ${all.map((c) => c.where).join(', ') || 'none'}).`,
      'export the options you pass to explore(): `export const lostUpdate = { setup, tasks, check }`.',
    );
  try {
    for (const candidate of candidates) {
      try {
        const result = await explore({ ...candidate.options, replay, quiet: true });
        const failure = result.failure;
        const pointed =
          failure === undefined
            ? result
            : { ...result, failure: { ...failure, report: pointAt(file, failure.report) } };
        return printResult(pointed, candidate.where, flags['json'] === true, io);
      } catch (error) {
        if (isMismatch(error) && candidates.length > 1) continue;
        if (isFrayError(error)) throw error;
        // The scenario's own code threw (its setup, a task outside fray's control): one
        // coded line, as `fray run` reports it, never a stack trace.
        throw new CliScenarioError(
          file,
          `${candidate.where}: the scenario threw ${oneLine(error)} while replaying (in its setup, tasks or check).`,
          `fix the scenario so it runs (\`fray run\` reports the same error as a race-check line); run the module with node to see the stack.`,
          error,
        );
      }
    }
  } finally {
    // What the module opened for its scenarios (a database, a server) would keep the process alive.
    await disposeModule(module, file);
  }
  throw new CliScenarioError(
    file,
    `none of its scenarios (${candidates.map((c) => c.where).join(', ')}) is the one this replay string was recorded from.`,
    'replay strings belong to one scenario (its name and task labels); pass the file the failure named, or --export the scenario.',
  );
}

/** `fray replay`. */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay a fray/race failure exactly from its replay string',
  usage: USAGE,
  run,
};
