/**
 * What kind of function a spec member is, as far as the runtime can tell: `async`
 * (declared `async`, or a fray async mock from any copy of fray), `stream` (an async
 * generator), `sync` (a fray sync mock) or `unknown` — a plain function, which may well
 * return a promise (`getById(id) { return this.db.query(…) }`, and most library methods:
 * pg, ioredis, the AWS SDK, Stripe).
 *
 * @module
 */
import { mockView } from './mock-view.ts';

/** The kind of a function value. */
export type FunctionKind = 'async' | 'stream' | 'sync' | 'unknown';

/**
 * The kind of `fn` (see the module comment).
 *
 * @example
 * ```ts
 * functionKind(async () => 1); // 'async'
 * functionKind(asyncMock()); // 'async'
 * functionKind(pool.query); // 'unknown': a plain function that returns a promise
 * ```
 */
export function functionKind(fn: (...args: any[]) => unknown): FunctionKind {
  const view = mockView(fn);
  if (view !== undefined) return view.kind;
  // Read off the prototype chain, not `fn.constructor`: a class or a function object may
  // have an own `constructor` property that says nothing about its kind.
  const tag = Object.prototype.toString.call(fn);
  if (tag === '[object AsyncFunction]') return 'async';
  if (tag === '[object AsyncGeneratorFunction]') return 'stream';
  return 'unknown';
}
