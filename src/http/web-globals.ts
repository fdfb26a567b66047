/**
 * The fetch classes as they were when fray loaded. Some libraries replace them on
 * `globalThis` (`@hono/node-server` swaps in its own `Request`/`Response` by default); fray
 * keeps building and recognising the runtime's own, and converts anything else.
 *
 * @module
 */

/** The runtime's `Request`. */
export const NativeRequest: typeof Request = globalThis.Request;
/** The runtime's `Response`. */
export const NativeResponse: typeof Response = globalThis.Response;
/** The runtime's `Headers`. */
export const NativeHeaders: typeof Headers = globalThis.Headers;
