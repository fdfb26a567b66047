/**
 * `fray k6 <scenario.ts>`: export a scenario as a k6 script (and a k6-operator TestRun with
 * `--parallelism`) for load past what one machine generates.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { CliUsageError } from '../../errors/index.ts';
import { toK6 } from '../../load/index.ts';
import { flagHelp, parseArgs, type FlagSpec } from '../args.ts';
import type { CliIO, Command } from '../command.ts';
import { assertWritableFile } from '../output-path.ts';
import { loadScenarioFile } from '../scenario-file.ts';

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'out',
    alias: 'o',
    type: 'string',
    value: 'file.js',
    help: 'write the script here (default: print it)',
  },
  {
    name: 'base-url',
    type: 'string',
    value: 'url',
    help: "the URL k6 loads (default the scenario's target; k6 -e BASE_URL=… overrides)",
  },
  {
    name: 'parallelism',
    type: 'string',
    value: 'n',
    help: 'also write a k6-operator TestRun with n runners (needs --out)',
  },
];

const USAGE = `Usage: fray k6 <scenario.ts> [options]

Export a scenario as a k6 script: each level becomes a k6 scenario (constant-vus for
concurrency, constant-arrival-rate for rates) run one after the other, warm-ups are
excluded from thresholds, and gates become per-level thresholds. Requests must be
declarative ({ method, path, json }). With --parallelism, a k6-operator TestRun manifest is
written beside the script to spread the load over several machines.

Options:
${flagHelp(FLAGS)}
`;

/** The k6-operator TestRun manifest written beside `script`. */
function manifestPath(script: string): string {
  return resolve(dirname(script), `${basename(script).replace(/\.[cm]?js$/, '')}.testrun.yaml`);
}

/** `fray k6`. */
export const k6Command: Command = {
  name: 'k6',
  summary: 'export a scenario as a k6 script (and a k6-operator TestRun) for distributed load',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, FLAGS, 'k6');
    if (positionals.length !== 1) {
      throw new CliUsageError(
        '`fray k6` takes one scenario file.',
        'run `fray k6 load/users.scenario.ts --out load.js`.',
      );
    }
    const parallelismText = flags['parallelism'] as string | undefined;
    const parallelism = parallelismText === undefined ? undefined : Number(parallelismText);
    if (
      parallelism !== undefined &&
      (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 1000)
    ) {
      throw new CliUsageError(
        `--parallelism '${parallelismText}' is not a whole number from 1 to 1000.`,
        'pass e.g. --parallelism 4.',
      );
    }
    const out = flags['out'] as string | undefined;
    if (parallelism !== undefined && out === undefined) {
      throw new CliUsageError(
        '--parallelism needs --out: the TestRun manifest is written beside the script.',
        'add --out load.js.',
      );
    }
    if (out !== undefined) {
      const scriptPath = resolve(io.cwd, out);
      await assertWritableFile(scriptPath, io.cwd, '--out');
      if (parallelism !== undefined) await assertWritableFile(manifestPath(scriptPath), io.cwd, '--out');
    }
    const loaded = await loadScenarioFile(positionals[0] as string, io.cwd);
    const baseUrl = flags['base-url'] as string | undefined;
    const exported = toK6(loaded.scenario, {
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...(out === undefined ? {} : { scriptName: basename(out) }),
      ...(parallelism === undefined ? {} : { parallelism }),
      source: loaded.file,
    });
    if (out === undefined) {
      io.stdout.write(exported.script);
      return 0;
    }
    const scriptPath = resolve(io.cwd, out);
    await mkdir(dirname(scriptPath), { recursive: true });
    await writeFile(scriptPath, exported.script);
    io.stdout.write(`wrote ${out} — run it with: k6 run ${out}\n`);
    if (exported.testRun !== undefined) {
      const manifest = manifestPath(scriptPath);
      await writeFile(manifest, exported.testRun);
      io.stdout.write(
        `wrote ${manifest} — kubectl create configmap … --from-file=${basename(out)}, then kubectl apply -f it (see its header)\n`,
      );
    }
    return 0;
  },
};
