/**
 * `mockAsyncIterable(items)`: an async iterable for `for await`, streams and cursors, whose
 * `next()`/`return()` calls are async mocks — awaited-aware and asserted like any other.
 *
 * @module
 */
import { asyncMock, type AsyncMock } from './async-mock.ts';

/** One iteration in progress over a {@link MockAsyncIterable}. */
interface Cursor {
  position: number;
  closed: boolean;
}

/** An async iterable over fixed items, with every step tracked. */
export interface MockAsyncIterable<T> extends AsyncIterableIterator<T, undefined, undefined> {
  /** The name used in messages. */
  readonly mockName: string;
  /** How many iterations were started (`[Symbol.asyncIterator]()` calls). */
  readonly iterations: number;
  /** How many items were delivered, across iterations. */
  readonly yielded: number;
  /** Whether some iteration ran to the end. */
  readonly completed: boolean;
  /** Whether some iteration was closed early (`break`, `return`, a throw in the loop body). */
  readonly closedEarly: boolean;
  /** `next()` as an async mock: `iterable.next.awaitCount`, `assertAwaited()`… */
  readonly next: AsyncMock<() => IteratorResult<T, undefined>>;
  /** `return()` as an async mock: called when a `for await` loop exits early. */
  readonly return: AsyncMock<() => IteratorResult<T, undefined>>;
  /** `await using` closes the iteration, as it would an async generator. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * An async iterable over `items`. An `Error` item makes that `next()` reject, as a
 * generator that throws mid-stream would. Each `for await` starts a fresh iteration; the
 * iterable is also its own iterator, so it can stand in for an async generator object.
 *
 * @example
 * ```ts
 * const rows = mockAsyncIterable([{ id: 1 }, { id: 2 }, new Error('connection reset')]);
 * await expect(consume(rows)).rejects.toThrow('connection reset');
 * expect(rows.yielded).toBe(2);
 * rows.next.assertAwaited();
 * ```
 */
export function mockAsyncIterable<T>(
  items: Iterable<T | Error>,
  options: { name?: string } = {},
): MockAsyncIterable<T> {
  const list = [...items];
  const name = options.name ?? 'mockAsyncIterable';
  let iterations = 0;
  let yielded = 0;
  let completed = false;
  let closedEarly = false;
  // The default cursor serves direct `iterable.next()` calls (the iterable as a generator).
  let current: Cursor = { position: 0, closed: false };

  const next = asyncMock(
    (): IteratorResult<T, undefined> => {
      const cursor = current;
      if (cursor.closed || cursor.position >= list.length) {
        if (!cursor.closed) completed = true;
        cursor.closed = true;
        return { value: undefined, done: true };
      }
      const item = list[cursor.position++];
      if (item instanceof Error) {
        cursor.closed = true;
        throw item;
      }
      yielded++;
      return { value: item as T, done: false };
    },
    { name: `${name}.next` },
  );
  const close = asyncMock(
    (): IteratorResult<T, undefined> => {
      if (!current.closed && current.position < list.length) closedEarly = true;
      current.closed = true;
      return { value: undefined, done: true };
    },
    { name: `${name}.return` },
  );

  const iterable: MockAsyncIterable<T> = {
    get mockName() {
      return name;
    },
    get iterations() {
      return iterations;
    },
    get yielded() {
      return yielded;
    },
    get completed() {
      return completed;
    },
    get closedEarly() {
      return closedEarly;
    },
    next,
    return: close,
    [Symbol.asyncIterator]() {
      iterations++;
      current = { position: 0, closed: false };
      return iterable;
    },
    async [Symbol.asyncDispose]() {
      await close();
    },
  };
  return iterable;
}
