/**
 * The base of every error fray throws on purpose.
 *
 * Every failure has a stable `code` (`FRAY_…`) that scripts and tests can branch on, and a
 * message written for the person reading the test output: what happened, with context
 * (method, URL, mock name, label), and how to fix it. The original error is kept as
 * `cause`.
 *
 * @module
 */

/** A stable error code. Codes never change meaning once released. */
export type FrayErrorCode = `FRAY_${string}`;

/**
 * Brand shared by every copy of fray loaded in the process and across realms
 * (`Symbol.for` uses the agent-wide registry), so {@link isFrayError} works even when two
 * versions of fray, or a `vm` context, are involved.
 */
const BRAND: unique symbol = Symbol.for('fray.error') as never;

/** Options accepted by every fray error. */
export interface FrayErrorOptions {
  /** The underlying error, kept unchanged. */
  cause?: unknown;
  /** How to fix it; appended to the message on its own line. */
  fix?: string;
}

/**
 * Base class of all fray errors.
 *
 * @example
 * ```ts
 * try {
 *   await mock();
 * } catch (error) {
 *   if (isFrayError(error) && error.code === 'FRAY_MOCK_EXHAUSTED') {
 *     // the sequence ran out
 *   }
 * }
 * ```
 */
export class FrayError extends Error {
  /** Stable machine-readable code, e.g. `FRAY_MOCK_EXHAUSTED`. */
  readonly code: FrayErrorCode;
  /** The fix suggested to the user, also present in `message`. */
  readonly fix: string | undefined;
  declare readonly [BRAND]: true;

  constructor(code: FrayErrorCode, message: string, options: FrayErrorOptions = {}) {
    const full = options.fix === undefined ? message : `${message}\n  Fix: ${options.fix}`;
    super(full, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.fix = options.fix;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** Subclasses keep their own class name in stack traces and `util.inspect`. */
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * Whether `value` is an error thrown by fray, in any realm and from any copy of fray.
 *
 * @example
 * ```ts
 * expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_UNKNOWN_MEMBER');
 * ```
 */
export function isFrayError(value: unknown): value is FrayError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[BRAND] === true) return true;
  // A structured clone (worker message, IPC) loses the brand but keeps the shape.
  const code = (value as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    code.startsWith('FRAY_') &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
