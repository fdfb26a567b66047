/**
 * `ctl.wrap(target, label)`: make any object or function a source of controlled operations
 * — a `pg` pool, a repository, a Redis client, an SDK. Each call of one of its async methods
 * asks `activeController()`; inside an exploration the call becomes an operation labelled
 * `label.method` whose start and delivery fray schedules. Outside one the call goes straight
 * through, so the same wrapped object serves `setup` and `check`.
 *
 * Methods run with the real object as `this` (private `#fields` keep working). Results of
 * `connect`-like methods (a pool's client) are wrapped too, labelled `label.connect()`.
 *
 * @module
 */
import { activeController, markControlled } from '../control/index.ts';
import { RaceUsageError } from '../errors/index.ts';
import { frames } from './frames.ts';
import { isThenable, NativePromise, nativeThen } from './natives.ts';

/** Options of `ctl.wrap()`. */
export interface WrapOptions {
  /**
   * Only these methods are controlled; the others pass through. Default: every function
   * member except the synchronous ones fray knows (EventEmitter methods, `release`,
   * `escapeLiteral`/`escapeIdentifier`, `then`, `toString`…), names starting with `_`, and
   * capitalised names (constructors).
   */
  readonly methods?: readonly string[];
  /** Methods that pass through uncontrolled, on top of the defaults. Default: none. */
  readonly exclude?: readonly string[];
  /**
   * Methods whose resolved value is wrapped too (labelled `label.method()`), such as a pool's
   * `connect()` returning a client. Default: `['connect', 'acquire', 'getConnection']`.
   */
  readonly results?: readonly string[];
}

const SYNC_MEMBERS = new Set([
  'on',
  'once',
  'off',
  'addListener',
  'removeListener',
  'removeAllListeners',
  'prependListener',
  'prependOnceListener',
  'emit',
  'listeners',
  'rawListeners',
  'listenerCount',
  'eventNames',
  'setMaxListeners',
  'getMaxListeners',
  'release',
  'escapeLiteral',
  'escapeIdentifier',
  'then',
  'catch',
  'finally',
  'toString',
  'toLocaleString',
  'toJSON',
  'valueOf',
  'inspect',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'constructor',
  'ref',
  'unref',
  'hasRef',
]);

const DEFAULT_RESULTS = ['connect', 'acquire', 'getConnection'];
/** Methods that return a chainable builder whose `exec` runs it (Redis transactions, pipelines). */
const BUILDERS = new Set(['multi', 'pipeline', 'batch']);
const WRAPPED = Symbol.for('fray.race.wrapped');

function controlledMember(name: string, options: WrapOptions): boolean {
  if (options.methods !== undefined) return options.methods.includes(name);
  if (options.exclude?.includes(name) === true) return false;
  if (SYNC_MEMBERS.has(name) || name.startsWith('_')) return false;
  const first = name.charAt(0);
  return !(first !== first.toLowerCase());
}

function validate(target: unknown, label: unknown): void {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null)
    throw new RaceUsageError(
      `ctl.wrap() needs an object or a function, got ${target === null ? 'null' : typeof target}.`,
      'pass the client itself, e.g. ctl.wrap(pool, "db").',
    );
  if (typeof label !== 'string' || label.length === 0)
    throw new RaceUsageError(
      'ctl.wrap() needs a label: replay strings and reports name operations by it.',
      "pass a short stable name, e.g. ctl.wrap(pool, 'db') — calls then read 'db.query'.",
    );
}

/**
 * Run a pass-through call (`release()`, `on()`) as the client's own work: in the `real` zone,
 * so what the library does there — a pool arming its idle timer, closing a socket — keeps
 * real timers and is not mistaken for uncontrolled work of the task.
 */
function asRealWork<R>(fn: () => R): R {
  const frame = frames.getStore();
  if (frame === undefined || frame.zone === 'real') return fn();
  return frames.run({ run: frame.run, task: frame.task, op: undefined, zone: 'real' }, fn);
}

function controlledCall(
  label: string,
  invoke: (args: unknown[]) => unknown,
  args: unknown[],
  wrapResult: ((value: unknown) => unknown) | undefined,
): unknown {
  const controller = activeController();
  if (controller === undefined) {
    const result = asRealWork(() => invoke(args));
    if (wrapResult === undefined || !isThenable(result)) return result;
    return nativeThen.call(NativePromise.resolve(result), wrapResult);
  }
  const callback = args.at(-1);
  if (typeof callback === 'function')
    return callbackCall(
      controller,
      label,
      invoke,
      args.slice(0, -1),
      callback as (...results: unknown[]) => unknown,
    );
  const delivered = controller.run({ kind: 'wrap', label, args }, () => invoke(args));
  return wrapResult === undefined ? delivered : markControlled(nativeThen.call(delivered, wrapResult));
}

