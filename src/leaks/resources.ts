/**
 * Which async resources fray/leaks watches, which check each belongs to, and how to tell
 * from the resource itself whether it is still open. Node reports every resource to
 * `async_hooks` with a type name; the wrappers below read only long-stable fields
 * (`hasRef()`, `_destroyed`, `fd`, `getpeername`).
 *
 * @module
 */
import type { LeakKind } from './leak.ts';
import type { LeakCheck } from './options.ts';

/** How a watched resource type is treated. */
export interface ResourceClass {
  readonly check: LeakCheck;
  /** Handles stay open until closed; operations finish when their callback runs. */
  readonly role: 'handle' | 'operation';
  readonly kind: LeakKind;
}

const handle = (check: LeakCheck, kind: LeakKind): ResourceClass => ({ check, role: 'handle', kind });
const operation: ResourceClass = { check: 'lateActivity', role: 'operation', kind: 'operation' };

/**
 * Watched types. Deliberately absent: promises (not tracked at all: fray/leaks runs
 * `async_hooks` with `trackPromises: false`), `FILEHANDLE` (Node creates it in C++ outside any
 * async context; `fs.promises.open` is followed instead), `TickObject`/microtasks (they always run
 * before the test's end is checked), TLS/HTTP parser wraps (the socket under them is
 * reported), connect requests (the socket is), TTYs and signal handlers.
 */
export const RESOURCE_CLASSES: ReadonlyMap<string, ResourceClass> = new Map([
  ['Timeout', handle('timers', 'timeout')],
  ['Immediate', handle('timers', 'immediate')],
  ['TCPWRAP', handle('sockets', 'socket')],
  ['PIPEWRAP', handle('sockets', 'socket')],
  ['UDPWRAP', handle('sockets', 'socket')],
  ['TCPSERVERWRAP', handle('servers', 'server')],
  ['PIPESERVERWRAP', handle('servers', 'server')],
  ['PROCESSWRAP', handle('childProcesses', 'child process')],
  ['WORKER', handle('childProcesses', 'worker thread')],
  ['FSEVENTWRAP', handle('fileHandles', 'file watcher')],
  ['STATWATCHER', handle('fileHandles', 'file watcher')],
  ['FSREQCALLBACK', operation],
  ['FSREQPROMISE', operation],
  ['GETADDRINFOREQWRAP', operation],
  ['GETNAMEINFOREQWRAP', operation],
  ['QUERYWRAP', operation],
  ['PBKDF2REQUEST', operation],
  ['RANDOMBYTESREQUEST', operation],
  ['SCRYPTREQUEST', operation],
  ['HKDFREQUEST', operation],
  ['KEYGENREQUEST', operation],
  ['KEYPAIRGENREQUEST', operation],
  ['SECRETKEYGENREQUEST', operation],
  ['CHECKPRIMEREQUEST', operation],
  ['SIGNREQUEST', operation],
  ['VERIFYREQUEST', operation],
  ['HASHREQUEST', operation],
  ['CIPHERREQUEST', operation],
  ['DERIVEBITSREQUEST', operation],
]);

/**
 * Whether an operation is still waiting for its callback. `done` is set when the callback
 * ran. Crypto jobs also exist in a synchronous mode (`randomFillSync`, `pbkdf2Sync`…) where
 * no callback ever comes: only an asynchronous job has an `ondone` callback attached.
 */
export function isInFlight(type: string, resource: object, done: boolean): boolean {
  if (done) return false;
  if (type.endsWith('REQUEST')) return typeof (resource as { ondone?: unknown }).ondone === 'function';
  return true;
}

/** Shape of the Node objects read here; every field optional, nothing assumed. */
interface NodeResource {
  _destroyed?: boolean;
  _repeat?: number | null;
  _idleTimeout?: number;
  hasRef?: () => boolean;
  fd?: number;
  pid?: number;
  getpeername?: (out: { address?: string; port?: number }) => number;
  getsockname?: (out: { address?: string; port?: number }) => number;
}

/**
 * Whether a handle is still open. Timers count while scheduled (and, unless
 * `includeUnref`, referenced); other handles while referenced: an `unref()`ed socket is
 * one its owner parked on purpose (keep-alive pools do that).
 */
export function isOpen(type: string, resource: object, includeUnref: boolean): boolean {
  const r = resource as NodeResource;
  if (type === 'Timeout' || type === 'Immediate') {
    if (r._destroyed === true) return false;
    return includeUnref || typeof r.hasRef !== 'function' || r.hasRef();
  }
  return typeof r.hasRef === 'function' && r.hasRef();
}

function address(out: { address?: string; port?: number }): string {
  if (out.address === undefined) return '';
  return out.address.includes(':')
    ? `[${out.address}]:${out.port ?? ''}`
    : `${out.address}:${out.port ?? ''}`;
}

/** The kind shown for a handle, refined from the resource (an interval is a repeating Timeout). */
export function kindOf(type: string, resource: object, fallback: LeakKind): LeakKind {
  if (type === 'Timeout' && (resource as NodeResource)._repeat) return 'interval';
  return fallback;
}

/** One line saying what the open handle is. */
export function describeHandle(type: string, resource: object): string {
  const r = resource as NodeResource;
  switch (type) {
    case 'Timeout': {
      const ms = r._idleTimeout ?? 0;
      return r._repeat
        ? `setInterval (every ${ms} ms) still scheduled`
        : `setTimeout (${ms} ms) still pending`;
    }
    case 'Immediate':
      return 'setImmediate still pending';
    case 'TCPWRAP': {
      const peer: { address?: string; port?: number } = {};
      r.getpeername?.(peer);
      const to = address(peer);
      return to === '' ? 'TCP socket still open' : `TCP socket to ${to} still open`;
    }
    case 'PIPEWRAP':
      return 'IPC/pipe socket still open';
    case 'UDPWRAP':
      return 'UDP socket still open';
    case 'TCPSERVERWRAP': {
      const local: { address?: string; port?: number } = {};
      r.getsockname?.(local);
      const on = address(local);
      return on === '' ? 'TCP server still listening' : `TCP server listening on ${on} still open`;
    }
    case 'PIPESERVERWRAP':
      return 'IPC/pipe server still listening';
    case 'PROCESSWRAP':
      return typeof r.pid === 'number'
        ? `child process (pid ${r.pid}) still running`
        : 'child process still running';
    case 'WORKER':
      return 'worker thread still running';
    case 'FSEVENTWRAP':
      return 'fs.watch() watcher still open';
    case 'STATWATCHER':
      return 'fs.watchFile() watcher still open';
    default:
      return `${type} still open`;
  }
}

/** One line naming an operation that was still in flight. */
export function describeOperation(type: string): string {
  switch (type) {
    case 'FSREQCALLBACK':
      return 'fs operation (callback API) still in flight when the test ended';
    case 'FSREQPROMISE':
      return 'fs/promises operation still in flight when the test ended';
    case 'GETADDRINFOREQWRAP':
    case 'GETNAMEINFOREQWRAP':
    case 'QUERYWRAP':
      return 'DNS lookup still in flight when the test ended';
    default:
      return `crypto/${type.replace(/REQUEST$/, '').toLowerCase()} job still in flight when the test ended`;
  }
}
