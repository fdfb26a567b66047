/**
 * Plain types shared by the load generator's HTTP/1.1 client: where to connect, a request
 * ready to write, and the hooks a request reports through. No Node types, so fray/load's
 * public declarations stay free of them.
 *
 * @module
 */

/** Where to connect. */
export interface Endpoint {
  /** Resolved IP address to connect to. */
  readonly address: string;
  readonly port: number;
  /** `Host` header value. */
  readonly host: string;
  readonly tls: boolean;
  /** TLS: verify the server certificate. Default true. */
  readonly rejectUnauthorized?: boolean;
  /** TLS server name. */
  readonly servername?: string;
}

/** A request ready to write. */
export interface PreparedRequest {
  readonly bytes: Uint8Array;
  /** A HEAD request: no response body follows. */
  readonly head: boolean;
}

/** Hooks of one request: when it was written, and a way for the caller to cancel it. */
export interface RequestHooks {
  sentAt: number | undefined;
  cancel: (() => void) | undefined;
}
