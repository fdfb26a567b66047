/**
 * Strict flag parsing for the `fray` commands: `--name value`, `--name=value`, boolean
 * `--flag` / `--no-flag`, short aliases, and positionals. An unknown flag or a missing
 * value is a usage error (exit 2) that lists the flags the command knows.
 *
 * @module
 */
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
 * Parse `args` against `specs`.
 *
 * @example
 * ```ts
 * parseArgs(['run.ts', '--out', 'dir'], [{ name: 'out', type: 'string', help: '' }], 'run');
 * // { flags: { out: 'dir' }, positionals: ['run.ts'] }
 * ```
 */
export function parseArgs(args: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const flags: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  const known = (): string => specs.map((spec) => `--${spec.name}`).join(', ');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const [rawName, inline] = long ? splitOnce(arg.slice(2), '=') : [arg.slice(1), undefined];
    let negated = false;
    let spec = specs.find((candidate) => (long ? candidate.name === rawName : candidate.alias === rawName));
    if (spec === undefined && long && rawName.startsWith('no-')) {
      spec = specs.find((candidate) => candidate.name === rawName.slice(3) && candidate.type === 'boolean');
      negated = spec !== undefined;
    }
    if (spec === undefined) {
      throw new CliUsageError(
        `unknown option '${arg}' for \`fray ${command}\`.`,
        `run \`fray ${command} --help\`; the options are ${known() || '(none)'}.`,
      );
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) {
        throw new CliUsageError(
          `option --${spec.name} takes no value.`,
          `write --${spec.name} or --no-${spec.name}.`,
        );
      }
      flags[spec.name] = !negated;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw new CliUsageError(
          `option --${spec.name} needs a value.`,
          `write --${spec.name} <${spec.value ?? 'value'}>.`,
        );
      }
      value = next;
      i++;
    }
    flags[spec.name] = value;
  }
  return { flags, positionals };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index === -1 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
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
