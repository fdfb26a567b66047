/**
 * Errors raised by `fray/http`: the in-process client (`inject`), its requests and its
 * WebSockets.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

const ACCEPTED =
  'a node (req, res) listener (Express, Connect, Koa’s callback()), a Koa app, a Fastify instance, ' +
  'an object with .fetch (Hono), a fetch handler (Request) => Response, an http.Server, ' +
  'or a NestJS application';

/** `inject()` was given something it cannot dispatch requests into. */
export class HttpUnsupportedAppError extends FrayError {
  /** What was received, e.g. `an object (Http2Server)`. */
  readonly received: string;
  constructor(received: string, fix?: string) {
    super('FRAY_HTTP_UNSUPPORTED_APP', `inject() cannot drive ${received}. It accepts ${ACCEPTED}.`, {
      fix:
        fix ??
        'pass the app itself (not a promise of it, not a listening port); for a bare function whose kind cannot be guessed, set inject(app, { kind: "node" | "fetch" }).',
    });
    this.received = received;
  }
}

/** The app did not start responding (send its status and headers) within the timeout. */
export class HttpNoResponseError extends FrayError {
  /** The request method. */
  readonly method: string;
  /** The request URL. */
  readonly url: string;
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;
  constructor(method: string, url: string, pathname: string, timeout: number) {
    super(
      'FRAY_HTTP_NO_RESPONSE',
      `${method} ${pathname}: the app did not start responding within ${timeout} ms (no status line, no headers).`,
      {
        fix: 'make sure every path of the handler ends the response (res.end(), reply.send(), ctx.body =, return a Response) or calls next(error); if the handler is legitimately slow, raise `timeout` in inject(app, { timeout }) or in this request’s init.',
      },
    );
    this.method = method;
    this.url = url;
    this.timeout = timeout;
  }
}

/**
 * The app's handler threw (or its returned promise rejected) instead of responding. A real
 * Node server would turn a throwing `(req, res)` listener into an uncaught exception.
 */
export class HttpHandlerError extends FrayError {
  /** The request method. */
  readonly method: string;
  /** The request URL. */
  readonly url: string;
  constructor(method: string, url: string, pathname: string, problem: string, cause: unknown, fix?: string) {
    super('FRAY_HTTP_HANDLER_FAILED', `${method} ${pathname}: ${problem}`, {
      cause,
      fix:
        fix ??
        'handle the error in the app (error middleware, a try/catch that sends a 500); the original error is attached as `cause`.',
    });
    this.method = method;
    this.url = url;
  }
}

/** A request was made on, or was still running when someone closed, an `inject` client. */
export class HttpClientClosedError extends FrayError {
  /** The request method. */
  readonly method: string;
  /** The request URL. */
  readonly url: string;
  constructor(method: string, url: string, pathname: string, when: 'before' | 'during') {
    super(
      'FRAY_HTTP_CLIENT_CLOSED',
      when === 'before'
        ? `${method} ${pathname}: the inject client is closed.`
        : `${method} ${pathname}: the inject client was closed while the request was running.`,
      {
        fix: 'await every request (and read or cancel every streamed body) before the client is disposed; with `await using client = await inject(app)` the client closes when the enclosing block ends.',
      },
    );
    this.method = method;
    this.url = url;
  }
}

/** A request or client option that cannot work (e.g. both `json` and `body`). */
export class HttpUsageError extends FrayError {
  constructor(message: string, fix: string, cause?: unknown) {
    super('FRAY_HTTP_USAGE', message, cause === undefined ? { fix } : { fix, cause });
  }
}

/**
 * An options object given to `inject()` or `client.request()` has a key that is not one of its
 * options — usually a typo (`timout`), which would otherwise be ignored without a word.
 */
