/**
 * The `fray` command line: dispatches to the sub-commands, turns fray errors into one-line
 * messages with their code and fix (exit 2 for bad input), and never prints a stack trace
 * for a mistake the user can fix.
 *
 * @module
 */
import { CliUsageError, isFrayError } from '../errors/index.ts';
import type { CliIO, Command } from './command.ts';
import { commands as registered } from './registry.ts';
import { frayVersion } from './version.ts';

function help(commands: readonly Command[]): string {
  const width = Math.max(8, ...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'fray — test the asynchronous behaviour of Node.js backends',
    '',
    'Usage: fray <command> [options]',
    '',
    'Commands:',
    ...(lines.length > 0 ? lines : ['  (none yet)']),
    '',
    'Options:',
    '  -h, --help     show this help (or `fray <command> --help`)',
    '  -v, --version  print the fray version',
    '',
  ].join('\n');
}

/**
 * Run the CLI with `argv` (the arguments after `fray`); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env },
  commands: readonly Command[] = registered,
): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      io.stdout.write(help(commands));
      return first === undefined ? 2 : 0;
    }
    if (first === '-v' || first === '--version') {
      io.stdout.write(`${frayVersion()}\n`);
      return 0;
    }
    const command = commands.find((candidate) => candidate.name === first);
    if (command === undefined) {
      throw new CliUsageError(
        first.startsWith('-') ? `unknown option '${first}'.` : `unknown command '${first}'.`,
        `run \`fray --help\` to see the commands${commands.length > 0 ? ` (${commands.map((c) => c.name).join(', ')})` : ''}.`,
      );
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${command.usage.trimEnd()}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (isFrayError(error)) {
      io.stderr.write(`fray: ${error.code}: ${error.message.replace(/\n\s*/g, ' ')}\n`);
      return 2;
    }
    throw error;
  }
}
