/**
 * The leak detector: one per thread, shared by every copy of fray loaded in it.
 *
 * How attribution works. Each test runs inside an `AsyncLocalStorage` scope that its runner
 * integration enters around the test (Vitest's `aroundEach`, node:test's test context,
 * Jest's test function). Everything the test creates inherits that scope through Node's own
 * async context propagation — timers, sockets, callbacks, promise continuations — so:
 *
 * - a fray mock call is attributed when it happens (the mock observer runs synchronously
 *   in the caller's context);
 * - an unhandled rejection is attributed to the scope of the promise that rejected (Node
 *   runs `unhandledRejection` listeners in the promise's context), even when it surfaces
 *   during a later test;
 * - a handle or operation is attributed when it is created (`async_hooks` init runs in the
 *   creator's context). The hook runs with `trackPromises: false`, so promises cost nothing.
 *
 * At the test's end the detector yields to the event loop (so pending rejections surface
 * and close callbacks run), then reports what is still open. Afterwards the scope stays
 * marked as ended: whatever its code does later is "late activity".
 *
 * @module
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import { inspect } from 'node:util';
import { LeaksFoundError, type LeakSummary } from '../errors/index.ts';
import { observeMockCalls, type MockCall } from '../mock/index.ts';
import { installDescriptorTracking, uninstallDescriptorTracking } from './descriptors.ts';
import { captureSite, siteFromStack, type CreationSite } from './frames.ts';
import {
  formatLateReport,
  formatTestReport,
  isAllowed,
  type Leak,
  type LeakKind,
  type TestInfo,
} from './leak.ts';
import {
  resolveOptions,
  type AllowRule,
  type LeakCheck,
  type LeaksOptions,
  type ResolvedLeaksOptions,
} from './options.ts';
import {
  describeHandle,
  describeOperation,
  isInFlight,
  isOpen,
  kindOf,
  RESOURCE_CLASSES,
} from './resources.ts';
import { TestScope, type ResourceRecord } from './scope.ts';
import { leaksSlot, type ScopeStorage } from './slot.ts';

// Captured at module load so a test's fake timers or stubs cannot break fray's own waits.
const nativeSetImmediate = setImmediate;
const NativePromise = Promise;
const nativeNextTick = process.nextTick.bind(process);
const appendFileSync = fs.appendFileSync.bind(fs);
const consoleWarn = console.warn.bind(console);

/** The outcome of one test. */
export interface TestLeakResult {
  /** The test. */
  readonly test: TestInfo;
  /** Every leak reported (errors and warnings), allow-listed ones removed. */
  readonly leaks: readonly Leak[];
  /** The leaks at level `error`: the runner integration fails the test with them. */
  readonly errors: readonly Leak[];
  /** The leaks at level `warn`: already printed. */
  readonly warnings: readonly Leak[];
  /** How many leaks the allow-list dropped. */
  readonly allowed: number;
}

/** A pending late event, turned into a leak outside async hook callbacks. */
type LateEvent =
  | { readonly scope: TestScope; readonly what: 'resource'; readonly record: ResourceRecord }
  | { readonly scope: TestScope; readonly what: 'mock'; readonly call: MockCall }
  | { readonly scope: TestScope; readonly what: 'rejection'; readonly leak: Leak };

/** What a test's floating mock call carries once its promise rejected unhandled. */
interface FloatingEntry {
  readonly scope: TestScope;
  readonly call: MockCall;
  rejection?: unknown;
}

function summary(leak: Leak): LeakSummary {
  return { check: leak.check, level: leak.level, description: leak.description, location: leak.location };
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error || (typeof reason === 'object' && reason !== null && 'message' in reason)) {
    const error = reason as { name?: unknown; message?: unknown; code?: unknown };
    const name = typeof error.name === 'string' ? error.name : 'Error';
    const code = typeof error.code === 'string' ? ` [${error.code}]` : '';
    const message = String(error.message).split('\n')[0] ?? '';
    return `${name}${code}: ${message.length > 160 ? `${message.slice(0, 157)}...` : message}`;
  }
  return inspect(reason, { depth: 1, breakLength: Infinity }).slice(0, 160);
}

