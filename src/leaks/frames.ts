/**
 * Creation sites: capture a stack cheaply when something is created, format it only when a
 * leak is reported, and tell whose code created it — the user's, a test runner's, fray's
 * own, or Node's. That classification is what keeps runners' bookkeeping timers and fray's
 * own pools out of reports while a user's forgotten `setInterval` is named to the line.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

// Captured at module load so a test that stubs Error cannot break fray's bookkeeping.
const captureStackTrace = Error.captureStackTrace.bind(Error);

/** Whose code a creation site belongs to. */
export type Origin =
  /** The user's code: tests, the app under test, its libraries when no first-party frame is visible. */
  | 'user'
  /** A test runner's own machinery (Vitest, Jest, node:test): never reported. */
  | 'runner'
  /** fray itself (fray/db's PGlite and pools, fray/load's workers…): never reported. */
  | 'fray'
  /** Node created it from its own callbacks with no JavaScript caller in sight: never reported. */
  | 'internal';

/** A lazily formatted stack with its classification. */
export interface CreationSite {
  /** `file:line:column` of the line to look at (see {@link classify}), if any. */
  readonly location: string | undefined;
  /** The captured frames, one per line, without fray/leaks' own frames. */
  readonly stack: string;
  /** Whose code created the thing. */
  readonly origin: Origin;
}

/** The package root of this copy of fray (`…/fray/` or the repository), as a path. */
const frayRoot = fileURLToPath(new URL('../../', import.meta.url));
const fraySources = [`${frayRoot}src/`, `${frayRoot}dist/`];
const leaksSources = [`${frayRoot}src/leaks/`, `${frayRoot}dist/leaks/`];
/**
 * fray/race's stand-ins for Node's timers, clock and randomness (`node:timers` and
 * `node:crypto` exports stay fray's after the first exploration): outside a run they only call
 * Node's own, so whoever called them created what they create — they count as Node's frames.
 */
const passThrough = [`${frayRoot}src/race/virtual-globals.`, `${frayRoot}dist/race/virtual-globals.`];

/** Packages whose frames are a test runner's machinery. */
const RUNNER_PACKAGES =
  /\/node_modules\/(?:vitest|@vitest\/[^/]+|vite|vite-node|tinypool|tinyspy|tinybench|chai|jest|jest-[^/]+|@jest\/[^/]+|expect|babel-jest|pretty-format)\//;
/** Files inside fray's own sources that are user code all the same (its tests, fixtures). */
const FRAY_TEST_FILE = /\.(?:test|spec|test-d)\.[cm]?[jt]s$|\/fixtures\//;

