/**
 * Running node:test tests inside their fray/leaks scope.
 *
 * node:test gives setup code hooks (`beforeEach`, `t.after`) but no way to wrap a test's
 * body, and each test runs in the async context captured when it was *declared*, so a
 * scope entered from a hook does not reach the body. What node:test does expose: every
 * test and hook is an `AsyncResource` (an `async_hooks` resource of type `Test`) that runs
 * its function through its own `runInAsyncScope(fn, ctx, …)`. fray gives each such object
 * an own `runInAsyncScope` that runs the test's function — and its `beforeEach`,
 * `afterEach` and `t.after` hooks — inside the scope of that test's context (`ctx`).
 *
 * If a future node:test stops calling `runInAsyncScope` this way, nothing breaks: the
 * wrapper is simply never called, and the scope is entered from `beforeEach` instead
 * (`enterWith`), which attributes less precisely; {@link attachmentWorked} tells.
 *
 * @module
 */
import { AsyncResource, createHook } from 'node:async_hooks';
import type { TestContext } from 'node:test';
import type { LeakDetector, TestInfo, TestRun } from '../leaks/index.ts';

/** What fray reads from node:test's Test and TestHook objects; all optional. */
interface NodeTestResource {
  fn?: unknown;
  parent?: unknown;
  hookType?: string;
  runInAsyncScope?: unknown;
}

/** What a test context's checks need: its run and whether its check is registered. */
interface ContextState {
  readonly run: TestRun;
  /** The check was registered from the settled test body (runs after the user's t.after hooks). */
  checkRegistered: boolean;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with Reflect.apply(…, resource, …)
const runInAsyncScope = AsyncResource.prototype.runInAsyncScope;

/** Called with each test context's leak result; set by the integration. */
export type CheckHandler = (context: TestContext, run: TestRun) => Promise<void>;

let detectorRef: LeakDetector | undefined;
let checkHandler: CheckHandler | undefined;
let wrapperCalls = 0;
const states = new WeakMap<object, ContextState>();

function infoOf(context: TestContext): TestInfo {
  const named = context as TestContext & { fullName?: string; filePath?: string };
  return {
    name: context.name,
    fullName: typeof named.fullName === 'string' ? named.fullName : context.name,
    file: typeof named.filePath === 'string' ? named.filePath : undefined,
    runner: 'node:test',
  };
}

/** The state of a test context, created on first sight (its first `beforeEach`, or its body). */
export function stateOf(context: TestContext): ContextState | undefined {
  let state = states.get(context);
  if (state === undefined && detectorRef !== undefined) {
    state = { run: detectorRef.startTest(infoOf(context)), checkRegistered: false };
    states.set(context, state);
  }
  return state;
}

/** Register the leak check as the test's last `after` hook. */
export function registerCheck(context: TestContext, state: ContextState): void {
  if (state.checkRegistered) return;
  state.checkRegistered = true;
  const handler = checkHandler;
  if (handler !== undefined) context.after(() => handler(context, state.run));
}

function isTestContext(value: unknown): value is TestContext {
  return typeof value === 'object' && value !== null && typeof (value as TestContext).after === 'function';
}

function wrapTest(resource: NodeTestResource): void {
  resource.runInAsyncScope = function (
    this: NodeTestResource,
    fn: unknown,
    thisArg: unknown,
    ...args: unknown[]
  ) {
    if (typeof fn !== 'function' || fn !== this.fn || !isTestContext(thisArg)) {
      return Reflect.apply(runInAsyncScope, this, [fn, thisArg, ...args]);
    }
    const isHook = typeof this.hookType === 'string';
    // The root test (no parent) and suites are not tests; hooks join the scope of the test
    // they run for: beforeEach creates it, afterEach and t.after only use an existing one.
    if (!isHook && this.parent == null) return Reflect.apply(runInAsyncScope, this, [fn, thisArg, ...args]);
    const state = isHook && this.hookType !== 'beforeEach' ? states.get(thisArg) : stateOf(thisArg);
    if (state === undefined) return Reflect.apply(runInAsyncScope, this, [fn, thisArg, ...args]);
    wrapperCalls++;
    const body = isHook ? fn : settleThenRegister(fn as (...a: unknown[]) => unknown, thisArg, state);
    return Reflect.apply(runInAsyncScope, this, [
      (...inner: unknown[]) =>
        state.run.run(() => Reflect.apply(body as (...a: unknown[]) => unknown, thisArg, inner)),
      undefined,
      ...args,
    ]);
  };
}

/**
 * The test body, arranged so that once it settles the check is registered as the last
 * `after` hook — after every `t.after` the body registered. Callback-style bodies register
 * when they call `done`.
 */
function settleThenRegister(
  fn: (...args: unknown[]) => unknown,
  context: TestContext,
  state: ContextState,
): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]) {
    const done = args.at(-1);
    if (typeof done === 'function' && fn.length === args.length) {
      args[args.length - 1] = (...result: unknown[]) => {
        registerCheck(context, state);
        return Reflect.apply(done, undefined, result);
      };
      return Reflect.apply(fn, this, args);
    }
    const returned = Reflect.apply(fn, this, args);
    if (returned instanceof Promise) {
      // Registered before node:test's own await on the body resumes.
      void returned.then(
        () => registerCheck(context, state),
        () => registerCheck(context, state),
      );
    } else {
      registerCheck(context, state);
    }
    return returned;
  };
}

let hookInstalled = false;

/** Start wrapping node:test's tests (idempotent). */
export function attachToNodeTest(detector: LeakDetector, onCheck: CheckHandler): void {
  detectorRef = detector;
  checkHandler = onCheck;
  if (hookInstalled) return;
  hookInstalled = true;
  createHook({
    trackPromises: false,
    init(_asyncId, type, _trigger, resource) {
      if (type === 'Test') wrapTest(resource);
    },
  }).enable();
}

/** Whether node:test has called fray's wrapper at least once (for diagnostics and tests). */
export function attachmentWorked(): boolean {
  return wrapperCalls > 0;
}
