/**
 * Sees every async resource a run creates (through `async_hooks`), so fray can tell
 * quiescence from bookkeeping instead of guessing: a queued `setImmediate` is waited for,
 * a socket opened by a wrapped pool means "real I/O in flight", and a file read started by a
 * task itself is *uncontrolled* work, reported with where it was created.
 *
 * The hooks are enabled while explorations run, and until the next macrotask after the last one
 * ends (explorations one after another in a turn share them). Promises are not tracked as
 * resources (they are the microtasks the macrotask barrier already covers): V8's promise hook
 * only counts their reactions and notices a task resumed outside fray's turns. Everything else
 * is attributed to the run, task and zone whose frame was active when it was created.
 *
 * @module
 */
import { AsyncResource, createHook, executionAsyncResource } from 'node:async_hooks';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isPromise } from 'node:util/types';
import { promiseHooks } from 'node:v8';
import { frames, type Frame } from './frames.ts';

// Captured at load (natives.ts imports this module, so it cannot be imported from there).
const NativePromiseCtor = Promise;
const resolved = Promise.resolve();

/** A run that wants to hear about the async resources its code creates. */
export interface ResourceSink {
  /**
   * A resource was created in `frame`; return `true` to hear about its `before`/`destroy`.
   * `resource` is the handle itself (a `Timeout` can be asked whether it was `unref()`ed).
   */
  resourceInit(asyncId: number, type: string, frame: Frame, resource: object): boolean;
  /** The resource's callback is about to run. */
  resourceBefore(asyncId: number): void;
  /** The resource is gone. */
  resourceDestroy(asyncId: number): void;
  /**
   * Code of one of the run's tasks is running in a turn fray did not start: a promise it
   * awaits was settled by work fray does not control. `turn` is the resource whose callback
   * began the turn (a TCP handle, a file request, a real timer), when known.
   */
  resumedOutside(frame: Frame, turn: object | undefined, turnId: number): void;
}

function isSink(value: unknown): value is ResourceSink {
  return typeof (value as Partial<ResourceSink> | undefined)?.resourceInit === 'function';
}

const tracked = new Map<number, ResourceSink>();

/*
 * Turns. A turn is one macrotask callback and the microtasks it queues. fray takes every
 * decision in a turn it started itself (the Immediate of its quiescence barrier), and
 * Immediates or ticks queued during such a turn continue it deterministically. Every other
 * callback — socket data, a file request, DNS, a real timer, a handle older than the
 * exploration — starts a *foreign* turn: task code that runs there was resumed by the
 * outside world, not by a decision, and the run records it.
 */
const continuing = new Set<number>();
/** Ticks and Immediates queued in a foreign turn continue it: the id of the turn's root. */
const inherited = new Map<number, number>();
let turnControlled = false;
let turnResource: object | undefined;
let turnId = 0;
let startingBarrier = false;
const HTTP_RESOURCE = /^HTTP(?:Client|Server)AsyncResource$/;

/** The turn running now: whether fray started it, and the resource that began it if not. */
export function currentTurn(): {
  readonly controlled: boolean;
  readonly resource: object | undefined;
  readonly id: number;
} {
  return { controlled: turnControlled, resource: turnResource, id: turnId };
}

/** Whether the current turn is one fray started (`currentTurn().controlled`, without an object). */
export function inControlledTurn(): boolean {
  return turnControlled;
}

/**
 * Take the running turn as one fray started. Only right after `drainMicrotasks()` found the
 * microtask queue dry with no tick pending: nothing queued before now is left to run in this
 * turn, so what runs in it from now on is what fray's next decision causes — as in the turn of
 * a barrier's Immediate. A run's first decision is taken so in the turn of the `explore()`
 * call, without a macrotask; anything from outside still comes in a turn of its own, which the
 * hook hears as not fray's.
 */
export function claimTurn(): void {
  turnControlled = true;
  turnResource = undefined;
}

/**
 * Decisions taken in the running turn without a macrotask, over every run and every
 * `explore()` call in it: a new turn starts it again. Bounded by the caller (`Quiescence`), so
 * a loop of short runs or calls still lets timers, I/O and Node's end-of-turn work (the
 * unhandled-rejection queue) in.
 */
let decisionsInTurn = 0;

/** How many decisions were taken in the running turn without a macrotask. */
export function turnDecisions(): number {
  return decisionsInTurn;
}

/** A decision is taken in the running turn without a macrotask. */
export function countTurnDecision(): void {
  decisionsInTurn++;
}

/** Create fray's own barrier Immediate: the turn it starts is where decisions are taken. */
export function startBarrier(schedule: () => void): void {
  startingBarrier = true;
  try {
    schedule();
  } finally {
    startingBarrier = false;
  }
}

/** Callbacks (promise reactions, ticks, Immediates…) begun since the tracker started. */
let callbacks = 0;
/** `process.nextTick` callbacks queued and not yet run. */
const ticks = new Set<number>();

