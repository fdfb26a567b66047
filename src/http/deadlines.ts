/**
 * Request timeouts without a timer per request: one timer per client, armed for the
 * earliest deadline of a list kept in deadline order. Adding and cancelling are O(1) for the
 * common case (every request of a client has the same timeout, so deadlines arrive in
 * order); a request that settles in time costs an unlink, not a `setTimeout`/`clearTimeout`.
 * The timer is not cleared when the list empties — it is unref'd (so it never keeps the
 * process alive for nothing) and re-used, which keeps back-to-back requests off the timer
 * heap.
 *
 * @module
 */

// Captured at module load: fray's own timeouts must fire even under a test's fake timers.
import { natives } from '../control/index.ts';
const realSetTimeout = natives.setTimeout;
const realClearTimeout = natives.clearTimeout;
const realNow = natives.performanceNow;

/** A pending deadline; `cancel()` when the guarded work finished in time. */
export interface Deadline {
  cancel(): void;
}

/** What a deadline calls when it expires. */
export interface Expiring {
  expire(): void;
}

class Node implements Deadline {
  prev: Node | undefined = undefined;
  next: Node | undefined = undefined;
  linked = true;
  readonly at: number;
  readonly target: Expiring;
  readonly #list: Deadlines;

  constructor(list: Deadlines, at: number, target: Expiring) {
    this.#list = list;
    this.at = at;
    this.target = target;
  }

  cancel(): void {
    this.#list.unlink(this);
  }
}

/** The deadlines of one client. */
export class Deadlines {
  #head: Node | undefined;
  #tail: Node | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  /** Call `target.expire()` after `ms` unless cancelled first. `Infinity` never expires. */
  add(ms: number, target: Expiring): Deadline {
    if (!Number.isFinite(ms)) return NEVER;
    const node = new Node(this, realNow() + ms, target);
    // Walk back from the tail: with one timeout per client this stops at once.
    let after = this.#tail;
    while (after !== undefined && after.at > node.at) after = after.prev;
    if (after === undefined) {
      node.next = this.#head;
      if (this.#head !== undefined) this.#head.prev = node;
      this.#head = node;
      if (this.#tail === undefined) this.#tail = node;
    } else {
      node.prev = after;
      node.next = after.next;
      if (after.next !== undefined) after.next.prev = node;
      else this.#tail = node;
      after.next = node;
    }
    if (node.at < this.#timerAt) this.#arm(node.at);
    else this.#timer?.ref();
    return node;
  }

  /** Cancel everything (the client closed). */
  clear(): void {
    this.#head = undefined;
    this.#tail = undefined;
    if (this.#timer !== undefined) realClearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  /** Remove a node (its `cancel()`). */
  unlink(node: Node): void {
    if (!node.linked) return;
    node.linked = false;
    if (node.prev !== undefined) node.prev.next = node.next;
    else this.#head = node.next;
    if (node.next !== undefined) node.next.prev = node.prev;
    else this.#tail = node.prev;
    node.prev = undefined;
    node.next = undefined;
    // Nothing left to guard: the timer may fire for nothing later, but must not keep the
    // process alive.
    if (this.#head === undefined) this.#timer?.unref();
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) realClearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = realSetTimeout(() => this.#fire(), Math.max(0, at - realNow()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const time = realNow();
    while (this.#head !== undefined && this.#head.at <= time) {
      const node = this.#head;
      this.unlink(node);
      node.target.expire();
    }
    // Later deadlines (requests that settled in the meantime were unlinked) re-arm lazily.
    if (this.#head !== undefined) this.#arm(this.#head.at);
  }
}

const NEVER: Deadline = { cancel: () => undefined };