export class HttpUnknownOptionError extends FrayError {
  /** The key that is not an option, e.g. `timout`. */
  readonly option: string;
  /** The option it most likely meant, e.g. `timeout`, when one is close. */
  readonly suggestion: string | undefined;
  constructor(where: string, option: string, suggestion: string | undefined, known: readonly string[]) {
    super(
      'FRAY_HTTP_UNKNOWN_OPTION',
      `${where}: '${option}' is not an option${suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`}`,
      {
        fix:
          suggestion === undefined
            ? `remove it; the options are ${known.join(', ')}.`
            : `rename it to '${suggestion}' (the options are ${known.join(', ')}).`,
      },
    );
    this.option = option;
    this.suggestion = suggestion;
  }
}

/** The app's start-up or shut-down (Fastify `ready`/`close`, Nest `init`/`close`, hooks) failed. */
export class HttpLifespanError extends FrayError {
  /** Which phase failed. */
  readonly phase: 'startup' | 'shutdown';
  constructor(phase: 'startup' | 'shutdown', app: string, cause: unknown) {
    super('FRAY_HTTP_LIFESPAN', `${app}: ${phase === 'startup' ? 'start-up' : 'shut-down'} failed.`, {
      cause,
      fix:
        phase === 'startup'
          ? 'fix the failing plugin, module or start-up hook (the original error is the `cause`); the app cannot serve requests before its start-up succeeded.'
          : 'fix the failing close hook (the original error is the `cause`); to leave the app running after the client is disposed, pass inject(app, { lifespan: false }).',
    });
    this.phase = phase;
  }
}

/** `client.websocket()` on an app that has no HTTP server to upgrade connections on. */
export class HttpWebSocketUnsupportedError extends FrayError {
  constructor(app: string) {
    super(
      'FRAY_HTTP_WS_UNSUPPORTED',
      `client.websocket(): ${app} has no http.Server whose 'upgrade' event a WebSocket server could listen on.`,
      {
        fix: 'inject the http.Server your ws.WebSocketServer is attached to (inject(server)), a Fastify instance with @fastify/websocket, or a NestJS application.',
      },
    );
  }
}

/** The server answered a WebSocket handshake with something other than `101 Switching Protocols`. */
export class HttpWebSocketRejectedError extends FrayError {
  /** The status the server answered with (0 when it closed the connection without answering). */
  readonly status: number;
  /** The response body, as text. */
  readonly body: string;
  constructor(path: string, status: number, body: string, cause?: unknown) {
    const answer = status === 0 ? 'closed the connection without answering' : `answered ${status}`;
    const fix =
      'check the path, the upgrade route (e.g. { websocket: true } in Fastify) and any authentication the handshake needs (headers, cookies, protocols).';
    super(
      'FRAY_HTTP_WS_REJECTED',
      `WebSocket ${path}: the server ${answer} instead of 101 Switching Protocols${body ? `: ${body.slice(0, 200)}` : ''}.`,
      cause === undefined ? { fix } : { fix, cause },
    );
    this.status = status;
    this.body = body;
  }
}

/** `receive()` on an in-process WebSocket that is closed and has no message left. */
export class HttpWebSocketClosedError extends FrayError {
  /** The close code. */
  readonly closeCode: number;
  /** The close reason. */
  readonly reason: string;
  constructor(path: string, code: number, reason: string) {
    super(
      'FRAY_HTTP_WS_CLOSED',
      `WebSocket ${path}: closed (${code}${reason ? ` ${reason}` : ''}) with no message left to receive.`,
      {
        fix: 'assert on `ws.closed` when the server is expected to close, or check that the server sends what the test waits for before closing.',
      },
    );
    this.closeCode = code;
    this.reason = reason;
  }
}

/** `receive()` on an in-process WebSocket waited longer than its timeout. */
export class HttpWebSocketTimeoutError extends FrayError {
  constructor(path: string, timeout: number) {
    super('FRAY_HTTP_WS_TIMEOUT', `WebSocket ${path}: no message arrived within ${timeout} ms.`, {
      fix: 'check that the server sends the message the test waits for, or pass a larger { timeout } to receive().',
    });
  }
}
