/**
 * How a spec's members are typed once mocked. Library methods are often overloaded (pg's
 * `query`, ioredis's commands, the AWS SDK's `send` each have a promise form and a
 * callback form); TypeScript's `Parameters` and `ReturnType` see only the last overload, so
 * fray merges the overloads first: a member is an async mock when any overload returns a
 * promise, and its assertions accept any overload's arguments.
 *
 * @module
 */
import type { AnyFunction, AsyncMock } from './async-mock-types.ts';
import type { SyncMock } from './sync-mock.ts';

/** The signatures of `F` as `[args, result]` pairs (up to eight overloads). */
export type Signatures<F> = F extends {
  (...args: infer A1): infer R1;
  (...args: infer A2): infer R2;
  (...args: infer A3): infer R3;
  (...args: infer A4): infer R4;
  (...args: infer A5): infer R5;
  (...args: infer A6): infer R6;
  (...args: infer A7): infer R7;
  (...args: infer A8): infer R8;
}
  ? [A1, R1] | [A2, R2] | [A3, R3] | [A4, R4] | [A5, R5] | [A6, R6] | [A7, R7] | [A8, R8]
  : never;

type ArgsOf<S> = S extends [infer A extends any[], unknown] ? A : never;
type ResultOf<S> = S extends [unknown, infer R] ? R : never;

/**
 * What any overload of `F` returns. Some generic signatures (Prisma's model methods) do not
 * match the overload pattern at all; their `ReturnType` is the answer then.
 */
type Results<F extends AnyFunction> = [Signatures<F>] extends [never]
  ? ReturnType<F>
  : ResultOf<Signatures<F>>;

/**
 * `F` with its overloads merged into one signature: any overload's arguments, any
 * overload's result. A function with one signature is itself.
 *
 * @example
 * ```ts
 * declare function query(sql: string): Promise<Rows>;
 * declare function query(sql: string, done: (rows: Rows) => void): void;
 * type Q = Unified<typeof query>; // (...args: [string] | [string, (rows: Rows) => void]) => Promise<Rows> | void
 * ```
 */
export type Unified<F extends AnyFunction> = [Signatures<F>] extends [never]
  ? F
  : (...args: ArgsOf<Signatures<F>>) => ResultOf<Signatures<F>>;

/** Objects that stay values inside a mocked instance (their methods are not mocked). */
type Builtin =
  | Date
  | RegExp
  | Error
  | Promise<unknown>
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  | WeakMap<object, unknown>
  | WeakSet<object>
  | readonly unknown[]
  | ArrayBuffer
  | ArrayBufferView
  | URL;

/** How a member of `T` is mocked. */
export type MockedMember<V> = V extends AnyFunction
  ? [Extract<Results<V>, AsyncIterable<any>>] extends [never]
    ? [Extract<Results<V>, PromiseLike<any>>] extends [never]
      ? SyncMock<Unified<V>>
      : AsyncMock<Unified<V>>
    : SyncMock<Unified<V>>
  : V extends Builtin
    ? V
    : V extends object
      ? MockedObject<V>
      : V;

/**
 * A mocked `T`: usable wherever `T` is, with every method's mock API on it, and objects
 * with methods (an instance spec's `stripe.customers`) mocked in turn.
 */
export type MockedObject<T> = T & { -readonly [K in keyof T]: MockedMember<T[K]> };