/**
 * A promise reaction is about to run (a `then` callback, or an `await` resuming). Heard
 * through V8's promise hooks: Node's async hooks would also give every promise an async id
 * and a context stack entry: about 70 ns per reaction against 20 ns (a loop of awaits, best
 * of five).
 */
function promiseBefore(): void {
  callbacks++;
  if (turnControlled) return;
  const frame = frames.getStore();
  if (frame?.zone === 'task' && isSink(frame.run)) frame.run.resumedOutside(frame, turnResource, turnId);
}

const hook = createHook({
  init(asyncId, type, _trigger, resource: object) {
    // A Node without the `trackPromises` option reports promises here too.
    if (type === 'PROMISE') return;
    if (type === 'TickObject') ticks.add(asyncId);
    if (type === 'Immediate' || type === 'TickObject') {
      if (startingBarrier || turnControlled) continuing.add(asyncId);
      else if (turnId !== 0) inherited.set(asyncId, turnId);
    }
    const frame = frames.getStore();
    if (frame === undefined || !isSink(frame.run)) return;
    if (frame.run.resourceInit(asyncId, type, frame, resource)) {
      tracked.set(asyncId, frame.run);
      if (!destroyEnabled) {
        destroyEnabled = true;
        destroyHook.enable();
      }
    }
  },
  before(asyncId) {
    const resource = executionAsyncResource();
    if (isPromise(resource)) {
      // Only where Node ignores `trackPromises`: heard here, in the order Node's own context
      // switch (AsyncLocalStorage without async context frames) needs.
      if (!UNTRACKED_PROMISES) promiseBefore();
      return;
    }
    callbacks++;
    if (ticks.size > 0) ticks.delete(asyncId);
    // An AsyncResource (AsyncLocalStorage.snapshot(), AsyncResource.bind) or Node's HTTP
    // message resources switch context synchronously inside the turn that is running: they
    // begin no turn.
    if (!(resource instanceof AsyncResource) && !HTTP_RESOURCE.test(resource.constructor.name)) {
      // Immediates and ticks run once: what they continue is read here, and forgotten.
      turnControlled = continuing.delete(asyncId);
      decisionsInTurn = 0;
      const root = inherited.get(asyncId);
      if (root !== undefined) inherited.delete(asyncId);
      if (root === undefined) {
        turnResource = turnControlled ? undefined : resource;
        turnId = asyncId;
      } else turnId = root;
    }
    tracked.get(asyncId)?.resourceBefore(asyncId);
  },
  trackPromises: false,
});
let stopPromiseHook: (() => void) | undefined;

/**
 * Whether this Node honours `trackPromises: false` (24.x of 2026 does; 22 ignores unknown
 * options). Where it does not, promises still come through the async hook and are heard there,
 * with AsyncLocalStorage's context already switched — a V8 promise hook could run before it.
 */
const UNTRACKED_PROMISES = ((): boolean => {
  let promises = 0;
  const probe = createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises++;
    },
    trackPromises: false,
  }).enable();
  void NativePromiseCtor.resolve().then(() => undefined);
  probe.disable();
  return promises === 0;
})();

/*
 * A `destroy` hook makes Node track the destruction of every promise (a weak reference per
 * promise: a third of the cost of an await point). fray needs to hear only of the resources it
 * tracks, which are not promises, and Node reports a handle's destruction to the destroy hooks
 * enabled when it happens: so this hook is on only while a tracked resource exists.
 */
let destroyEnabled = false;
const destroyHook = createHook({
  destroy(asyncId) {
    const sink = tracked.get(asyncId);
    if (sink === undefined) return;
    tracked.delete(asyncId);
    sink.resourceDestroy(asyncId);
    if (tracked.size === 0 && destroyEnabled) {
      destroyEnabled = false;
      destroyHook.disable();
    }
  },
});

let users = 0;
/** Whether the hooks are on: from the first acquire until a macrotask after the last release. */
let hooksOn = false;
let offQueued = false;
// Captured at load, as every timer fray's bookkeeping uses (natives.ts imports this module).
const nativeSetImmediate = setImmediate;

/**
 * Message ports listening when the hooks went on (`MessagePort` in Node's active resources: a
 * port with a `message` listener — a worker's, a `MessageChannel`'s — keeps the process alive).
 */
let portsAtStart = 0;

function listeningPorts(): number {
  let ports = 0;
  for (const kind of process.getActiveResourcesInfo()) if (kind === 'MessagePort') ports++;
  return ports;
}

/**
 * How many more message ports listen now than when the hooks went on: a task waiting on a
 * worker thread or a port created before the exploration (its answer comes through one) —
 * work fray does not see, so no deadlock can be told while one listens. Read only when no
 * decision is left.
 */
