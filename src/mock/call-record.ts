/**
 * One recorded call of a mock: its arguments, how its promise settled, whether the caller
 * consumed it, and where it was made.
 *
 * @module
 */
import { nextCallOrder } from './call-order.ts';
import type { CallSite } from './call-site.ts';
import type { ConsumptionSink } from './mock-promise.ts';

/** How a call's promise settled so far. */
export type CallResult<R> =
  | { readonly status: 'pending' }
  | { readonly status: 'fulfilled'; readonly value: R }
  | { readonly status: 'rejected'; readonly reason: unknown };

/** A call as tests and reporters see it. */
export interface MockCall<Args extends readonly unknown[] = unknown[], R = unknown> {
  /** The mock's name, e.g. `repo.getById`. */
  readonly mockName: string;
  /** 1-based position among the mock's calls since the last `reset()`. */
  readonly index: number;
  /** Process-wide order of the call among every fray mock's calls (increasing). */
  readonly order: number;
  /** The arguments of the call. */
  readonly args: Args;
  /** The promise handed to the caller (a `Promise`; reading it here does not consume it). */
  readonly promise: Promise<R>;
  /** How the promise settled so far. */
  readonly result: CallResult<R>;
  /** Whether the caller consumed the promise (await, then, Promise.all, return…). */
  readonly consumed: boolean;
  /** Where the call was made, when call sites are captured. */
  readonly callSite: CallSite | undefined;
}

/** Called back when a record's promise is consumed for the first time. */
export type ConsumeListener = (record: CallRecord) => void;

/** Internal mutable record; exposed to users through the {@link MockCall} view. */
export class CallRecord implements MockCall<any[], any>, ConsumptionSink {
  readonly mockName: string;
  readonly index: number;
  readonly order: number;
  readonly args: any[];
  /** The `this` of the call (Vitest/Jest `mock.contexts`). */
  readonly thisArg: unknown;
  readonly callSite: CallSite | undefined;
  promise!: Promise<any>;
  result: CallResult<any> = { status: 'pending' };
  consumed = false;
  readonly #onConsume: ConsumeListener;

  constructor(
    mockName: string,
    index: number,
    args: any[],
    thisArg: unknown,
    callSite: CallSite | undefined,
    onConsume: ConsumeListener,
  ) {
    this.mockName = mockName;
    this.index = index;
    this.order = nextCallOrder();
    this.args = args;
    this.thisArg = thisArg;
    this.callSite = callSite;
    this.#onConsume = onConsume;
  }

  consume(): void {
    if (this.consumed) return;
    this.consumed = true;
    this.#onConsume(this);
  }

  fulfil(value: unknown): void {
    this.result = { status: 'fulfilled', value };
  }

  fail(reason: unknown): void {
    this.result = { status: 'rejected', reason };
  }
}
