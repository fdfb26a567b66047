/**
 * Where a mock was called from, captured cheaply: V8 records the frames at capture time
 * and formats them only when `stack` is read, which fray does only when it reports.
 *
 * @module
 */

// Captured at module load so a test that stubs Error cannot break fray's bookkeeping.
const captureStackTrace = Error.captureStackTrace.bind(Error);

/** A captured call site; formatted lazily. */
export interface CallSite {
  /** The first frame outside fray: `file:line:column`, or `undefined` if unknown. */
  readonly location: string | undefined;
  /** The captured frames, one per line. */
  readonly stack: string;
}

/** Frames kept per call: enough to get past framework code to the caller's line. */
const FRAMES = 6;

class LazyCallSite implements CallSite {
  readonly #holder: { stack?: string };
  constructor(holder: { stack?: string }) {
    this.#holder = holder;
  }
  get stack(): string {
    const stack = this.#holder.stack ?? '';
    const newline = stack.indexOf('\n');
    return newline === -1 ? '' : stack.slice(newline + 1);
  }
  get location(): string | undefined {
    for (const line of this.stack.split('\n')) {
      const frame = line.trim();
      if (!frame.startsWith('at ') || frame.includes('node:internal')) continue;
      const paren = frame.lastIndexOf('(');
      return paren === -1 ? frame.slice(3) : frame.slice(paren + 1, -1);
    }
    return undefined;
  }
}

/**
 * Capture the stack above `skip` (the mock function itself, so fray's frames never show).
 */
export function captureCallSite(skip: (...args: never[]) => unknown): CallSite {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  captureStackTrace(holder, skip);
  Error.stackTraceLimit = limit;
  return new LazyCallSite(holder);
}
