/**
 * The `fray` command line as a library: `main(argv)` and the command shape.
 *
 * @module
 */
export { main } from './main.ts';
export type { CliIO, Command } from './command.ts';
