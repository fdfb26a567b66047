/**
 * fray in Jest, through the test environment — Jest's documented extension point for
 * following a test's life (`handleTestEvent`).
 *
 * The environment lives outside the test files' VM context; the test files (and the copy
 * of fray they import) live inside it. They meet through registry-keyed slots on the VM's
 * global: fray/mock's call observers and fray/leaks' detector slot are put there before
 * any test file loads, so the mocks created inside report to the detector outside, and
 * `allowLeaks()`/`untracked()` called inside reach it.
 *
 * Attribution: at `test_fn_start` (and `hook_start` for `beforeEach`/`afterEach`) the
 * test's function is swapped for one that runs it inside the test's scope; at `test_done`
 * — after every `afterEach` — the test is checked and its leaks are added to its errors;
 * at `run_finish`, late leaks fail the file.
 *
 * @module
 */
import {
  enableLeakDetection,
  fileLeaksError,
  lateLeaksError,
  leaksError,
  type LeakDetector,
  type LeaksOptions,
  type TestInfo,
  type TestRun,
} from '../leaks/index.ts';
import { frayMatchers } from './matchers.ts';

/** The parts of a Jest environment's constructor arguments fray reads. */
export interface JestEnvironmentArguments {
  readonly projectConfig?: {
    readonly testEnvironmentOptions?: Record<string, unknown>;
    readonly rootDir?: string;
  };
}

/** The parts of a Jest environment context fray reads. */
export interface JestEnvironmentContext {
  readonly testPath?: string;
}

/** The structural minimum of a Jest test environment fray extends. */
export interface JestEnvironmentLike {
  global: object;
  handleTestEvent?(event: unknown, state: unknown): unknown;
}

/** A Jest environment class. */
export type JestEnvironmentClass = new (...args: any[]) => JestEnvironmentLike;

/** A circus test or hook entry, as far as fray touches it. */
interface CircusEntry {
  name?: string;
  type?: string;
  fn?: ((...args: unknown[]) => unknown) & { [ORIGINAL]?: unknown };
  parent?: CircusEntry;
  errors?: unknown[];
}

interface CircusEvent {
  name: string;
  test?: CircusEntry;
  hook?: CircusEntry;
  runtimeGlobals?: { expect?: { extend(matchers: object): void } };
}

const ORIGINAL = Symbol('fray.jest.original');
const MOCK_OBSERVERS = Symbol.for('fray.mock.observers.v1');
const LEAKS_SLOT = Symbol.for('fray.leaks.v1');

function fullName(test: CircusEntry): string {
  const names: string[] = [];
  for (let entry: CircusEntry | undefined = test; entry !== undefined; entry = entry.parent) {
    if (entry.parent === undefined) break; // the ROOT_DESCRIBE_BLOCK
    if (entry.name !== undefined) names.unshift(entry.name);
  }
  return names.join(' > ');
}

function isGenerator(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor.name.includes('GeneratorFunction');
}

/** Swap `entry.fn` for one that runs inside `run`'s scope; keeps `length` (Jest reads it). */
function enter(entry: CircusEntry, run: TestRun): void {
  const original = entry.fn;
  if (typeof original !== 'function' || original[ORIGINAL] !== undefined || isGenerator(original)) return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return run.run(() => Reflect.apply(original, this, args));
  } as CircusEntry['fn'] & object;
  Object.defineProperty(wrapped, 'length', { value: original.length });
  wrapped[ORIGINAL] = original;
  entry.fn = wrapped;
}

function leave(entry: CircusEntry | undefined): void {
  const original = entry?.fn?.[ORIGINAL];
  if (entry !== undefined && typeof original === 'function')
    entry.fn = original as NonNullable<CircusEntry['fn']>;
}

