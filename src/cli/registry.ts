/**
 * Every `fray` sub-command, in the order `fray --help` lists them.
 *
 * @module
 */
import type { Command } from './command.ts';

/** The sub-commands. Capabilities add theirs here. */
export const commands: readonly Command[] = [];
