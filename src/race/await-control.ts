/**
 * The runtime half of automatic control: what an instrumented `await` (see
 * `instrument/transform.ts`) calls while an exploration runs. In a task, the awaited value is
 * handed to the run, which delivers it at a decision; anywhere else — setup, check, a wrapped
 * client's own work, code outside any run — the value is awaited as written.
 *
 * @module
 */
import { frames, type Frame } from './frames.ts';
import { NativePromise } from './natives.ts';
import { awaitSlot } from './instrument/slot.ts';

/** A run that can make an await a scheduling point. */
interface AwaitWorld {
  awaitPoint(value: unknown, site: string, frame: Frame): unknown;
}

function world(frame: Frame | undefined): AwaitWorld | undefined {
  if (frame === undefined || frame.zone !== 'task') return undefined;
  const run = frame.run as Partial<AwaitWorld> | undefined;
  return typeof run?.awaitPoint === 'function' ? (run as AwaitWorld) : undefined;
}

function awaitAt(value: unknown, site: string): unknown {
  const frame = frames.getStore();
  return world(frame)?.awaitPoint(value, site, frame as Frame) ?? value;
}

type AnyIterator = {
  next(...args: unknown[]): unknown;
  return?(...args: unknown[]): unknown;
  throw?(...args: unknown[]): unknown;
};

/**
 * `for await (x of iterable)`: each step (`next()`, and `return()` when the loop exits early)
 * is awaited through {@link awaitAt}. A synchronous iterable is adapted the way `for await`
 * adapts it: each value is awaited.
 */
function iterateAt(iterable: unknown, site: string): unknown {
  if (world(frames.getStore()) === undefined || iterable === null || iterable === undefined) return iterable;
  const source = iterable as {
    [Symbol.asyncIterator]?: () => AnyIterator;
    [Symbol.iterator]?: () => AnyIterator;
  };
  const asyncFactory = source[Symbol.asyncIterator];
  const syncFactory = source[Symbol.iterator];
  if (typeof asyncFactory !== 'function' && typeof syncFactory !== 'function') return iterable;
  return {
    [Symbol.asyncIterator](): AnyIterator {
      const inner: AnyIterator =
        typeof asyncFactory === 'function'
          ? asyncFactory.call(iterable)
          : (syncFactory as () => AnyIterator).call(iterable);
      const step = (result: unknown): unknown => {
        if (typeof asyncFactory === 'function') return result;
        const { value, done } = result as { value: unknown; done?: boolean };
        return NativePromise.resolve(value).then((settled) => ({ value: settled, done: done === true }));
      };
      const iterator: AnyIterator = { next: (...args) => awaitAt(step(inner.next(...args)), site) };
      if (typeof inner.return === 'function') {
        const close = inner.return.bind(inner);
        iterator.return = (...args) => awaitAt(step(close(...args)), site);
      }
      if (typeof inner.throw === 'function') {
        const fail = inner.throw.bind(inner);
        iterator.throw = (...args) => awaitAt(step(fail(...args)), site);
      }
      return iterator;
    },
  };
}

/** Make instrumented awaits scheduling points (reference-counted with the explorations). */
export function enableAwaitControl(): void {
  awaitSlot.a = awaitAt;
  awaitSlot.i = iterateAt;
  awaitSlot.on = true;
}

/** Instrumented awaits are plain awaits again. */
export function disableAwaitControl(): void {
  awaitSlot.on = false;
}

/** Whether a loader hook or bundler plugin instruments modules in this process. */
export function awaitsInstrumented(): boolean {
  return awaitSlot.installed;
}

/** Modules with awaits that could not be parsed, and so run uninstrumented. */
export function uninstrumentedModules(): readonly string[] {
  return awaitSlot.skipped ?? [];
}