/**
 * Extend a Jest test environment class with fray: the matchers on `expect`, and fray/leaks
 * checking every test. Options come from `testEnvironmentOptions.frayLeaks` (JSON) merged
 * with `options` and `FRAY_LEAKS`. Use it to add fray to an environment you already use;
 * `fray/jest/environment` is this applied to Jest's Node environment.
 *
 * @example
 * ```js
 * // fray-env.js, then `testEnvironment: './fray-env.js'`
 * import { TestEnvironment } from 'jest-environment-node';
 * import { withFrayLeaks } from 'fray/jest';
 *
 * export default withFrayLeaks(TestEnvironment, { checks: { lateActivity: 'warn' } });
 * ```
 */
export function withFrayLeaks<T extends JestEnvironmentClass>(Base: T, options: LeaksOptions = {}): T {
  class FrayEnvironment extends Base {
    readonly #detector: LeakDetector;
    readonly #file: string | undefined;
    readonly #runs = new WeakMap<object, TestRun>();

    constructor(...args: any[]) {
      super(...args);
      const [config, context] = args as [
        JestEnvironmentArguments | undefined,
        JestEnvironmentContext | undefined,
      ];
      const provided: LeaksOptions | undefined = config?.projectConfig?.testEnvironmentOptions?.[
        'frayLeaks'
      ] as LeaksOptions | undefined;
      this.#detector = enableLeakDetection({ ...provided, ...options });
      this.#file = context?.testPath;
      if (this.#file !== undefined) this.#detector.openFile(this.#file);
      // Registry-keyed slots on the test files' global, read by the fray inside the VM.
      const global = this.global as Record<symbol, unknown>;
      const observers = (global[MOCK_OBSERVERS] ??= { observers: new Set() }) as {
        observers: Set<unknown>;
      };
      observers.observers.add(this.#detector.mockObserver);
      global[LEAKS_SLOT] = (globalThis as Record<symbol, unknown>)[LEAKS_SLOT];
    }

    override async handleTestEvent(event: unknown, state: unknown): Promise<void> {
      await this.#handle(event as CircusEvent, state as { unhandledErrors?: unknown[] });
      await super.handleTestEvent?.(event, state);
    }

    async #handle(event: CircusEvent, state: { unhandledErrors?: unknown[] }): Promise<void> {
      switch (event.name) {
        case 'setup':
          event.runtimeGlobals?.expect?.extend(frayMatchers);
          // Jest swaps the process's rejection listeners for its own while tests run.
          this.#detector.reattachProcessListeners();
          return;
        case 'test_start': {
          const test = event.test;
          if (test === undefined) return;
          const info: TestInfo = {
            name: test.name ?? '',
            fullName: fullName(test),
            file: this.#file,
            runner: 'jest',
          };
          this.#runs.set(test, this.#detector.startTest(info));
          return;
        }
        case 'hook_start': {
          const { hook, test } = event;
          const run = test === undefined ? undefined : this.#runs.get(test);
          if (
            hook !== undefined &&
            run !== undefined &&
            (hook.type === 'beforeEach' || hook.type === 'afterEach')
          ) {
            enter(hook, run);
          }
          return;
        }
        case 'hook_success':
        case 'hook_failure':
          leave(event.hook);
          return;
        case 'test_fn_start': {
          const run = event.test === undefined ? undefined : this.#runs.get(event.test);
          if (event.test !== undefined && run !== undefined) enter(event.test, run);
          return;
        }
        case 'test_fn_success':
        case 'test_fn_failure':
          leave(event.test);
          return;
        case 'test_done': {
          const test = event.test;
          const run = test === undefined ? undefined : this.#runs.get(test);
          if (test === undefined || run === undefined) return;
          const result = await run.finish();
          if (result.errors.length > 0) test.errors?.push(leaksError(result));
          return;
        }
        case 'run_finish': {
          if (this.#file === undefined) return;
          const late = await this.#detector.closeFile(this.#file);
          if (late.length > 0) state.unhandledErrors?.push(lateLeaksError(late));
          const left = await this.#detector.closeFileScope(this.#file);
          if (left !== undefined && left.errors.length > 0)
            state.unhandledErrors?.push(fileLeaksError(left.errors));
          return;
        }
        default:
          return;
      }
    }
  }
  return FrayEnvironment;
}
