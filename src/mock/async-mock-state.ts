/**
 * The state behind one `asyncMock()`: picking behaviour at call time, recording calls and
 * awaits, handing the call to a race controller when one is active, and holding calls for
 * `nextCall()`.
 *
 * @module
 */
import { activeController, markControlled } from '../control/index.ts';
import type { AssertionSubject } from './assertions.ts';
import type { PendingCall } from './async-mock-types.ts';
import { Behaviour, runStep, type Step } from './behaviour.ts';
import type { CallSite } from './call-site.ts';
import { CallRecord } from './call-record.ts';
import { MockPromise } from './mock-promise.ts';
import { notifyMockCall } from './observers.ts';
import { mockSettings } from './settings.ts';

// Captured at module load: fray's bookkeeping must survive tests that stub globals.
const NativePromise = Promise;
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(promise)
const nativeThen = NativePromise.prototype.then;

interface HeldCall {
  readonly record: CallRecord;
  readonly step: Step;
  readonly thisArg: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Key of the state on every async mock callable. */
export const STATE = Symbol('fray.asyncMock.state');

/** Shown in place of a call site that was not captured. */
export const NO_SITE =
  'call site not captured: calls past configureMocks({ callSiteLimit }) or with callSites off; raise the limit to see where';

/** Everything one async mock knows: behaviour, records, awaits, held calls. */
export class AsyncMockState {
  name: string;
  callSites: boolean | undefined;
  callSiteLimit: number | undefined;
  /** Calls that captured a call site, over the mock's lifetime (not reset by `reset()`). */
  captured = 0;
  readonly behaviour: Behaviour;
  records: CallRecord[] = [];
  awaits: unknown[][] = [];
  holding = false;
  held: HeldCall[] = [];
  waiters: ((call: HeldCall) => void)[] = [];
  #generation = 0;
  onConsume: (record: CallRecord) => void;

  constructor(
    name: string,
    initial: Step,
    callSites: boolean | undefined,
    callSiteLimit: number | undefined,
  ) {
    this.name = name;
    this.callSites = callSites;
    this.callSiteLimit = callSiteLimit;
    this.behaviour = new Behaviour(initial);
    this.onConsume = this.#listener();
  }

  #listener(): (record: CallRecord) => void {
    const generation = this.#generation;
    return (record) => {
      if (generation === this.#generation) this.awaits.push(record.args);
    };
  }

  resetCalls(): void {
    this.#generation++;
    this.onConsume = this.#listener();
    this.records = [];
    this.awaits = [];
  }

  /** Whether the next call captures its call site (and counts it against the limit). */
  wantsSite(): boolean {
    if (!(this.callSites ?? mockSettings.callSites)) return false;
    if (this.captured >= (this.callSiteLimit ?? mockSettings.callSiteLimit)) return false;
    this.captured++;
    return true;
  }

  invoke(thisArg: unknown, args: unknown[], site: CallSite | undefined): Promise<unknown> {
    const record = new CallRecord(this.name, this.records.length + 1, args, thisArg, site, this.onConsume);
    this.records.push(record);
    const step = this.behaviour.pick(args);
    let promise: MockPromise<unknown>;
    if (this.holding) {
      promise = MockPromise.track(record, (resolve, reject) => {
        this.#hand({ record, step, thisArg, resolve, reject });
      });
    } else {
      const controller = activeController();
      if (controller === undefined) {
        promise = this.#settle(record, step, thisArg, args);
      } else {
        const delivered = controller.run({ kind: 'mock', label: this.name, args }, () =>
          runStep(step, thisArg, args, this.name, record.index),
        );
        promise = markControlled(forward(record, delivered));
      }
    }
    record.promise = promise;
    notifyMockCall(record);
    return promise;
  }

  /**
   * Run the step now. A value (or a throw) settles the promise exactly as an `async`
   * function with that body would; a promise is forwarded with one `then`, one microtask
   * turn after it settles (adopting it, as an `async` wrapper does, would cost two).
   */
  #settle(record: CallRecord, step: Step, thisArg: unknown, args: unknown[]): MockPromise<unknown> {
    let outcome: unknown;
    try {
      outcome = runStep(step, thisArg, args, this.name, record.index);
    } catch (error) {
      record.fail(error);
      return MockPromise.track(record, (_, reject) => reject(error));
    }
    if (outcome instanceof NativePromise) return forward(record, outcome);
    if (isThenable(outcome)) {
      // A foreign thenable (a query builder…) may do work in `then`: call it exactly once.
      return forward(record, new NativePromise<unknown>((resolve) => resolve(outcome)));
    }
    record.fulfil(outcome);
    return MockPromise.track(record, (resolve) => resolve(outcome));
  }

  #hand(call: HeldCall): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.held.push(call);
    else waiter(call);
  }

  pending(call: HeldCall): PendingCall {
    let done = false;
    const once = (fn: () => void): void => {
      if (done) return;
      done = true;
      fn();
    };
    return {
      args: call.record.args,
      resolve: (value) =>
        once(() => {
          if (isThenable(value)) track(call.record, NativePromise.resolve(value));
          else call.record.fulfil(value);
          call.resolve(value);
        }),
      reject: (reason) =>
        once(() => {
          call.record.fail(reason);
          call.reject(reason);
        }),
      proceed: () =>
        once(() => {
          try {
            const outcome = runStep(call.step, call.thisArg, call.record.args, this.name, call.record.index);
            if (isThenable(outcome)) track(call.record, NativePromise.resolve(outcome));
            else call.record.fulfil(outcome);
            call.resolve(outcome);
          } catch (error) {
            call.record.fail(error);
            call.reject(error);
          }
        }),
    };
  }

  subject(): AssertionSubject {
    return { name: this.name, records: this.records, events: this.awaits, verb: 'awaited' };
  }

  /** The subject of the call assertions: every call counts, awaited or not. */
  callSubject(): AssertionSubject {
    return {
      name: this.name,
      records: this.records,
      events: this.records.map((record) => record.args),
      verb: 'called',
    };
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * A tracked promise that settles like `source`, one turn after it. Handling `source` here
 * does not handle the tracked promise: a rejection nobody consumes stays unhandled.
 */
function forward(record: CallRecord, source: Promise<unknown>): MockPromise<unknown> {
  return MockPromise.track(record, (resolve, reject) => {
    void nativeThen.call(
      source,
      (value) => {
        record.fulfil(value);
        resolve(value);
      },
      (reason) => {
        record.fail(reason);
        reject(reason);
      },
    );
  });
}

/** Record how `source` settles, for a held call resolved with a promise. */
function track(record: CallRecord, source: Promise<unknown>): void {
  void nativeThen.call(
    source,
    (value) => record.fulfil(value),
    (reason) => record.fail(reason),
  );
}

/** The state of an async mock callable. */
export function stateOf(mock: unknown): AsyncMockState {
  return (mock as { [STATE]: AsyncMockState })[STATE];
}
