/**
 * Domain errors the HTTP layer maps to status codes.
 *
 * @module
 */

/** 404: the resource does not exist. */
export class NotFoundError extends Error {
  readonly status = 404;
}

/** 409: the request conflicts with the current state (duplicate email, not enough stock). */
export class ConflictError extends Error {
  readonly status = 409;
}

/** 502: the marketplace provider failed or answered nonsense. */
export class UpstreamError extends Error {
  readonly status = 502;
}

/** 503: the provider's circuit is open; try again later. */
export class UnavailableError extends Error {
  readonly status = 503;
}

/** 401: no usable marketplace token for the user. */
export class UnauthorizedError extends Error {
  readonly status = 401;
}
