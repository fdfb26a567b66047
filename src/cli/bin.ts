/**
 * Process entry of the `fray` bin: run the CLI and exit with its code. The exit is explicit:
 * a scenario's app may leave a timer or socket behind (fray reports it as a leak), and the
 * command must not hang on it. Unexpected errors (bugs in fray) still print their stack.
 *
 * @module
 */
// Automatic control for the scenarios fray run/replay load: every await of the app under test
// is a scheduling point in its race checks, as under the Vitest plugin.
import '../race/register.ts';
import { main } from './main.ts';

process.exit(await main(process.argv.slice(2)));
