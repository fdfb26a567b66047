/**
 * The globals fray/race takes over while an exploration runs, each only for code running
 * inside a run (found through the frame storage) — everything else, including Vitest itself
 * and other tests running concurrently, keeps the real ones:
 *
 * - timers: `setTimeout`/`setInterval`/`clearTimeout`/`clearInterval` (global and
 *   `node:timers`) and `setTimeout` from `node:timers/promises` become *virtual*: a timer
 *   firing is a scheduler decision, time jumps instead of passing, nothing waits for real;
 * - clocks: `Date.now()` and `new Date()` read the run's virtual clock (in setup too, so seeded
 *   data agrees with the tasks), and so does `performance.now()` inside tasks;
 * - randomness: `Math.random()`, `crypto.randomUUID()`, `crypto.getRandomValues()`,
 *   `randomFillSync()` and synchronous `randomBytes()` come from a per-run seeded source,
 *   so every run of a scenario starts from the same world;
 * - `fetch`: each call becomes a controlled operation labelled `METHOD origin/path`
 *   (through `activeController()`, so any controller sees it);
 * - sockets: `net.Socket.prototype.write` and `push` (see `socket-patches.ts`).
 *
 * Installed when the first exploration starts and restored when the last one ends — except
 * the exports of `node:timers`, `node:timers/promises` and `node:crypto`: replaced once, at
 * the first exploration, by functions that call Node's own outside a run, and left in place.
 * Changing a builtin module's exports needs `syncBuiltinESMExports()` so ESM named imports
 * see them, which walks every loaded builtin: about 30 µs, twice per `explore()`, a tenth of
 * a short exploration's time. An export someone else replaced since is taken over again.
 *
 * @module
 */
import { syncBuiltinESMExports, createRequire } from 'node:module';
import type * as NodeCrypto from 'node:crypto';
import type * as NodeTimers from 'node:timers';
import type * as NodeTimersPromises from 'node:timers/promises';
import { activeController } from '../control/index.ts';
import { frames } from './frames.ts';
import { disableAwaitControl, enableAwaitControl } from './await-control.ts';
import { NativeDate, NativePromise, nativeThen } from './natives.ts';
import { patchSockets, unpatchSockets } from './socket-patches.ts';

/** What a run offers to the patched globals. */
export interface VirtualWorld {
  /** Still running: a finished run abandons new timers. */
  readonly live: boolean;
  /** Schedule a virtual timer; returns its handle. */
  addTimer(
    callback: (...args: unknown[]) => void,
    delay: number,
    args: readonly unknown[],
    repeat: boolean,
  ): VirtualTimer;
  /** Cancel a virtual timer. */
  cancelTimer(timer: VirtualTimer): void;
  /** Virtual wall clock, epoch milliseconds. */
  wallClock(): number;
  /** Virtual monotonic clock, milliseconds. */
  monotonic(): number;
  /** Seeded random float in [0, 1). */
  random(): number;
}

const HANDLE = Symbol('fray.race.timer');

/** The handle a virtual `setTimeout`/`setInterval` returns; shaped like Node's `Timeout`. */
export class VirtualTimer {
  readonly [HANDLE] = true;
  readonly id: number;
  readonly #cancel: (timer: VirtualTimer) => void;
  readonly #setRef: (ref: boolean) => void;
  #ref = true;

