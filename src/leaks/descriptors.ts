/**
 * Raw file descriptors: `fs.open`/`fs.openSync` hand out plain numbers that no async
 * resource represents, and `fs.createReadStream`/`createWriteStream` open theirs the same
 * way. fray/leaks wraps those four `fs` functions (and re-syncs the ESM named exports) so
 * it can tell which test opened a descriptor that is still open; `fs/promises` FileHandles
 * are async resources and need none of this.
 *
 * The wrappers call the originals with the same arguments, in the same order, and add one
 * `AsyncLocalStorage` lookup (`createReadStream`/`createWriteStream` are wrapped too, to
 * carry their caller's line to the stream's own `fs.open`); `uninstall()` puts the
 * originals back.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** Told about each descriptor opened and closed. */
export interface DescriptorListener {
  /** A descriptor was opened; `token` is what `capture()` returned when the call was made. */
  opened(fd: number, path: string, token: unknown): void;
  closed(fd: number): void;
  /** Called synchronously when `fs.open`/`openSync` is called; undefined means "not watched". */
  capture(skip: (...args: never[]) => unknown): unknown;
}

type OpenCallback = (error: NodeJS.ErrnoException | null, fd: number) => void;

interface Originals {
  open: typeof fs.open;
  openSync: typeof fs.openSync;
  close: typeof fs.close;
  closeSync: typeof fs.closeSync;
  createReadStream: typeof fs.createReadStream;
  createWriteStream: typeof fs.createWriteStream;
}

/**
 * A stream opens its descriptor from a `process.nextTick` after construction, where no
 * frame of the caller is left on the stack: the site captured at `createReadStream()` /
 * `createWriteStream()` travels to that `fs.open` through this storage (used once).
 */
const streamSites = new AsyncLocalStorage<{ token: unknown; used: boolean }>();

let installed: { originals: Originals; wrappers: Originals } | undefined;

function pathText(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof URL) return path.pathname;
  if (Buffer.isBuffer(path)) return path.toString();
  return String(path);
}

/** Wrap the `fs` functions; idempotent per thread. */
export function installDescriptorTracking(listener: DescriptorListener): void {
  if (installed) return;
  const originals: Originals = {
    open: fs.open,
    openSync: fs.openSync,
    close: fs.close,
    closeSync: fs.closeSync,
    createReadStream: fs.createReadStream,
    createWriteStream: fs.createWriteStream,
  };

  const open = function open(this: unknown, path: fs.PathLike, ...rest: unknown[]): void {
    const callback = rest.at(-1);
    const inherited = streamSites.getStore();
    let token: unknown;
    if (inherited !== undefined && !inherited.used) {
      inherited.used = true;
      token = inherited.token;
    } else {
      token = listener.capture(open);
    }
    if (token === undefined || typeof callback !== 'function') {
      return Reflect.apply(originals.open, this, [path, ...rest]) as void;
    }
    const wrapped: OpenCallback = (error, fd) => {
      if (error === null && typeof fd === 'number') listener.opened(fd, pathText(path), token);
      (callback as OpenCallback)(error, fd);
    };
    return Reflect.apply(originals.open, this, [path, ...rest.slice(0, -1), wrapped]) as void;
  } as typeof fs.open;

  const openSync = function openSync(this: unknown, ...args: Parameters<typeof fs.openSync>): number {
    const token = listener.capture(openSync);
    const fd = originals.openSync.apply(this, args);
    if (token !== undefined) listener.opened(fd, pathText(args[0]), token);
    return fd;
  };

  const close = function close(this: unknown, fd: number, ...rest: unknown[]): void {
    if (typeof fd === 'number') listener.closed(fd);
    return Reflect.apply(originals.close, this, [fd, ...rest]) as void;
  } as typeof fs.close;

  const closeSync = function closeSync(this: unknown, fd: number): void {
    if (typeof fd === 'number') listener.closed(fd);
    originals.closeSync.call(this, fd);
  };

  const streamFactory = <F extends typeof fs.createReadStream | typeof fs.createWriteStream>(
    original: F,
  ): F => {
    const factory = function (this: unknown, ...args: unknown[]): unknown {
      const token = listener.capture(factory);
      if (token === undefined) return Reflect.apply(original, this, args);
      return streamSites.run({ token, used: false }, () => Reflect.apply(original, this, args));
    };
    return factory as unknown as F;
  };
  const createReadStream = streamFactory(originals.createReadStream);
  const createWriteStream = streamFactory(originals.createWriteStream);

  const wrappers: Originals = { open, openSync, close, closeSync, createReadStream, createWriteStream };
  Object.assign(fs, wrappers);
  syncBuiltinESMExports();
  installed = { originals, wrappers };
}

/** Put the original `fs` functions back (only those still ours). */
export function uninstallDescriptorTracking(): void {
  if (!installed) return;
  const { originals, wrappers } = installed;
  for (const name of Object.keys(originals) as (keyof Originals)[]) {
    if (fs[name] === wrappers[name]) Object.assign(fs, { [name]: originals[name] });
  }
  syncBuiltinESMExports();
  installed = undefined;
}
