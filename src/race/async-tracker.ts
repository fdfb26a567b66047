/**
 * Sees every async resource a run creates (through `async_hooks`), so fray can tell
 * quiescence from bookkeeping instead of guessing: a queued `setImmediate` is waited for,
 * a socket opened by a wrapped pool means "real I/O in flight", and a file read started by a
 * task itself is *uncontrolled* work, reported with where it was created.
 *
 * The hook is enabled only while at least one exploration runs. Promises are ignored (they
 * are the microtasks the macrotask barrier already covers); everything else is attributed to
 * the run, task and zone whose frame was active when it was created.
 *
 * @module
 */
import { createHook } from 'node:async_hooks';
import { frames, type Frame } from './frames.ts';

/** A run that wants to hear about the async resources its code creates. */
export interface ResourceSink {
  /** A resource was created in `frame`; return `true` to hear about its `before`/`destroy`. */
  resourceInit(asyncId: number, type: string, frame: Frame): boolean;
  /** The resource's callback is about to run. */
  resourceBefore(asyncId: number): void;
  /** The resource is gone. */
  resourceDestroy(asyncId: number): void;
}

function isSink(value: unknown): value is ResourceSink {
  return typeof (value as Partial<ResourceSink> | undefined)?.resourceInit === 'function';
}

const tracked = new Map<number, ResourceSink>();

const hook = createHook({
  init(asyncId, type) {
    if (type === 'PROMISE') return;
    const frame = frames.getStore();
    if (frame === undefined || !isSink(frame.run)) return;
    if (frame.run.resourceInit(asyncId, type, frame)) tracked.set(asyncId, frame.run);
  },
  before(asyncId) {
    tracked.get(asyncId)?.resourceBefore(asyncId);
  },
  destroy(asyncId) {
    const sink = tracked.get(asyncId);
    if (sink === undefined) return;
    tracked.delete(asyncId);
    sink.resourceDestroy(asyncId);
  },
});

let users = 0;

/** Start observing (reference-counted: concurrent explorations share the hook). */
export function acquireTracker(): void {
  if (users++ === 0) hook.enable();
}

/** Stop observing when the last exploration ends. */
export function releaseTracker(): void {
  if (users > 0 && --users === 0) {
    hook.disable();
    tracked.clear();
  }
}

/** Forget the resources of a finished run. */
export function forgetSink(sink: ResourceSink): void {
  for (const [id, owner] of tracked) if (owner === sink) tracked.delete(id);
}

const INTERNAL =
  /\(node:|^\s*at node:|[\\/]src[\\/]race[\\/]|[\\/]dist[\\/]race[\\/]|[\\/]src[\\/]control[\\/]|[\\/]dist[\\/]control[\\/]/;

/**
 * Where the code running now was called from: up to three stack frames outside Node's
 * internals and fray/race itself, innermost first.
 */
export function creationSite(): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at ') && !INTERNAL.test(line));
  const outside = lines.filter((line) => !line.includes('node_modules'));
  const picked = (outside.length > 0 ? outside : lines).slice(0, 3);
  return picked.length > 0 ? picked.join(' ← ') : '(unknown site: only Node internals on the stack)';
}
