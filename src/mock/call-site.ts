/**
 * Where a mock was called from, captured as cheaply as V8 allows: an `Error` created with
 * a small frame limit (V8 walks the frames at creation and formats them only when `stack`
 * is read, which fray does only when it reports). Still 1–2 µs per call, so mocks capture
 * call sites for their first calls only (see `configureMocks`).
 *
 * @module
 */

import { fileURLToPath } from 'node:url';

// Captured at module load so a test that stubs Error cannot break fray's bookkeeping.
const ErrorCtor = Error;

/** A captured call site; formatted lazily. */
export interface CallSite {
  /** The first frame outside fray: `file:line:column`, or `undefined` if unknown. */
  readonly location: string | undefined;
  /** The captured frames, one per line. */
  readonly stack: string;
}

/** Frames kept above the caller: enough to get past framework code to the user's line. */
const FRAMES = 6;
/** fray's own frames at the top of every capture: `captureCallSite` and the mock callable. */
const OWN_FRAMES = 2;

// fray's own modules that forward a call to a mock (the proxy of a member whose kind is
// decided late): their frames sit between the mock and the caller.
const OWN_DIR = fileURLToPath(new URL('.', import.meta.url));
const FORWARDERS = ['adaptive-mock.ts', 'adaptive-mock.js'].map((file) => `${OWN_DIR}${file}`);

function isForwarder(frame: string): boolean {
  return FORWARDERS.some((file) => frame.includes(file));
}

class LazyCallSite implements CallSite {
  readonly #error: Error;
  constructor(error: Error) {
    this.#error = error;
  }
  get stack(): string {
    const lines = (this.#error.stack ?? '').split('\n');
    return lines.slice(1 + OWN_FRAMES).join('\n');
  }
  get location(): string | undefined {
    for (const line of this.stack.split('\n')) {
      const frame = line.trim();
      if (!frame.startsWith('at ') || frame.includes('node:internal') || isForwarder(frame)) continue;
      const paren = frame.lastIndexOf('(');
      return paren === -1 ? frame.slice(3) : frame.slice(paren + 1, -1);
    }
    return undefined;
  }
}

/** Capture the current stack; must be called directly by the mock callable (see OWN_FRAMES). */
export function captureCallSite(): CallSite {
  const limit = ErrorCtor.stackTraceLimit;
  ErrorCtor.stackTraceLimit = FRAMES + OWN_FRAMES;
  const error = new ErrorCtor();
  ErrorCtor.stackTraceLimit = limit;
  return new LazyCallSite(error);
}
