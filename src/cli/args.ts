/**
 * Strict flag parsing for the `fray` commands — `--name value`, `--name=value`, boolean
 * `--flag` / `--no-flag`, short aliases, positionals — by Node's `util.parseArgs`. An
 * unknown flag or a missing value is a usage error (exit 2) that lists the flags the
 * command knows.
 *
 * @module
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { CliUsageError } from '../errors/index.ts';

/** One flag a command accepts. */
export interface FlagSpec {
  readonly name: string;
  readonly alias?: string;
  readonly type: 'string' | 'boolean';
  /** One line for the usage text. */
  readonly help: string;
  /** Shown as `<value>` in the usage text. */
  readonly value?: string;
}

/** Parsed arguments. */
export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parse `args` against `specs` with Node's own `util.parseArgs` (strict: unknown flags and
 * missing values are errors; `--no-<flag>` negates a boolean), turning its errors into
 * `FRAY_CLI_USAGE` lines that list the command's flags.
 *
 * @example
 * ```ts
 * parseArgs(['run.ts', '--out', 'dir'], [{ name: 'out', type: 'string', help: '' }], 'run');
 * // { flags: { out: 'dir' }, positionals: ['run.ts'] }
 * ```
 */
export function parseArgs(args: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const spec of specs) {
    options[spec.name] = { type: spec.type, ...(spec.alias === undefined ? {} : { short: spec.alias }) };
  }
  let parsed: {
    values: Record<string, string | boolean | (string | boolean)[] | undefined>;
    positionals: string[];
  };
  try {
    parsed = nodeParseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: true,
      allowNegative: true,
    });
  } catch (error) {
    throw usageError(error, specs, command);
  }
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    // A flag given twice: the last one wins, as with every other CLI.
    flags[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return { flags, positionals: parsed.positionals };
}

/** `util.parseArgs`'s error as a one-line usage error naming the fix. */
function usageError(error: unknown, specs: readonly FlagSpec[], command: string): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const known = specs.map((spec) => `--${spec.name}`).join(', ') || '(none)';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /option '([^']+)'/i.exec(message)?.[1] ?? message;
    return new CliUsageError(
      `unknown option '${option}' for \`fray ${command}\`.`,
      `run \`fray ${command} --help\`; the options are ${known}.`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(message)?.[1];
    const spec = specs.find((candidate) => candidate.name === name);
    if (spec?.type === 'boolean') {
      return new CliUsageError(
        `option --${spec.name} takes no value.`,
        `write --${spec.name} or --no-${spec.name}.`,
      );
    }
    if (spec !== undefined) {
      return new CliUsageError(
        `option --${spec.name} needs a value.`,
        `write --${spec.name} <${spec.value ?? 'value'}>.`,
      );
    }
  }
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    return new CliUsageError(`${message.replace(/\.$/, '')}.`, `run \`fray ${command} --help\`.`);
  }
  return error;
}

/**
 * The options block of a usage text.
 *
 * @example
 * ```ts
 * flagHelp([{ name: 'out', alias: 'o', type: 'string', value: 'dir', help: 'where to write' }]);
 * ```
 */
export function flagHelp(specs: readonly FlagSpec[]): string {
  const rows = specs.map((spec) => {
    const left = `${spec.alias === undefined ? '    ' : `-${spec.alias}, `}--${spec.name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`;
    return [left, spec.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join('\n');
}