function argsText(args: readonly unknown[]): string {
  const text = args.map((arg) => inspect(arg, { depth: 1, breakLength: Infinity })).join(', ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function createdText(type: string, kind: LeakKind): string {
  switch (kind) {
    case 'timeout':
    case 'interval':
    case 'immediate':
      return `scheduled a ${type === 'Immediate' ? 'setImmediate' : 'timer'}`;
    case 'operation':
      return `started an operation (${type})`;
    default:
      return `opened a ${kind}`;
  }
}

/**
 * A test whose scope the runner integration entered. `run` executes the test body inside
 * the scope; `finish` checks what it left behind.
 */
export class TestRun {
  readonly #detector: LeakDetector;
  /** The scope; exposed for integrations and diagnostics. */
  readonly scope: TestScope;

  constructor(detector: LeakDetector, scope: TestScope) {
    this.#detector = detector;
    this.scope = scope;
  }

  /** Run `fn` (and everything it starts) inside the test's scope. */
  run<T>(fn: () => T): T {
    this.scope.entered = true;
    return leaksSlot().storage.run(this.scope, fn);
  }

  /**
   * Enter the scope for the rest of the current synchronous execution and what it starts
   * (`AsyncLocalStorage.enterWith`), for runners that give no way to wrap the test body.
   */
  enter(): void {
    this.scope.entered = true;
    leaksSlot().storage.enterWith(this.scope);
  }

  /** Wait for the event loop to settle, then check and report. Idempotent. */
  finish(): Promise<TestLeakResult> {
    return this.#detector.finishScope(this.scope);
  }
}

/**
 * The thread's leak detector. Create it with `enableLeakDetection()`; the runner
 * integrations (`fray/vitest/setup`, `fray/node-test`, `fray/jest`) do.
 */
export class LeakDetector {
  #options: ResolvedLeaksOptions;
  readonly #storage: ScopeStorage;
  readonly #byId = new Map<number, { scope: TestScope; record: ResourceRecord }>();
  readonly #floating = new WeakMap<Promise<unknown>, FloatingEntry>();
  readonly #rejections = new WeakMap<Promise<unknown>, { scope: TestScope; leak: Leak }>();
  readonly #results = new WeakMap<TestScope, Promise<TestLeakResult>>();
  readonly #openFiles = new Map<string, Leak[]>();
  #lateQueue: LateEvent[] = [];
  #lateScheduled = false;
  /** Sites of `server.listen()` calls, for handles Node creates after a lookup. */
  readonly #listenSites = new WeakMap<object, CreationSite>();
  /** Sites learnt for handles whose own creation stack shows only Node. */
  readonly #handleSites = new WeakMap<object, CreationSite>();
  #hook: AsyncHook | undefined;
  #mockSubscription: Disposable | undefined;
  #disposed = false;

  /** The mock observer, for integrations that must register it in another realm (Jest). */
  readonly mockObserver = (call: MockCall): void => {
    const scope = this.#storage.getStore();
    if (scope === undefined) return;
    if (scope.state === 'ended') {
      if (this.#options.levels.lateActivity !== 'off') this.#queueLate({ scope, what: 'mock', call });
      return;
    }
    if (this.#options.levels.floatingMocks === 'off') return;
    scope.mockCalls.push(call);
    this.#floating.set(call.promise, { scope, call });
  };

  constructor(options: LeaksOptions = {}) {
    this.#options = resolveOptions(options);
    this.#storage = leaksSlot().storage;
    this.#install();
  }

  /** The options in effect. */
  get options(): ResolvedLeaksOptions {
    return this.#options;
  }

  /** Whether {@link dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Change options from now on (merged over the current ones). */
  configure(options: LeaksOptions): void {
    const before = this.#options.levels.fileHandles;
    this.#options = resolveOptions(options, this.#options);
    if (before !== this.#options.levels.fileHandles) this.#syncDescriptorTracking();
  }

  /** Add allow rules: for the running test when called inside one, else for every test. */
  allow(rules: readonly AllowRule[]): void {
    const checked = resolveOptions({ allow: rules }, { ...this.#options, allow: [] }).allow;
    const scope = this.#storage.getStore();
    if (scope !== undefined && scope.state === 'running') scope.allow.push(...checked);
    else this.#options = { ...this.#options, allow: [...this.#options.allow, ...checked] };
  }

  /** The test whose scope the caller runs in, if any. */
  currentTest(): TestInfo | undefined {
    return this.#storage.getStore()?.info;
  }

  /** Start a test: a fresh scope the integration enters around the test body. */
  startTest(info: TestInfo): TestRun {
    if (info.file !== undefined && !this.#openFiles.has(info.file)) this.#openFiles.set(info.file, []);
    return new TestRun(this, new TestScope(info));
  }

  /** Run `fn` outside every test's scope: nothing it creates is attributed to a test. */
  untracked<T>(fn: () => T): T {
    return this.#storage.exit(fn);
  }

  /**
   * A test file starts: late leaks of its tests at level `error` are kept for
   * {@link closeFile} instead of only being printed.
   */
  openFile(file: string): void {
    if (!this.#openFiles.has(file)) this.#openFiles.set(file, []);
  }

  /**
   * A test file ends: wait for the event loop to settle, then return the late leaks at
   * level `error` of its tests (already reported to `onLeaks`/the report file). Later late
   * leaks of that file are printed.
   */
  async closeFile(file: string): Promise<Leak[]> {
    await this.#settle(2);
    this.#drainLate();
    const leaks = this.#openFiles.get(file) ?? [];
    this.#openFiles.delete(file);
    return leaks;
  }

  /**
   * Put the process listeners back on top (`unhandledRejection`, `rejectionHandled`), for
   * runners that swap the process's listeners for their own while tests run (Jest).
   */
  reattachProcessListeners(): void {
    if (this.#disposed) return;
    process.off('unhandledRejection', this.#onUnhandledRejection);
    process.off('rejectionHandled', this.#onRejectionHandled);
    process.on('unhandledRejection', this.#onUnhandledRejection);
    process.on('rejectionHandled', this.#onRejectionHandled);
  }

  /** Stop watching: remove the hooks and listeners, restore `fs`. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#hook?.disable();
    this.#mockSubscription?.[Symbol.dispose]();
    diagnostics.unsubscribe('tracing:net.server.listen:asyncStart', this.#onListenStart);
    diagnostics.unsubscribe('tracing:net.server.listen:asyncEnd', this.#onListenEnd);
    process.off('unhandledRejection', this.#onUnhandledRejection);
    process.off('rejectionHandled', this.#onRejectionHandled);
    uninstallDescriptorTracking();
    const slot = leaksSlot();
    if (slot.detector === this) slot.detector = undefined;
  }

  // ---------------------------------------------------------------- installation

  #install(): void {
    // Node creates process.stdout/stderr lazily, as a pipe or TTY handle; touched first
    // inside a test (a console.log), they would count as that test's socket.
    void process.stdout;
    void process.stderr;
    const storage = this.#storage;
    const byId = this.#byId;
    const init = (asyncId: number, type: string, triggerAsyncId: number, resource: object): void => {
      const resourceClass = RESOURCE_CLASSES.get(type);
      if (resourceClass === undefined) return;
      const cause = byId.get(triggerAsyncId);
      // Node creates some resources from C++ before entering any JavaScript context (the
      // FileHandle of `fs/promises` open): they belong to the operation that triggered them.
      const scope = storage.getStore() ?? cause?.scope;
      if (scope === undefined) return;
      const options = this.#options;
      const ended = scope.state === 'ended';
      if (options.levels[ended ? 'lateActivity' : resourceClass.check] === 'off') return;
      if (resourceClass.check === 'sockets' && scope.servers.has(triggerAsyncId)) return;
      if (resourceClass.check === 'servers') scope.servers.add(asyncId);
      const record: ResourceRecord = {
        asyncId,
        type,
        class: resourceClass,
        resource: new WeakRef(resource),
        site: captureSite(init, options.stackFrames),
        cause: cause?.record,
        triggerAsyncId,
        done: false,
      };
      if (ended) {
        this.#queueLate({ scope, what: 'resource', record });
        return;
      }
      scope.resources.set(asyncId, record);
      byId.set(asyncId, { scope, record });
    };
    function before(asyncId: number): void {
      const entry = byId.get(asyncId);
      if (entry !== undefined && entry.record.class.role === 'operation') entry.record.done = true;
    }
    function destroy(asyncId: number): void {
      const entry = byId.get(asyncId);
      if (entry === undefined) return;
      byId.delete(asyncId);
      entry.record.done = true;
      if (entry.scope.state === 'running') entry.scope.resources.delete(asyncId);
    }
    // `trackPromises: false`: promises never reach the hook and cost nothing. A Node without
    // the option ignores it and pays for promise hooks; `init` returns at once for them.
    this.#hook = createHook({ init, before, destroy, trackPromises: false });
    this.#hook.enable();
    this.#mockSubscription = observeMockCalls(this.mockObserver);
    diagnostics.subscribe('tracing:net.server.listen:asyncStart', this.#onListenStart);
    diagnostics.subscribe('tracing:net.server.listen:asyncEnd', this.#onListenEnd);
    process.on('unhandledRejection', this.#onUnhandledRejection);
    process.on('rejectionHandled', this.#onRejectionHandled);
    this.#syncDescriptorTracking();
  }

  #syncDescriptorTracking(): void {
    if (this.#options.levels.fileHandles === 'off') {
      uninstallDescriptorTracking();
      return;
    }
    const storage = this.#storage;
    installDescriptorTracking({
      capture: (skip) => {
        const scope = storage.getStore();
        if (scope === undefined) return undefined;
        if (this.#options.levels[scope.state === 'ended' ? 'lateActivity' : 'fileHandles'] === 'off')
          return undefined;
        return { scope, site: captureSite(skip, this.#options.stackFrames) };
      },
      opened: (fd, path, token) => {
        const { scope, site } = token as { scope: TestScope; site: CreationSite };
        if (scope.state === 'ended') {
          this.#queueLate({
            scope,
            what: 'resource',
            record: {
              asyncId: -fd,
              type: 'FD',
              class: { check: 'fileHandles', role: 'handle', kind: 'file descriptor' },
              resource: new WeakRef({}),
              site,
              cause: undefined,
              triggerAsyncId: 0,
              done: false,
            },
          });
          return;
        }
        scope.descriptors.set(fd, { fd, path, site });
      },
      openedHandle: (handle, path, token) => {
        const { scope, site } = token as { scope: TestScope; site: CreationSite };
        if (scope.state === 'ended') {
          this.#queueLate({
            scope,
            what: 'resource',
            record: {
              asyncId: -1,
              type: 'FileHandle',
              class: { check: 'fileHandles', role: 'handle', kind: 'file handle' },
              resource: new WeakRef(handle),
              site,
              cause: undefined,
              triggerAsyncId: 0,
              done: false,
            },
          });
          return;
        }
        scope.fileHandles.push({ handle: new WeakRef(handle), path, site });
      },
      closed: (fd) => {
        const scope = storage.getStore();
        // Usually closed in the scope that opened it; a descriptor handed to another test is
        // rare, so only the current scope is searched.
        scope?.descriptors.delete(fd);
      },
    });
  }

  // `server.listen(port, host)` creates its handle after a DNS lookup, from a callback where
  // no frame of the caller is left: Node's `net.server.listen` tracing channel announces the
  // call synchronously, and its end hands over the handle.
  readonly #onListenStart = (message: unknown): void => {
    const scope = this.#storage.getStore();
    const server = (message as { server?: object }).server;
    if (scope === undefined || server === undefined) return;
    this.#listenSites.set(server, captureSite(this.#onListenStart, this.#options.stackFrames));
  };

  readonly #onListenEnd = (message: unknown): void => {
    const server = (message as { server?: { _handle?: unknown } }).server;
    if (server === undefined) return;
    const site = this.#listenSites.get(server);
    const handle = server._handle;
    if (site !== undefined && typeof handle === 'object' && handle !== null)
      this.#handleSites.set(handle, site);
  };

  /**
   * The site to show for a record: its own, else — when its own shows only Node — the site
   * learnt for its handle, or that of the operation in whose callback it was created.
   */
  #siteOf(record: ResourceRecord): CreationSite {
    let current = record;
    for (let depth = 0; depth < 8; depth++) {
      if (current.site.origin !== 'internal') return current.site;
      const resource = current.resource.deref();
      const learnt = resource === undefined ? undefined : this.#handleSites.get(resource);
      if (learnt !== undefined) return learnt;
      if (current.cause === undefined) break;
      current = current.cause;
    }
    return record.site;
  }

  // ---------------------------------------------------------------- rejections

  readonly #onUnhandledRejection = (reason: unknown, promise: Promise<unknown>): void => {
    const scope = this.#storage.getStore();
    const level = this.#options.levels.unhandledRejections;
    const floating = this.#floating.get(promise);
    if (floating !== undefined) {
      // A floating mock call that rejected is one leak (floatingMocks), not two.
      floating.rejection = reason;
      return;
    }
    if (scope === undefined || level === 'off') {
      this.#rethrowIfAlone(reason);
      return;
    }
    // Not `instanceof Error`: errors from another realm (Jest's VM contexts) count too.
    const stack = (reason as { stack?: unknown } | null | undefined)?.stack;
    const site = siteFromStack(typeof stack === 'string' ? stack : undefined);
    const leak: Leak = {
      check: 'unhandledRejections',
      level,
      kind: 'rejection',
      description:
        scope.state === 'ended'
          ? `a promise rejected after the test ended and nobody handled it: ${reasonText(reason)}`
          : `a promise rejected and nobody handled it: ${reasonText(reason)}`,
      location: site?.location,
      stack: site?.stack ?? '',
      test: scope.info,
      afterEnd: scope.state === 'ended',
    };
    this.#rejections.set(promise, { scope, leak });
    if (scope.state === 'ended') this.#queueLate({ scope, what: 'rejection', leak });
    else scope.found.push(leak);
  };

  readonly #onRejectionHandled = (promise: Promise<unknown>): void => {
    const entry = this.#rejections.get(promise);
    if (entry === undefined) return;
    this.#rejections.delete(promise);
    const index = entry.scope.found.indexOf(entry.leak);
    if (index !== -1) entry.scope.found.splice(index, 1);
  };

  #rethrowIfAlone(reason: unknown): void {
    // Node's default for an unhandled rejection is to crash; our listener must not change
    // that when nobody else (no runner) listens.
    if (process.listenerCount('unhandledRejection') > 1) return;
    nativeNextTick(() => {
      throw reason;
    });
  }

  // ---------------------------------------------------------------- finishing a test

  /** Check a scope; the first call does the work, later calls share its result. */
  finishScope(scope: TestScope): Promise<TestLeakResult> {
    let result = this.#results.get(scope);
    if (result === undefined) {
      result = this.#storage.exit(() => this.#finish(scope));
      this.#results.set(scope, result);
    }
    return result;
  }

  /**
   * Yield to the event loop `turns` times. One turn lets pending rejections surface (Node
   * reports them once the microtask queue drains); close callbacks run in the turn after
   * the handle's close.
   */
  async #settle(turns = 1): Promise<void> {
    for (let i = 0; i < turns; i++) await new NativePromise<void>((resolve) => nativeSetImmediate(resolve));
  }

  #stillOpen(scope: TestScope): number {
    let open = 0;
    for (const record of scope.resources.values()) {
      const resource = record.resource.deref();
      if (resource === undefined) continue;
      const pending =
        record.class.role === 'operation'
          ? isInFlight(record.type, resource, record.done)
          : isOpen(record.type, resource, this.#options.includeUnref);
      // Only what would be reported is worth waiting for (a runner's own timers are not).
      if (pending && this.#siteOf(record).origin === 'user') open++;
    }
    const handles = scope.fileHandles.filter((record) => (record.handle.deref()?.fd ?? -1) >= 0).length;
    return open + scope.descriptors.size + handles;
  }

  async #finish(scope: TestScope): Promise<TestLeakResult> {
    await this.#settle();
    // Only when something would be reported: handles being closed, keep-alive sockets being
    // parked, may need a few more turns.
    for (let round = 0; round < 5 && this.#stillOpen(scope) > 0; round++) await this.#settle();
    scope.state = 'ended';
    const found = [...this.#floatingLeaks(scope), ...scope.found, ...this.#resourceLeaks(scope)];
    for (const asyncId of scope.resources.keys()) this.#byId.delete(asyncId);
    scope.resources.clear();
    scope.descriptors.clear();
    scope.fileHandles.length = 0;
    scope.mockCalls.length = 0;
    const allow = [...this.#options.allow, ...scope.allow];
    const leaks = found.filter((leak) => !isAllowed(leak, allow));
    const result: TestLeakResult = {
      test: scope.info,
      leaks,
      errors: leaks.filter((leak) => leak.level === 'error'),
      warnings: leaks.filter((leak) => leak.level === 'warn'),
      allowed: found.length - leaks.length,
    };
    this.#drainLate();
    this.#publish(
      leaks,
      result.warnings.length > 0 ? formatTestReport(scope.info, result.warnings) : undefined,
    );
    return result;
  }

  #floatingLeaks(scope: TestScope): Leak[] {
    const level = this.#options.levels.floatingMocks;
    if (level === 'off') return [];
    const leaks: Leak[] = [];
    for (const call of scope.mockCalls) {
      if (call.consumed) continue;
      const site = siteFromStack(call.callSite?.stack);
      if (site !== undefined && (site.origin === 'runner' || site.origin === 'fray')) continue;
      const rejected = this.#floating.get(call.promise)?.rejection;
      const outcome =
        rejected !== undefined
          ? `; it rejected with ${reasonText(rejected)}`
          : call.result.status === 'rejected'
            ? `; it rejected with ${reasonText(call.result.reason)}`
            : '';
      leaks.push({
        check: 'floatingMocks',
        level,
        kind: 'mock call',
        description: `${call.mockName}(${argsText(call.args)}) was called but its promise was never awaited${outcome}`,
        location: site?.location ?? call.callSite?.location,
        stack: site?.stack ?? '',
        test: scope.info,
        afterEnd: false,
      });
    }
    return leaks;
  }

  #resourceLeaks(scope: TestScope): Leak[] {
    const leaks: Leak[] = [];
    const { levels, includeUnref } = this.#options;
    for (const record of scope.resources.values()) {
      const level = levels[record.class.check];
      if (level === 'off') continue;
      const resource = record.resource.deref();
      if (resource === undefined) continue;
      const operation = record.class.role === 'operation';
      const open = operation
        ? isInFlight(record.type, resource, record.done)
        : isOpen(record.type, resource, includeUnref);
      if (!open) continue;
      const site = this.#siteOf(record);
      if (site.origin !== 'user') continue;
      // The stdio pipes of a child process are part of the child, reported once as such.
      if (record.type === 'PIPEWRAP' && record.site.stack.includes('node:internal/child_process')) continue;
      leaks.push({
        check: record.class.check,
        level,
        kind: operation ? 'operation' : kindOf(record.type, resource, record.class.kind),
        description: operation ? describeOperation(record.type) : describeHandle(record.type, resource),
        location: site.location,
        stack: site.stack,
        test: scope.info,
        afterEnd: false,
      });
    }
    const fileLevel = levels.fileHandles;
    if (fileLevel !== 'off') {
      for (const record of scope.fileHandles) {
        const fd = record.handle.deref()?.fd ?? -1;
        if (fd < 0 || record.site.origin !== 'user') continue;
        leaks.push({
          check: 'fileHandles',
          level: fileLevel,
          kind: 'file handle',
          description: `file handle (fd ${fd}, ${record.path}) still open`,
          location: record.site.location,
          stack: record.site.stack,
          test: scope.info,
          afterEnd: false,
        });
      }
      for (const descriptor of scope.descriptors.values()) {
        if (descriptor.site.origin !== 'user') continue;
        leaks.push({
          check: 'fileHandles',
          level: fileLevel,
          kind: 'file descriptor',
          description: `file descriptor ${descriptor.fd} (${descriptor.path}) still open`,
          location: descriptor.site.location,
          stack: descriptor.site.stack,
          test: scope.info,
          afterEnd: false,
        });
      }
    }
    return leaks;
  }

  // ---------------------------------------------------------------- late activity

  #queueLate(event: LateEvent): void {
    this.#lateQueue.push(event);
    if (this.#lateScheduled) return;
    this.#lateScheduled = true;
    // Turn events into leaks outside the async hook callback that saw them (formatting a
    // stack there could itself create resources). Outside every scope, so the immediate is
    // not attributed to anything.
    this.#storage.exit(() =>
      nativeSetImmediate(() => {
        this.#lateScheduled = false;
        this.#drainLate();
      }),
    );
  }

  #drainLate(): void {
    if (this.#lateQueue.length === 0) return;
    const events = this.#lateQueue;
    this.#lateQueue = [];
    const leaks: Leak[] = [];
    for (const event of events) {
      const leak = this.#lateLeak(event);
      if (leak === undefined) continue;
      const allow = [...this.#options.allow, ...event.scope.allow];
      if (isAllowed(leak, allow)) continue;
      const key = `${leak.check}\u0000${leak.kind}\u0000${leak.location ?? leak.description}`;
      if (event.scope.lateKeys.has(key)) continue;
      event.scope.lateKeys.add(key);
      leaks.push(leak);
    }
    if (leaks.length === 0) return;
    const printed: Leak[] = [];
    for (const leak of leaks) {
      const pending =
        leak.level === 'error' && leak.test.file !== undefined
          ? this.#openFiles.get(leak.test.file)
          : undefined;
      if (pending !== undefined) pending.push(leak);
      else printed.push(leak);
    }
    this.#publish(leaks, printed.length > 0 ? formatLateReport(printed) : undefined);
  }

  #lateLeak(event: LateEvent): Leak | undefined {
    if (event.what === 'rejection') return event.leak;
    const level = this.#options.levels.lateActivity;
    if (level === 'off') return undefined;
    if (event.what === 'mock') {
      const site = siteFromStack(event.call.callSite?.stack);
      if (site !== undefined && (site.origin === 'runner' || site.origin === 'fray')) return undefined;
      return {
        check: 'lateActivity',
        level,
        kind: 'mock call',
        description: `${event.call.mockName}(${argsText(event.call.args)}) was called after the test ended`,
        location: site?.location ?? event.call.callSite?.location,
        stack: site?.stack ?? '',
        test: event.scope.info,
        afterEnd: true,
      };
    }
    const { record } = event;
    const site = this.#siteOf(record);
    if (site.origin !== 'user') return undefined;
    if (record.type === 'PIPEWRAP' && record.site.stack.includes('node:internal/child_process'))
      return undefined;
    const resource = record.resource.deref();
    const kind =
      resource === undefined ? record.class.kind : kindOf(record.type, resource, record.class.kind);
    return {
      check: 'lateActivity',
      level,
      kind,
      description: `${createdText(record.type, kind)} after the test ended`,
      location: site.location,
      stack: site.stack,
      test: event.scope.info,
      afterEnd: true,
    };
  }

  // ---------------------------------------------------------------- reporting

  /**
   * Hand leaks to `onLeaks` — or, without one, print `text` (the part meant for the
   * terminal: warnings, late leaks nobody will throw) — and append them to the report file.
   */
  #publish(leaks: readonly Leak[], text: string | undefined): void {
    if (leaks.length === 0) return;
    const { onLeaks, reportFile } = this.#options;
    if (reportFile !== undefined) {
      const lines = leaks
        .map((leak) =>
          JSON.stringify({
            ...leak,
            location: leak.location ?? null,
            pid: process.pid,
            time: new Date().toISOString(),
          }),
        )
        .join('\n');
      try {
        appendFileSync(reportFile, `${lines}\n`);
      } catch (error) {
        consoleWarn(`fray/leaks: could not append to the report file ${reportFile}: ${reasonText(error)}`);
      }
    }
    if (onLeaks !== undefined) onLeaks(leaks);
    else if (text !== undefined) consoleWarn(text);
  }
}

/** The error a runner integration throws for a test's `error`-level leaks. */
export function leaksError(result: TestLeakResult): LeaksFoundError {
  return new LeaksFoundError(
    result.test.fullName,
    result.errors.map(summary),
    formatTestReport(result.test, result.errors),
  );
}

/** Summaries of leaks, for errors. */
export function leakSummaries(leaks: readonly Leak[]): LeakSummary[] {
  return leaks.map(summary);
}

/** Checks whose leaks are reported as the test runs (as opposed to late). */
export type { LeakCheck };