/**
 * A callback-style call (`query(text, cb)`, a session store's `get(sid, cb)`) is an operation
 * too: the method runs when the schedule starts it, and the caller's callback runs when it
 * delivers. The call itself returns `undefined` (what such methods return): its result comes
 * through the callback. A method that throws instead calls the callback with the error.
 */
function callbackCall(
  controller: NonNullable<ReturnType<typeof activeController>>,
  label: string,
  invoke: (args: unknown[]) => unknown,
  head: unknown[],
  callback: (...results: unknown[]) => unknown,
): undefined {
  let answered = false;
  const delivered = controller.run(
    { kind: 'wrap', label, args: head },
    () =>
      new NativePromise<unknown[]>((resolve) => {
        invoke([
          ...head,
          (...results: unknown[]) => {
            // A second call (progress, a stream) is passed on as it comes.
            if (answered) Reflect.apply(callback, undefined, results);
            answered = true;
            resolve(results);
          },
        ]);
      }),
  );
  void nativeThen.call(
    delivered,
    (results: unknown[]) => Reflect.apply(callback, undefined, results),
    (error: unknown) => Reflect.apply(callback, undefined, [error]),
  );
  return undefined;
}

/**
 * Wrap `target` so its async calls are controlled operations labelled `label.method`
 * (or `label` for a function).
 *
 * @example
 * ```ts
 * const result = await explore({
 *   setup: (ctl) => ({ accounts: new AccountRepository(ctl.wrap(pool, 'db')) }),
 *   tasks: ({ accounts }) => [() => accounts.withdraw(1, 30), () => accounts.withdraw(1, 50)],
 * });
 * ```
 */
export function wrap<T>(target: T, label: string, options: WrapOptions = {}): T {
  validate(target, label);
  if ((target as Record<symbol, unknown>)[WRAPPED] === true) return target;
  const results = options.results ?? DEFAULT_RESULTS;
  if (typeof target === 'function') {
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return new Proxy(fn, {
      apply(real, thisArg, args: unknown[]) {
        return controlledCall(label, (call) => Reflect.apply(real, thisArg, call), args, undefined);
      },
      get(real, prop, receiver) {
        if (prop === WRAPPED) return true;
        return Reflect.get(real, prop, receiver) as unknown;
      },
    }) as T;
  }
  const object = target as object;
  const cache = new Map<PropertyKey, { source: unknown; wrapped: unknown }>();
  const proxy: object = new Proxy(object, {
    get(real, prop) {
      if (prop === WRAPPED) return true;
      const value = Reflect.get(real, prop, real) as unknown;
      if (typeof value !== 'function') return value;
      const cached = cache.get(prop);
      if (cached !== undefined && cached.source === value) return cached.wrapped;
      const method = value as (...args: unknown[]) => unknown;
      const name = typeof prop === 'symbol' ? (prop.description ?? 'symbol') : prop;
      let wrapped: unknown;
      if (typeof prop === 'string' && BUILDERS.has(name) && options.methods === undefined) {
        // A builder (`multi()`, `pipeline()`) returns a chainable object at once: it stays
        // chainable, and what it runs (`exec`) is the operation.
        wrapped = function (this: unknown, ...args: unknown[]) {
          const builder = asRealWork(() => Reflect.apply(method, real, args));
          return typeof builder === 'object' && builder !== null && !isThenable(builder)
            ? wrap(builder, `${label}.${name}()`, { methods: ['exec', 'execBuffer', 'execAsPipeline'] })
            : builder;
        };
      } else if (typeof prop === 'string' && controlledMember(name, options)) {
        const wrapResult = results.includes(name)
          ? (resolved: unknown) =>
              typeof resolved === 'object' && resolved !== null
                ? wrap(resolved, `${label}.${name}()`, options)
                : resolved
          : undefined;
        wrapped = function (this: unknown, ...args: unknown[]) {
          return controlledCall(
            `${label}.${name}`,
            (call) => Reflect.apply(method, real, call),
            args,
            wrapResult,
          );
        };
      } else if (typeof prop === 'string' && /^[A-Z]/.test(prop)) {
        wrapped = value;
      } else {
        wrapped = function (this: unknown, ...args: unknown[]) {
          const result = asRealWork(() => Reflect.apply(method, this === proxy ? real : this, args));
          return result === real ? proxy : result;
        };
      }
      cache.set(prop, { source: value, wrapped });
      return wrapped;
    },
  });
  return proxy as T;
}