export function portsListeningSinceStart(): number {
  return Math.max(0, listeningPorts() - portsAtStart);
}

/** Start observing (reference-counted: concurrent explorations share the hook). */
export function acquireTracker(): void {
  if (users++ === 0 && !hooksOn) {
    portsAtStart = listeningPorts();
    hooksOn = true;
    hook.enable();
    if (UNTRACKED_PROMISES) stopPromiseHook = promiseHooks.onBefore(promiseBefore) as () => void;
  }
}

/**
 * Stop observing when the last exploration ends: no run hears anything any more, and the turn
 * is nobody's. The hooks themselves stay on until a macrotask begins with no exploration
 * running, so a loop of explorations in one turn turns them on and off once, not at every
 * call — about 3 µs a call (Node rebuilds its hook lists, V8 its promise hook). While they are
 * on they keep counting what they count (ticks still pending, a new turn beginning), which
 * the next exploration reads.
 */
export function releaseTracker(): void {
  if (users > 0 && --users === 0) {
    if (destroyEnabled) {
      destroyEnabled = false;
      destroyHook.disable();
    }
    tracked.clear();
    forgetTurn();
    if (!offQueued) {
      offQueued = true;
      nativeSetImmediate(hooksOffIfIdle).unref();
    }
  }
}

/** Whether the hooks are on (for tests). */
export function trackerHooksOn(): boolean {
  return hooksOn;
}

function hooksOffIfIdle(): void {
  offQueued = false;
  if (users > 0 || !hooksOn) return;
  hooksOn = false;
  hook.disable();
  stopPromiseHook?.();
  stopPromiseHook = undefined;
  ticks.clear();
  continuing.clear();
  inherited.clear();
  forgetTurn();
}

/** The running turn is nobody's: no exploration claims it, and none is named foreign. */
function forgetTurn(): void {
  turnControlled = false;
  turnId = 0;
  turnResource = undefined;
}

/**
 * Resolve once the microtask queue has run dry, without leaving the turn: a reaction queued
 * at the back of the queue runs after everything queued before it, and when it is the only
 * callback that ran since the previous one was queued, nothing else was left. `false` when a
 * `process.nextTick` is pending (it runs after the microtasks) or the queue kept refilling:
 * the caller then waits for a macrotask instead. Needs the tracker enabled (it counts
 * callbacks through the hook).
 */
export async function drainMicrotasks(): Promise<boolean> {
  // Each pass is one `await`: its resumption is the one callback expected. (A promise and
  // two closures per pass and per call before, at every step of every run.)
  for (let passes = 0; passes <= 64; passes++) {
    const before = callbacks;
    await resolved;
    if (ticks.size > 0) return false;
    if (callbacks - before === 1) return true;
  }
  return false;
}

/** Forget the resources of a finished run. */
export function forgetSink(sink: ResourceSink): void {
  for (const [id, owner] of tracked) if (owner === sink) tracked.delete(id);
  if (tracked.size === 0 && destroyEnabled) {
    destroyEnabled = false;
    destroyHook.disable();
  }
}

/** fray's own source tree (`src/` or `dist/`): the folder above this capability. */
const FRAY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FRAY_ROOT_URL = pathToFileURL(FRAY_ROOT).href;
const NODE_FRAME = /\(node:|^at node:|\(<anonymous>\)|^at <anonymous>/;
const FRAY_OWN = /[\\/](race|control)[\\/]/;
const NOT_FRAY_CODE = /\.test\.|[\\/]fixtures[\\/]/;

function inFray(line: string): boolean {
  return (line.includes(FRAY_ROOT_URL) || line.includes(FRAY_ROOT)) && !NOT_FRAY_CODE.test(line);
}

/** The stack of the code running now, one trimmed `at …` line per frame, innermost first. */
export function stackLines(): string[] {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return (holder.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
}

/**
 * Whether the innermost frame outside Node's internals is fray's own code (fray/http's
 * request deadlines, fray/db's session bookkeeping): async work fray keeps for itself, which
 * never decides what the application observes.
 */
export function createdByFray(lines: readonly string[]): boolean {
  const first = lines.find((line) => !NODE_FRAME.test(line) && !(inFray(line) && FRAY_OWN.test(line)));
  return first !== undefined && inFray(first);
}

/**
 * Where the code running now was called from: up to three stack frames outside Node's
 * internals and fray/race itself, innermost first.
 */
export function creationSite(lines: readonly string[] = stackLines()): string {
  const relevant = lines.filter((line) => !NODE_FRAME.test(line) && !(inFray(line) && FRAY_OWN.test(line)));
  const outside = relevant.filter((line) => !line.includes('node_modules'));
  const picked = (outside.length > 0 ? outside : relevant).slice(0, 3);
  return picked.length > 0 ? picked.join(' ← ') : '(unknown site: only Node internals on the stack)';
}
