/**
 * Every `fray` sub-command, in the order `fray --help` lists them.
 *
 * @module
 */
import type { Command } from './command.ts';
import { compareCommand } from './commands/compare.ts';
import { k6Command } from './commands/k6.ts';
import { replayCommand } from './commands/replay.ts';
import { runCommand } from './commands/run.ts';

/** The sub-commands. Capabilities add theirs here. */
export const commands: readonly Command[] = [runCommand, compareCommand, k6Command, replayCommand];