  constructor(id: number, cancel: (timer: VirtualTimer) => void, setRef: (ref: boolean) => void = () => {}) {
    this.id = id;
    this.#cancel = cancel;
    this.#setRef = setRef;
  }
  ref(): this {
    this.#ref = true;
    this.#setRef(true);
    return this;
  }
  /** An `unref()`ed virtual timer still fires at a decision, but is dropped without a note once every task settled. */
  unref(): this {
    this.#ref = false;
    this.#setRef(false);
    return this;
  }
  hasRef(): boolean {
    return this.#ref;
  }
  refresh(): this {
    return this;
  }
  close(): this {
    this.#cancel(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
  [Symbol.dispose](): void {
    this.#cancel(this);
  }
}

/**
 * The run whose virtual clock and randomness apply to the code running now: any zone but
 * `real` (a wrapped client's own work keeps the real world).
 */
function world(): VirtualWorld | undefined {
  const frame = frames.getStore();
  if (frame === undefined || frame.zone === 'real') return undefined;
  const run = frame.run as Partial<VirtualWorld> | undefined;
  return typeof run?.addTimer === 'function' ? (run as VirtualWorld) : undefined;
}

/**
 * The run whose virtual *timers* apply: only in the `task` zone. Setup is not scheduled, so
 * a library's timer created while building the world (a connection timeout) stays real.
 */
function timerWorld(): VirtualWorld | undefined {
  return frames.getStore()?.zone === 'task' ? world() : undefined;
}

const require = createRequire(import.meta.url);
// The CommonJS module objects are the mutable ones; syncBuiltinESMExports() mirrors them to ESM.
const timersModule = require('node:timers') as typeof NodeTimers;
const timersPromises = require('node:timers/promises') as typeof NodeTimersPromises;
const cryptoModule = require('node:crypto') as typeof NodeCrypto;

interface Saved {
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  setInterval: typeof setInterval;
  clearInterval: typeof clearInterval;
  modSetTimeout: typeof setTimeout;
  modClearTimeout: typeof clearTimeout;
  modSetInterval: typeof setInterval;
  modClearInterval: typeof clearInterval;
  promiseSetTimeout: typeof timersPromises.setTimeout;
  Date: DateConstructor;
  performanceNow: () => number;
  random: () => number;
  randomUUID: (() => string) | undefined;
  moduleRandomUUID: typeof cryptoModule.randomUUID;
  getRandomValues: typeof globalThis.crypto.getRandomValues | undefined;
  moduleGetRandomValues: typeof cryptoModule.getRandomValues;
  randomFillSync: typeof cryptoModule.randomFillSync;
  randomBytes: typeof cryptoModule.randomBytes;
  fetch: typeof fetch | undefined;
  abortTimeout: typeof AbortSignal.timeout;
}

let saved: Saved | undefined;
let users = 0;

function uuidFrom(random: () => number): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function fetchLabel(input: unknown, init: RequestInit | undefined): { label: string; url: string } {
  let url: string;
  let method = init?.method;
  if (typeof input === 'string') url = input;
  else if (input instanceof URL) url = input.href;
  else if (typeof input === 'object' && input !== null && 'url' in input) {
    const request = input as { url: unknown; method?: unknown };
    url = String(request.url);
    method ??= typeof request.method === 'string' ? request.method : 'GET';
  } else url = String(input);
  method = (method ?? 'GET').toUpperCase();
  let where: string;
  try {
    const parsed = new URL(url);
    where = `${parsed.origin}${parsed.pathname}`;
  } catch {
    where = url.split('?')[0] ?? url;
  }
  return { label: `${method} ${where}`, url };
}

function build(original: Saved): Record<string, unknown> {
  const setTimeoutV = function (this: unknown, callback: unknown, delay?: number, ...args: unknown[]) {
    const w = timerWorld();
    if (w === undefined || typeof callback !== 'function')
      return Reflect.apply(original.setTimeout, this, [callback, delay, ...args]) as unknown;
    return w.addTimer(callback as (...a: unknown[]) => void, delay ?? 0, args, false);
  };
  const setIntervalV = function (this: unknown, callback: unknown, delay?: number, ...args: unknown[]) {
    const w = timerWorld();
    if (w === undefined || typeof callback !== 'function')
      return Reflect.apply(original.setInterval, this, [callback, delay, ...args]) as unknown;
    return w.addTimer(callback as (...a: unknown[]) => void, delay ?? 0, args, true);
  };
  const clearV = (real: (handle: any) => void) =>
    function (handle: unknown): void {
      if (typeof handle === 'object' && handle !== null && HANDLE in handle) (handle as VirtualTimer).close();
      else real(handle);
    };
  const promiseSetTimeoutV = function (
    this: unknown,
    delay?: number,
    value?: unknown,
    options?: { signal?: AbortSignal },
  ): Promise<unknown> {
    const w = timerWorld();
    if (w === undefined)
      return Reflect.apply(original.promiseSetTimeout, this, [delay, value, options]) as Promise<unknown>;
    const signal = options?.signal;
    return new NativePromise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortError(signal));
        return;
      }
      const timer = w.addTimer(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        delay ?? 1,
        [],
        false,
      );
      const onAbort = (): void => {
        timer.close();
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };
  const DateV = new Proxy(original.Date, {
    construct(target, args, newTarget) {
      const w = args.length === 0 ? world() : undefined;
      return Reflect.construct(target, w === undefined ? args : [w.wallClock()], newTarget) as object;
    },
    apply(target, thisArg, args) {
      const w = world();
      if (w === undefined) return Reflect.apply(target, thisArg, args) as string;
      return new NativeDate(w.wallClock()).toString();
    },
    get(target, prop, receiver) {
      if (prop === 'now') return dateNowV;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const realNow = original.Date.now.bind(original.Date);
  const dateNowV = function now(): number {
    return world()?.wallClock() ?? realNow();
  };
  // A monotonic clock measures durations: libraries called while building the world (a
  // database engine's runtime) must see it advance, so only tasks get the virtual one.
  const performanceNowV = function now(): number {
    return timerWorld()?.monotonic() ?? original.performanceNow();
  };
  const randomV = function random(): number {
    return world()?.random() ?? original.random();
  };
  const randomUUIDV = function randomUUID(this: unknown, ...args: unknown[]): string {
    const w = world();
    if (w !== undefined) return uuidFrom(() => w.random());
    return Reflect.apply(original.moduleRandomUUID, this, args) as string;
  };
  // Bytes for ids and nonces (uuid@8 draws from crypto.randomFillSync): seeded in a run, like
  // Math.random, so a run's world does not change with the machine's entropy.
  const fill = <T extends ArrayBufferView>(w: VirtualWorld, view: T): T => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(w.random() * 256);
    return view;
  };
  const getRandomValuesV = function getRandomValues<T extends ArrayBufferView | null>(
    this: unknown,
    view: T,
  ): T {
    const w = world();
    if (w === undefined || view === null || !ArrayBuffer.isView(view))
      return Reflect.apply(original.moduleGetRandomValues, globalThis.crypto, [view]) as T;
    return fill(w, view);
  };
  const randomFillSyncV = function randomFillSync(
    this: unknown,
    buffer: ArrayBufferView,
    offset?: number,
    size?: number,
  ) {
    const w = world();
    if (w === undefined || !ArrayBuffer.isView(buffer))
      return Reflect.apply(original.randomFillSync, cryptoModule, [buffer, offset, size]) as ArrayBufferView;
    const start = offset ?? 0;
    const length = size ?? buffer.byteLength - start;
    fill(w, new Uint8Array(buffer.buffer, buffer.byteOffset + start, length));
    return buffer;
  };
  const randomBytesV = function randomBytes(this: unknown, size: number, callback?: unknown) {
    const w = world();
    if (w === undefined || typeof callback === 'function' || typeof size !== 'number')
      return Reflect.apply(original.randomBytes, cryptoModule, [size, callback]) as Buffer;
    return fill(w, Buffer.alloc(size));
  };
  const globalRandomUUIDV = function randomUUID(this: unknown): string {
    const w = world();
    if (w !== undefined) return uuidFrom(() => w.random());
    const real: () => string = original.randomUUID ?? original.moduleRandomUUID;
    return real();
  };
  const realFetch = original.fetch;
  const fetchV =
    realFetch === undefined
      ? undefined
      : function fetch(input: unknown, init?: RequestInit): Promise<Response> {
          const controller = activeController();
          const frame = frames.getStore();
          if (controller === undefined || frame?.zone === 'real')
            return Reflect.apply(realFetch, globalThis, [input, init]) as Promise<Response>;
          const { label, url } = fetchLabel(input, init);
          // The label says method and path already; the query string is what it leaves out.
          return controller.run({ kind: 'fetch', label, args: url.includes('?') ? [url] : [] }, () =>
            nativeThen.call(
              Reflect.apply(realFetch, globalThis, [input, init]) as Promise<Response>,
              buffered,
            ),
          ) as Promise<Response>;
        };
  // AbortSignal.timeout() arms an internal timer the global setTimeout never sees: in a task it
  // gets a virtual one (unref()ed, as Node's is), so a timeout is a decision like any other.
  const abortTimeoutV = function timeout(this: unknown, delay: number): AbortSignal {
    const w = timerWorld();
    if (w === undefined || typeof delay !== 'number' || !(delay >= 0))
      return Reflect.apply(original.abortTimeout, AbortSignal, [delay]);
    const controller = new AbortController();
    w.addTimer(
      () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      delay,
      [],
      false,
    ).unref();
    return controller.signal;
  };
  return {
    setTimeout: setTimeoutV,
    setInterval: setIntervalV,
    clearTimeout: clearV(original.clearTimeout),
    clearInterval: clearV(original.clearInterval),
    modSetTimeout: setTimeoutV,
    modSetInterval: setIntervalV,
    modClearTimeout: clearV(original.modClearTimeout),
    modClearInterval: clearV(original.modClearInterval),
    promiseSetTimeout: promiseSetTimeoutV,
    Date: DateV,
    performanceNow: performanceNowV,
    random: randomV,
    randomUUID: globalRandomUUIDV,
    moduleRandomUUID: randomUUIDV,
    getRandomValues: getRandomValuesV,
    moduleGetRandomValues: getRandomValuesV,
    randomFillSync: randomFillSyncV,
    randomBytes: randomBytesV,
    fetch: fetchV,
    abortTimeout: abortTimeoutV,
  };
}

const NativeResponse = globalThis.Response;

/**
 * A fetch's body is read within its operation, before the response is delivered: the bytes
 * arrive while fray waits for the operation's real work, never later in a turn fray did not
 * choose. The task gets an equivalent `Response` over the buffered body (same status,
 * headers, `url`, `redirected`, `type`). An event stream, which may never end, is delivered
 * as it is.
 */
async function buffered(response: Response): Promise<Response> {
  if (
    response.body === null ||
    response.status < 200 ||
    /text\/event-stream/i.test(response.headers.get('content-type') ?? '')
  )
    return response;
  const body = await response.arrayBuffer();
  const copy = new NativeResponse([204, 205, 304].includes(response.status) ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  for (const key of ['url', 'redirected', 'type'] as const)
    Object.defineProperty(copy, key, { value: response[key], enumerable: true });
  return copy;
}

function abortError(signal: AbortSignal | undefined): Error {
  const error = new Error('The operation was aborted', { cause: signal?.reason });
  error.name = 'AbortError';
  return error;
}

interface Slot {
  readonly object: object;
  readonly key: string;
}

function slots(): Record<keyof Saved, Slot> {
  const at = (object: object, key: string): Slot => ({ object, key });
  return {
    setTimeout: at(globalThis, 'setTimeout'),
    clearTimeout: at(globalThis, 'clearTimeout'),
    setInterval: at(globalThis, 'setInterval'),
    clearInterval: at(globalThis, 'clearInterval'),
    modSetTimeout: at(timersModule, 'setTimeout'),
    modClearTimeout: at(timersModule, 'clearTimeout'),
    modSetInterval: at(timersModule, 'setInterval'),
    modClearInterval: at(timersModule, 'clearInterval'),
    promiseSetTimeout: at(timersPromises, 'setTimeout'),
    Date: at(globalThis, 'Date'),
    performanceNow: at(performance, 'now'),
    random: at(Math, 'random'),
    randomUUID: at(globalThis.crypto, 'randomUUID'),
    moduleRandomUUID: at(cryptoModule, 'randomUUID'),
    getRandomValues: at(globalThis.crypto, 'getRandomValues'),
    moduleGetRandomValues: at(cryptoModule, 'getRandomValues'),
    randomFillSync: at(cryptoModule, 'randomFillSync'),
    randomBytes: at(cryptoModule, 'randomBytes'),
    fetch: at(globalThis, 'fetch'),
    abortTimeout: at(AbortSignal, 'timeout'),
  };
}

interface Installed {
  readonly slot: Slot;
  readonly replacement: unknown;
  /** The own property descriptor before fray touched it (undefined: inherited or absent). */
  readonly before: PropertyDescriptor | undefined;
}

const installed: Installed[] = [];

/** The builtin modules whose exports fray replaces once and keeps (see the module's TSDoc). */
const MODULE_OBJECTS: ReadonlySet<object> = new Set([timersModule, timersPromises, cryptoModule]);
/** fray's replacement in each builtin module slot, by key (installed once, kept). */
const kept = new Map<string, unknown>();

interface SlotEntry {
  readonly key: keyof Saved;
  readonly slot: Slot;
  /** A builtin module's export (replaced once and kept). */
  readonly inModule: boolean;
}

/**
 * The slots, built again only when an object holding some of them is another one than last
 * time (a test environment's own `performance` or `crypto`): building twenty slots and their
 * entries was a fifth of what taking over the globals cost.
 */
let slotList: { readonly holders: readonly object[]; readonly entries: readonly SlotEntry[] } | undefined;

function slotEntries(): readonly SlotEntry[] {
  const holders = slotList?.holders;
  if (
    holders !== undefined &&
    holders[0] === performance &&
    holders[1] === globalThis.crypto &&
    holders[2] === AbortSignal &&
    holders[3] === Math
  )
    return (slotList as { entries: readonly SlotEntry[] }).entries;
  const entries = (Object.entries(slots()) as [keyof Saved, Slot][]).map(([key, slot]): SlotEntry => ({
    key,
    slot,
    inModule: MODULE_OBJECTS.has(slot.object),
  }));
  slotList = { holders: [performance, globalThis.crypto, AbortSignal, Math], entries };
  return entries;
}

/**
 * The last takeover's originals and replacements, used again while every slot holds the same
 * value on the same object: binding and building them anew was most of what taking over the
 * globals cost, once per `explore()` call. `targets` are where each slot was written then and
 * the descriptor found there (`null`: not a slot fray took over), used again while they still
 * describe the slot — asking for a descriptor again only allocated the same one.
 */
let last:
  | {
      readonly entries: readonly SlotEntry[];
      readonly found: readonly unknown[];
      readonly saved: Saved;
      readonly replacements: Record<string, unknown>;
      readonly targets: (Target | null)[];
    }
  | undefined;

function current(slot: Slot): unknown {
  return (slot.object as Record<string, unknown>)[slot.key];
}

/**
 * Take over the globals (reference-counted). The values found now are the ones delegated to
 * outside runs, so a `fetch` mock or fake timers installed before `explore()` keep working.
 */
export function acquireGlobals(): void {
  if (users++ > 0) return;
  const entries = slotEntries();
  const found = entries.map(({ slot }) => current(slot));
  let same = last !== undefined && last.entries === entries;
  for (let i = 0; same && i < found.length; i++) same = found[i] === last?.found[i];
  if (!same || last === undefined) {
    const original = {} as Record<keyof Saved, unknown>;
    entries.forEach(({ key, slot }, i) => {
      const value = found[i];
      original[key] =
        typeof value === 'function' && key !== 'Date'
          ? (value as (...args: unknown[]) => unknown).bind(slot.object)
          : value;
    });
    saved = original as unknown as Saved;
    last = { entries, found, saved, replacements: build(saved), targets: entries.map(() => null) };
  } else saved = last.saved;
  const { replacements, targets } = last;
  // Kept module exports call the module's own functions outside a run, never a global that
  // was there at the time (fake timers installed before this exploration).
  let moduleReplacements: Record<string, unknown> | undefined;
  let moduleChanged = false;
  for (let i = 0; i < entries.length; i++) {
    const { key, slot, inModule } = entries[i] as SlotEntry;
    // Still fray's from an earlier exploration: it already calls what was there before it.
    if (inModule && kept.has(key) && found[i] === kept.get(key)) continue;
    const target = targetOf(targets[i] ?? null, slot);
    const before = target.before;
    // A slot the platform sealed (Vitest's own crypto object, a frozen global, node:crypto's
    // getRandomValues accessor) keeps its own — checked before building anything for it: such
    // a module slot is never kept, so every call built all the module's replacements (twenty
    // closures) only to leave that one slot alone.
    if (before?.configurable === false || !Object.isExtensible(target.object)) continue;
    const replacement = inModule
      ? (moduleReplacements ??= build({
          ...saved,
          setTimeout: saved.modSetTimeout,
          setInterval: saved.modSetInterval,
        }))[key]
      : replacements[key];
    if (replacement === undefined) continue;
    // A plain writable property is assigned (cheaper than defining it, the same attributes).
    if (!isPlain(before) || !assign(target, replacement))
      Object.defineProperty(target.object, target.key, {
        value: replacement,
        writable: true,
        configurable: true,
        enumerable: before?.enumerable ?? false,
      });
    if (inModule) {
      kept.set(key, replacement);
      moduleChanged = true;
    } else {
      targets[i] = target;
      installed.push({ slot: target, replacement, before });
    }
  }
  patchSockets();
  enableAwaitControl();
  if (moduleChanged) syncBuiltinESMExports();
}

/** Where fray writes a slot's replacement, and that property's descriptor before it did. */
interface Target extends Slot {
  /** The own descriptor on `object` (undefined: none, fray defines one and deletes it after). */
  readonly before: PropertyDescriptor | undefined;
}

/**
 * Where to put a slot's replacement: on its object when the property is its own; else on the
 * prototype that holds it when that one is a plain writable property (\`performance.now\`,
 * \`crypto.randomUUID\`: assigning a prototype's method and back costs nothing, defining an own
 * property on the object and deleting it again changed its shape twice per call); else an own
 * property defined on the object. \`known\` is the target of the last takeover, used again
 * while it still describes the slot (same value: the caller checked).
 */
function targetOf(known: Target | null, slot: Slot): Target {
  const { object, key } = slot;
  const own = Object.hasOwn(object, key);
  if (known !== null && isPlain(known.before)) {
    if (known.object === object && own) return known;
    if (known.object !== object && !own && Object.getPrototypeOf(object) === known.object) return known;
  }
  if (own) return { object, key, before: Object.getOwnPropertyDescriptor(object, key) };
  const holder = Object.getPrototypeOf(object) as object | null;
  const inherited = holder === null ? undefined : Object.getOwnPropertyDescriptor(holder, key);
  if (holder !== null && isPlain(inherited) && Object.isExtensible(holder))
    return { object: holder, key, before: inherited };
  return { object, key, before: undefined };
}

/** An own data property that is writable and configurable: assigning it keeps every attribute. */
function isPlain(descriptor: PropertyDescriptor | undefined): boolean {
  return (
    descriptor !== undefined &&
    'value' in descriptor &&
    descriptor.writable === true &&
    descriptor.configurable === true
  );
}

/**
 * Assign a slot; `false` when it refuses (code in the run redefined it as read-only, keeping
 * fray's value): the caller then defines it back as it was.
 */
function assign(slot: Slot, value: unknown): boolean {
  try {
    (slot.object as Record<string, unknown>)[slot.key] = value;
    return true;
  } catch {
    return false;
  }
}

/** Give the globals back when the last exploration ends (only those still fray's). */
export function releaseGlobals(): void {
  if (users === 0 || --users > 0) return;
  for (const { slot, replacement, before } of installed.splice(0)) {
    if ((slot.object as Record<string, unknown>)[slot.key] !== replacement) continue;
    if (before === undefined) delete (slot.object as Record<string, unknown>)[slot.key];
    else if (!isPlain(before) || !assign(slot, before.value))
      Object.defineProperty(slot.object, slot.key, before);
  }
  unpatchSockets();
  disableAwaitControl();
  saved = undefined;
}

/** Whether fray's globals are installed (for tests). */
export function globalsInstalled(): boolean {
  return users > 0;
}
