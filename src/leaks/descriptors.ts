/**
 * Files opened by a test. Raw descriptors from `fs.open`/`fs.openSync` are plain numbers
 * no async resource represents, `fs.createReadStream`/`createWriteStream` open theirs the
 * same way from a later tick, and `fs/promises` creates its `FileHandle` in C++ outside any
 * async context. So fray/leaks wraps these `fs` functions (and re-syncs the ESM named
 * exports of `node:fs` and `node:fs/promises`) to learn which test opened which file and
 * where.
 *
 * The wrappers call the originals with the same arguments and add one `AsyncLocalStorage`
 * lookup; `uninstallDescriptorTracking()` puts the originals back.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** Told about each file opened and closed. */
export interface DescriptorListener {
  /** Called synchronously when a file is being opened; `undefined` means "not watched". */
  capture(skip: (...args: never[]) => unknown): unknown;
  /** A descriptor was opened; `token` is what `capture()` returned for the call. */
  opened(fd: number, path: string, token: unknown): void;
  /** A descriptor was closed through `fs.close`/`fs.closeSync`. */
  closed(fd: number): void;
  /** A `fs/promises` FileHandle was opened (it knows itself whether it is closed: `fd` is -1). */
  openedHandle(handle: { readonly fd: number }, path: string, token: unknown): void;
}

type OpenCallback = (error: Error | null, fd: number) => void;

interface Originals {
  open: typeof fs.open;
  openSync: typeof fs.openSync;
  close: typeof fs.close;
  closeSync: typeof fs.closeSync;
  createReadStream: typeof fs.createReadStream;
  createWriteStream: typeof fs.createWriteStream;
  promisesOpen: typeof fs.promises.open;
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

function apply(functions: Originals): void {
  const { promisesOpen, ...sync } = functions;
  Object.assign(fs, sync);
  fs.promises.open = promisesOpen;
  syncBuiltinESMExports();
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
    promisesOpen: fs.promises.open,
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
      Reflect.apply(originals.open, this, [path, ...rest]);
      return;
    }
    const wrapped: OpenCallback = (error, fd) => {
      if (error === null && typeof fd === 'number') listener.opened(fd, pathText(path), token);
      (callback as OpenCallback)(error, fd);
    };
    Reflect.apply(originals.open, this, [path, ...rest.slice(0, -1), wrapped]);
  } as typeof fs.open;

  const openSync = function openSync(this: unknown, ...args: Parameters<typeof fs.openSync>): number {
    const token = listener.capture(openSync);
    const fd = originals.openSync.apply(this, args);
    if (token !== undefined) listener.opened(fd, pathText(args[0]), token);
    return fd;
  };

  const close = function close(this: unknown, fd: number, ...rest: unknown[]): void {
    if (typeof fd === 'number') listener.closed(fd);
    Reflect.apply(originals.close, this, [fd, ...rest]);
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

  const promisesOpen = function open(this: unknown, ...args: Parameters<typeof fs.promises.open>) {
    const token = listener.capture(promisesOpen);
    const opening = originals.promisesOpen.apply(this, args);
    if (token === undefined) return opening;
    return opening.then((handle) => {
      listener.openedHandle(handle, pathText(args[0]), token);
      return handle;
    });
  };

  const wrappers: Originals = {
    open,
    openSync,
    close,
    closeSync,
    createReadStream: streamFactory(originals.createReadStream),
    createWriteStream: streamFactory(originals.createWriteStream),
    promisesOpen,
  };
  apply(wrappers);
  installed = { originals, wrappers };
}

/** Put the original `fs` functions back (those still ours). */
export function uninstallDescriptorTracking(): void {
  if (!installed) return;
  const { originals, wrappers } = installed;
  const current: Originals = {
    open: fs.open,
    openSync: fs.openSync,
    close: fs.close,
    closeSync: fs.closeSync,
    createReadStream: fs.createReadStream,
    createWriteStream: fs.createWriteStream,
    promisesOpen: fs.promises.open,
  };
  const restored = { ...current };
  for (const name of Object.keys(originals) as (keyof Originals)[]) {
    if (current[name] === wrappers[name]) Object.assign(restored, { [name]: originals[name] });
  }
  apply(restored);
  installed = undefined;
}
