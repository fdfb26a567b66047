/**
 * A test's scope: the async context every resource, mock call and promise created by the
 * test inherits (through `AsyncLocalStorage`), and what fray/leaks recorded in it.
 *
 * @module
 */
import type { MockCall } from '../mock/index.ts';
import type { CreationSite } from './frames.ts';
import type { Leak, TestInfo } from './leak.ts';
import type { ResourceClass } from './resources.ts';
import type { AllowRule } from './options.ts';

/** A handle or operation created inside a scope. */
export interface ResourceRecord {
  readonly asyncId: number;
  readonly type: string;
  readonly class: ResourceClass;
  /** Held weakly: a handle the program dropped must not be kept alive by fray. */
  readonly resource: WeakRef<object>;
  readonly site: CreationSite;
  /**
   * The site of the operation in whose callback this was created (a server listening on a
   * host name is created when the DNS lookup answers): used when `site` shows only Node.
   */
  readonly cause: ResourceRecord | undefined;
  readonly triggerAsyncId: number;
  /** Operations: the callback ran. */
  done: boolean;
}

/** A raw file descriptor opened through `fs.open`/`fs.openSync`. */
export interface DescriptorRecord {
  readonly fd: number;
  readonly path: string;
  readonly site: CreationSite;
}

/** A `fs/promises` FileHandle opened through `fs.promises.open`. */
export interface FileHandleRecord {
  /** Held weakly; its `fd` is -1 once closed. */
  readonly handle: WeakRef<{ readonly fd: number }>;
  readonly path: string;
  readonly site: CreationSite;
}

/** A scope's lifecycle. */
export type ScopeState = 'running' | 'ended';

/** Everything recorded about one test. */
export class TestScope {
  readonly info: TestInfo;
  state: ScopeState = 'running';
  /** Mock calls made in the test's context. */
  readonly mockCalls: MockCall[] = [];
  /** Handles and operations by async id. */
  readonly resources = new Map<number, ResourceRecord>();
  /** Async ids of servers created in the test (their accepted connections are not reported). */
  readonly servers = new Set<number>();
  /** File descriptors by number. */
  readonly descriptors = new Map<number, DescriptorRecord>();
  /** `fs/promises` FileHandles. */
  readonly fileHandles: FileHandleRecord[] = [];
  /** Leaks recorded while the test ran (rejections). */
  readonly found: Leak[] = [];
  /** Allow rules added from inside the test with `allowLeaks()`. */
  readonly allow: AllowRule[] = [];
  /** Late leaks already reported, by a key, so each is reported once. */
  readonly lateKeys = new Set<string>();
  /** Whether the runner integration managed to run the test body inside this scope. */
  entered = false;

  constructor(info: TestInfo) {
    this.info = info;
  }
}
