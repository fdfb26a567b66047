/**
 * The process-wide slot instrumented modules read (see `transform.ts`): whether automatic
 * control is installed, whether an exploration runs, and the functions that turn an `await`
 * into a scheduling point. Kept apart from the transform so the runtime never loads a parser.
 *
 * @module
 */

/** `Symbol.for` key of the slot; part of the code instrumented modules carry. */
export const AWAIT_SLOT = 'fray.race.awaits.v1';

/** What instrumented modules see. */
export interface AwaitSlot {
  /** An exploration runs: awaits go through `a`/`i`. */
  on: boolean;
  /** A loader hook or bundler plugin instruments modules in this process. */
  installed: boolean;
  /** Modules instrumented so far (for reports). */
  modules?: number;
  /** Modules that could not be parsed, and so run uninstrumented. */
  skipped?: string[];
  /** `await v` at `site`: the value the await should wait for instead. */
  a?: (value: unknown, site: string) => unknown;
  /** `for await (… of v)` at `site`: the iterable to loop over instead. */
  i?: (iterable: unknown, site: string) => unknown;
}

const key = Symbol.for(AWAIT_SLOT);
const holder = globalThis as typeof globalThis & { [key]?: AwaitSlot };

/** The slot of this process (created on first use, shared by every copy of fray). */
export const awaitSlot: AwaitSlot = (holder[key] ??= { on: false, installed: false });