/** Turn a V8 frame line into its location (`/path/file.ts:12:3`), or undefined. */
export function frameLocation(line: string): string | undefined {
  let frame = line.trim();
  if (!frame.startsWith('at ')) return undefined;
  frame = frame.slice(3);
  if (frame.startsWith('async ')) frame = frame.slice(6);
  // `eval (eval at f (file:1:2), <anonymous>:1:1)`: the eval's own site is what can be opened.
  const evaluated = /\(eval at [^(]*\((.+?:\d+:\d+)\)/.exec(frame);
  const close = frame.endsWith(')') ? frame.lastIndexOf('(') : -1;
  const location = evaluated?.[1] ?? (close === -1 ? frame : frame.slice(close + 1, -1));
  if (location === 'native' || location === '<anonymous>' || location.length === 0) return undefined;
  if (location.startsWith('file://')) {
    try {
      const end = /:\d+:\d+$/.exec(location);
      const path = fileURLToPath(end ? location.slice(0, end.index) : location);
      return end ? `${path}${end[0]}` : path;
    } catch {
      return location;
    }
  }
  return location;
}

/** What kind of code a single location is. */
export type FrameKind = 'node' | 'runner' | 'leaks' | 'fray' | 'library' | 'first-party';

/** Classify one location. */
export function frameKind(location: string): FrameKind {
  if (location.startsWith('node:')) {
    return location.startsWith('node:internal/test_runner') ? 'runner' : 'node';
  }
  // WebAssembly frames belong to whatever JavaScript called into the module.
  if (location.startsWith('wasm://')) return 'node';
  const path = location.replaceAll('\\', '/');
  if (passThrough.some((prefix) => path.startsWith(prefix))) return 'node';
  const inFray = fraySources.some((prefix) => path.startsWith(prefix));
  if (inFray && !FRAY_TEST_FILE.test(path.replace(/:\d+:\d+$/, ''))) {
    return leaksSources.some((prefix) => path.startsWith(prefix)) ? 'leaks' : 'fray';
  }
  if (RUNNER_PACKAGES.test(path)) return 'runner';
  if (path.includes('/node_modules/')) return 'library';
  return 'first-party';
}

/**
 * Decide whose code created something from its frames (innermost first):
 *
 * - the first *first-party* frame (not Node, not `node_modules`) is the line to show; if it
 *   lies in fray's own sources, fray created it;
 * - with no first-party frame in sight, the innermost non-Node frame decides: a runner's
 *   package means the runner, any other package means the user's dependency (shown);
 * - with only Node frames, Node created it from a callback of its own.
 */
export function classify(locations: readonly string[]): { origin: Origin; location: string | undefined } {
  let firstForeign: { kind: FrameKind; location: string } | undefined;
  for (const location of locations) {
    const kind = frameKind(location);
    if (kind === 'node' || kind === 'leaks') continue;
    if (kind === 'first-party') return { origin: 'user', location };
    if (kind === 'fray') return { origin: 'fray', location };
    firstForeign ??= { kind, location };
  }
  if (firstForeign === undefined) return { origin: 'internal', location: undefined };
  return firstForeign.kind === 'runner'
    ? { origin: 'runner', location: firstForeign.location }
    : { origin: 'user', location: firstForeign.location };
}

/** Stack lines of a raw `Error.stack`-like string, without the message line(s). */
export function stackLines(stack: string): string[] {
  const lines = stack.split('\n');
  const first = lines.findIndex((line) => line.trimStart().startsWith('at '));
  return first === -1 ? [] : lines.slice(first).filter((line) => line.trimStart().startsWith('at '));
}

/** A parsed stack: whose code, the line to show, the frames. */
interface ParsedStack {
  readonly origin: Origin;
  readonly location: string | undefined;
  readonly stack: string;
}

function parseStack(text: string): ParsedStack {
  const lines = stackLines(text).filter((line) => {
    const location = frameLocation(line);
    return location === undefined || frameKind(location) !== 'leaks';
  });
  const locations = lines.map(frameLocation).filter((l): l is string => l !== undefined);
  return { ...classify(locations), stack: lines.map((line) => line.trim()).join('\n') };
}

/** A site read from text (a rejection's reason, a mock's call site). */
class TextSite implements CreationSite {
  readonly #text: string;
  #parsed: ParsedStack | undefined;
  constructor(text: string) {
    this.#text = text;
  }
  #parse(): ParsedStack {
    return (this.#parsed ??= parseStack(this.#text));
  }
  get location(): string | undefined {
    return this.#parse().location;
  }
  get origin(): Origin {
    return this.#parse().origin;
  }
  get stack(): string {
    return this.#parse().stack;
  }
}

/** V8's structured frames (the `CallSite` objects `Error.prepareStackTrace` receives). */
interface CallSiteLike {
  getFileName(this: CallSiteLike): string | null | undefined;
  getScriptNameOrSourceURL?(this: CallSiteLike): string | null | undefined;
  toString(this: CallSiteLike): string;
}

type PrepareStackTrace = (this: void, error: Error, frames: CallSiteLike[]) => unknown;

/** `Error` as far as its `prepareStackTrace` hook goes. */
const ErrorClass = Error as unknown as { prepareStackTrace?: PrepareStackTrace | undefined };

/**
 * A captured stack, read in two steps. Whose code created the thing (`origin`) comes from
 * V8's structured frames — file names only, no formatting — so the many resources a
 * runner creates inside tests are dismissed cheaply. The text (`location`, `stack`) is
 * formatted only for what is reported, by the runner's own `Error.prepareStackTrace` (which
 * applies source maps: Vitest, Jest) when there is one.
 */
class CapturedSite implements CreationSite {
  readonly #holder: { stack?: unknown };
  #frames: CallSiteLike[] | undefined;
  #origin: Origin | undefined;
  #parsed: ParsedStack | undefined;
  constructor(holder: { stack?: unknown }) {
    this.#holder = holder;
  }
  #structured(): CallSiteLike[] {
    if (this.#frames) return this.#frames;
    const prepare = ErrorClass.prepareStackTrace;
    ErrorClass.prepareStackTrace = (_error, frames) => frames;
    try {
      const frames = this.#holder.stack;
      this.#frames = Array.isArray(frames) ? (frames as CallSiteLike[]) : [];
    } finally {
      ErrorClass.prepareStackTrace = prepare;
    }
    return this.#frames;
  }
  #parse(): ParsedStack {
    if (this.#parsed) return this.#parsed;
    const frames = this.#structured();
    const prepare = ErrorClass.prepareStackTrace;
    let text: string;
    try {
      const prepared = prepare === undefined ? undefined : prepare(new Error('fray/leaks'), frames);
      text =
        typeof prepared === 'string'
          ? prepared
          : frames.map((frame) => `    at ${frame.toString()}`).join('\n');
    } catch {
      text = frames.map((frame) => `    at ${frame.toString()}`).join('\n');
    }
    this.#parsed = parseStack(text);
    return this.#parsed;
  }
  get origin(): Origin {
    if (this.#origin) return this.#origin;
    const locations: string[] = [];
    for (const frame of this.#structured()) {
      const file = frame.getFileName() ?? frame.getScriptNameOrSourceURL?.() ?? undefined;
      if (typeof file !== 'string' || file === '') continue;
      const location = frameLocation(`at ${file}:0:0`);
      if (location !== undefined) locations.push(location);
    }
    this.#origin = classify(locations).origin;
    return this.#origin;
  }
  get location(): string | undefined {
    return this.#parse().location;
  }
  get stack(): string {
    return this.#parse().stack;
  }
}

/**
 * Capture the current stack (up to `frames` frames above `skip`); nothing is formatted
 * until the site is read.
 */
export function captureSite(skip: (...args: never[]) => unknown, frames: number): CreationSite {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  captureStackTrace(holder, skip);
  Error.stackTraceLimit = limit;
  return new CapturedSite(holder);
}

/** A site read from an existing stack string (a rejection's reason, a mock's call site). */
export function siteFromStack(stack: string | undefined): CreationSite | undefined {
  if (stack === undefined || stack.length === 0) return undefined;
  return new TextSite(stack);
}

/** Show a location relative to the working directory when it lies inside it. */
export function displayLocation(location: string | undefined, cwd: string = process.cwd()): string {
  if (location === undefined) return 'an unknown place (no stack frame of your code was captured)';
  const prefix = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return location.startsWith(prefix) ? location.slice(prefix.length) : location;
}
