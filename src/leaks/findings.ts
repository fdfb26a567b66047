/**
 * Turning what a scope recorded into leaks: floating mock calls, rejections, handles still
 * open and operations still in flight at the end, and late events. Pure functions of the
 * records, the options and a way to find a record's creation site.
 *
 * @module
 */
import { inspect } from 'node:util';
import type { MockCall } from '../mock/index.ts';
import { siteFromStack, type CreationSite } from './frames.ts';
import type { Leak, LeakKind } from './leak.ts';
import type { LeakLevel, ResolvedLeaksOptions } from './options.ts';
import { describeHandle, describeOperation, isInFlight, isOpen, kindOf } from './resources.ts';
import type { ResourceRecord, TestScope } from './scope.ts';

/** Something a test's code did after the test ended, seen in a hook; turned into a leak later. */
export type LateEvent =
  | { readonly scope: TestScope; readonly what: 'resource'; readonly record: ResourceRecord }
  | { readonly scope: TestScope; readonly what: 'mock'; readonly call: MockCall }
  | { readonly scope: TestScope; readonly what: 'rejection'; readonly leak: Leak };

/** The site to show for a record (its own, or a better one learnt since). */
export type SiteOf = (record: ResourceRecord) => CreationSite;

/** `Name [code]: first line of the message`, for any thrown value (any realm). */
export function reasonText(reason: unknown): string {
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

/** A child process's stdio pipes are part of the child, reported once as such. */
function isChildStdio(record: ResourceRecord): boolean {
  return record.type === 'PIPEWRAP' && record.site.stack.includes('node:internal/child_process');
}

/** A mock call site that is a runner's or fray's own is not the user's floating call. */
function userCallSite(call: MockCall): { site: CreationSite | undefined; ok: boolean } {
  const site = siteFromStack(call.callSite?.stack);
  return { site, ok: site === undefined || (site.origin !== 'runner' && site.origin !== 'fray') };
}

/** A rejection nobody handled, in `scope`'s async context. */
export function rejectionLeak(scope: TestScope, reason: unknown, level: 'error' | 'warn'): Leak {
  // Not `instanceof Error`: errors from another realm (Jest's VM contexts) count too.
  const stack = (reason as { stack?: unknown } | null | undefined)?.stack;
  const site = siteFromStack(typeof stack === 'string' ? stack : undefined);
  const ended = scope.state === 'ended';
  return {
    check: 'unhandledRejections',
    level,
    kind: 'rejection',
    description: `a promise rejected${ended ? ' after the test ended' : ''} and nobody handled it: ${reasonText(reason)}`,
    location: site?.location,
    stack: site?.stack ?? '',
    test: scope.info,
    afterEnd: ended,
  };
}

/** The scope's mock calls whose promise nobody consumed. */
export function floatingLeaks(
  scope: TestScope,
  level: LeakLevel,
  rejectionOf: (promise: Promise<unknown>) => unknown,
): Leak[] {
  if (level === 'off') return [];
  const leaks: Leak[] = [];
  for (const call of scope.mockCalls) {
    if (call.consumed) continue;
    const { site, ok } = userCallSite(call);
    if (!ok) continue;
    const rejected =
      rejectionOf(call.promise) ?? (call.result.status === 'rejected' ? call.result.reason : undefined);
    const outcome = rejected === undefined ? '' : `; it rejected with ${reasonText(rejected)}`;
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

/** Whether a record would be reported if the test ended now: open (or in flight), and the user's. */
export function stillOpen(record: ResourceRecord, includeUnref: boolean, siteOf: SiteOf): boolean {
  const resource = record.resource.deref();
  if (resource === undefined) return false;
  const open =
    record.class.role === 'operation'
      ? isInFlight(record.type, resource, record.done)
      : isOpen(record.type, resource, includeUnref);
  return open && siteOf(record).origin === 'user' && !isChildStdio(record);
}

/** Handles still open, operations still in flight, files still open, at the test's end. */
export function resourceLeaks(scope: TestScope, options: ResolvedLeaksOptions, siteOf: SiteOf): Leak[] {
  const leaks: Leak[] = [];
  const { levels, includeUnref } = options;
  for (const record of scope.resources.values()) {
    const level = levels[record.class.check];
    const resource = record.resource.deref();
    if (level === 'off' || resource === undefined || !stillOpen(record, includeUnref, siteOf)) continue;
    const operation = record.class.role === 'operation';
    const site = siteOf(record);
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
  const level = levels.fileHandles;
  if (level === 'off') return leaks;
  for (const record of scope.fileHandles) {
    const fd = record.handle.deref()?.fd ?? -1;
    if (fd < 0 || record.site.origin !== 'user') continue;
    leaks.push({
      check: 'fileHandles',
      level,
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
      level,
      kind: 'file descriptor',
      description: `file descriptor ${descriptor.fd} (${descriptor.path}) still open`,
      location: descriptor.site.location,
      stack: descriptor.site.stack,
      test: scope.info,
      afterEnd: false,
    });
  }
  return leaks;
}

/** A late event as a leak, or `undefined` when it is not the user's or the check is off. */
export function lateLeak(event: LateEvent, level: LeakLevel, siteOf: SiteOf): Leak | undefined {
  if (event.what === 'rejection') return event.leak;
  if (level === 'off') return undefined;
  if (event.what === 'mock') {
    const { site, ok } = userCallSite(event.call);
    if (!ok) return undefined;
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
  const site = siteOf(record);
  if (site.origin !== 'user' || isChildStdio(record)) return undefined;
  const resource = record.resource.deref();
  const kind = resource === undefined ? record.class.kind : kindOf(record.type, resource, record.class.kind);
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
