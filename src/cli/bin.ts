/**
 * Process entry of the `fray` bin: run the CLI and set the exit code. Unexpected errors
 * (bugs in fray) still print their stack, so they can be reported.
 *
 * @module
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
