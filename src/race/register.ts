/**
 * `fray/race/register`: turn on automatic control for everything Node loads after it — every
 * `await` of the application and its dependencies becomes a point where `explore()` may switch
 * tasks. Use it where Node loads the code under test itself:
 *
 * ```sh
 * node --import fray/race/register --test
 * ```
 *
 * Vitest users add the plugin instead (`frayRace()` from `fray/race/vite`), which also loads
 * this module in each worker for the dependencies Vitest leaves to Node.
 *
 * @module
 */
import { instrumentModules } from './instrument/node-hooks.ts';

export { instrumentModules };

instrumentModules();
