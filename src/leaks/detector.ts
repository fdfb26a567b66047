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
import { natives } from '../control/index.ts';
import { createHook, type AsyncHook } from 'node:async_hooks';
import { basename } from 'node:path';
import diagnostics from 'node:diagnostics_channel';
import { observeMockCalls, type MockCall } from '../mock/index.ts';
import { installDescriptorTracking, uninstallDescriptorTracking } from './descriptors.ts';
import { captureSite, type CreationSite } from './frames.ts';
import {
  floatingLeaks,
  lateLeak,
  rejectionLeak,
  resourceLeaks,
  stillOpen,
  type LateEvent,
} from './findings.ts';
import { formatLateReport, formatTestReport, isAllowed, type Leak, type TestInfo } from './leak.ts';
import { resolveOptions, type AllowRule, type LeaksOptions, type ResolvedLeaksOptions } from './options.ts';
import { publishLeaks } from './publish.ts';
import { RESOURCE_CLASSES } from './resources.ts';
import { TestScope, type ResourceRecord } from './scope.ts';
import { leaksSlot, untrackedScope, type ScopeStorage } from './slot.ts';
import { TestRun, type TestLeakResult } from './test-run.ts';

// Captured at module load so a test's fake timers or stubs cannot break fray's own waits.
const nativeSetImmediate = natives.setImmediate;
const NativePromise = Promise;
const nativeNextTick = process.nextTick.bind(process);

/** What a test's floating mock call carries once its promise rejected unhandled. */
interface FloatingEntry {
  readonly scope: TestScope;
  readonly call: MockCall;
  rejection?: unknown;
}

/**
 * The thread's leak detector. Create it with `enableLeakDetection()`; the runner
 * integrations (`fray/vitest/setup`, `fray/node-test`, `fray/jest`) do.
 *
 * @example
 * ```ts
 * const detector = enableLeakDetection();
 * const run = detector.startTest({ name: 'boot', fullName: 'boot', file: undefined, runner: 'manual' });
 * await run.run(() => startServer());
 * const { errors } = await run.finish();
 * ```
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
  /** The file whose code outside tests is being watched (one file at a time per thread). */
  #fileScope: TestScope | undefined;
  readonly #fileScopes = new WeakSet<TestScope>();
  #hook: AsyncHook | undefined;
  #mockSubscription: Disposable | undefined;
  #untracked: TestScope | undefined;
  #disposed = false;

  /** The mock observer, for integrations that must register it in another realm (Jest). */
  readonly mockObserver = (call: MockCall): void => {
    const scope = this.#current();
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
    const scope = this.#current();
    if (scope !== undefined && scope.state === 'running') scope.allow.push(...checked);
    else this.#options = { ...this.#options, allow: [...this.#options.allow, ...checked] };
  }

  /** The test whose scope the caller runs in, if any. */
  currentTest(): TestInfo | undefined {
    return this.#current()?.info;
  }

  /** Start a test: a fresh scope the integration enters around the test body. */
  startTest(info: TestInfo): TestRun {
    if (info.file !== undefined && !this.#openFiles.has(info.file)) this.#openFiles.set(info.file, []);
    return new TestRun(this, new TestScope(info));
  }

  /** Run `fn` outside every test's scope: nothing it creates is attributed to a test. */
  untracked<T>(fn: () => T): T {
    return this.#storage.run(untrackedScope(), fn);
  }

  /** The test scope the caller runs in; `undefined` outside tests and in untracked code. */
  #current(): TestScope | undefined {
    const scope = this.#storage.getStore();
    return scope === untrackedScope() || this.#fileScopes.has(scope as TestScope) ? undefined : scope;
  }

  /**
   * A test file starts: late leaks of its tests at level `error` are kept for
   * {@link closeFile} instead of only being printed.
   */
  openFile(file: string): void {
    if (!this.#openFiles.has(file)) this.#openFiles.set(file, []);
    if (this.#fileScope?.info.file !== file) {
      this.#fileScope = new TestScope({
        name: 'module scope and hooks',
        fullName: `${basename(file)} (module scope and hooks)`,
        file,
        runner: 'manual',
      });
      this.#fileScopes.add(this.#fileScope);
    }
  }

  /**
   * A test file ends, after its own `afterAll`/`after` hooks: what code outside its tests —
   * the module's top level, `beforeAll`/`afterAll` hooks — created in user code and left
   * open (a server, a socket, an interval that would keep the process alive), with where it
   * was created. What `untracked()` created, fray's own and the runner's are never counted.
   */
  async closeFileScope(file: string): Promise<TestLeakResult | undefined> {
    const scope = this.#fileScope;
    if (scope === undefined || scope.info.file !== file) return undefined;
    this.#fileScope = undefined;
    return this.finishScope(scope);
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
    this.#untracked = untrackedScope();
    const init = (asyncId: number, type: string, triggerAsyncId: number, resource: object): void => {
      const resourceClass = RESOURCE_CLASSES.get(type);
      if (resourceClass === undefined) return;
      const cause = byId.get(triggerAsyncId);
      const store = storage.getStore();
      if (store !== undefined && store === this.#untracked) return;
      // Node creates some resources from C++ before entering any JavaScript context (the
      // FileHandle of `fs/promises` open): they belong to the operation that triggered them.
      let scope = store ?? cause?.scope;
      let fileSite: CreationSite | undefined;
      if (scope === undefined) {
        // Outside every test: the file's, if user code created it (not the runner's, not fray's).
        const file = this.#fileScope;
        if (file === undefined || file.state !== 'running') return;
        fileSite = captureSite(init, this.#options.stackFrames);
        if (fileSite.origin !== 'user') return;
        scope = file;
      }
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
        site: fileSite ?? captureSite(init, options.stackFrames),
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
    installDescriptorTracking({
      capture: (skip) => {
        const scope = this.#current();
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
        const scope = this.#current();
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
    const scope = this.#current();
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
    const scope = this.#current();
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
    const leak = rejectionLeak(scope, reason, level);
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
    const siteOf = (record: ResourceRecord) => this.#siteOf(record);
    let open = 0;
    // Only what would be reported is worth waiting for (a runner's own timers are not).
    for (const record of scope.resources.values())
      if (stillOpen(record, this.#options.includeUnref, siteOf)) open++;
    const handles = scope.fileHandles.filter((record) => (record.handle.deref()?.fd ?? -1) >= 0).length;
    return open + scope.descriptors.size + handles;
  }

  async #finish(scope: TestScope): Promise<TestLeakResult> {
    await this.#settle();
    // Only when something would be reported: handles being closed, keep-alive sockets being
    // parked, may need a few more turns.
    for (let round = 0; round < 5 && this.#stillOpen(scope) > 0; round++) await this.#settle();
    scope.state = 'ended';
    const found = [
      ...floatingLeaks(
        scope,
        this.#options.levels.floatingMocks,
        (promise) => this.#floating.get(promise)?.rejection,
      ),
      ...scope.found,
      ...resourceLeaks(scope, this.#options, (record) => this.#siteOf(record)),
    ];
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
    publishLeaks(
      leaks,
      result.warnings.length > 0 ? formatTestReport(scope.info, result.warnings) : undefined,
      this.#options,
    );
    return result;
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
      const leak = lateLeak(event, this.#options.levels.lateActivity, (record) => this.#siteOf(record));
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
    publishLeaks(leaks, printed.length > 0 ? formatLateReport(printed) : undefined, this.#options);
  }
}
