/**
 * What a leak is, how it is matched against the allow-list, and how it reads in a test
 * report.
 *
 * @module
 */
import { collapseLeaks, type LeakGroup } from './collapse.ts';
import { displayLocation, frameKind, frameLocation } from './frames.ts';
import type { AllowRule, LeakCheck } from './options.ts';

/** The test a leak belongs to, as its runner names it. */
export interface TestInfo {
  /** The test's own name. */
  readonly name: string;
  /** Suite names and the test name joined with ` > `. */
  readonly fullName: string;
  /** Absolute path of the test file, when the runner tells. */
  readonly file: string | undefined;
  /** Which runner ran it; `manual` for {@link checkLeaks}. */
  readonly runner: 'vitest' | 'node:test' | 'jest' | 'manual';
}

/** What was left behind. */
export type LeakKind =
  | 'mock call'
  | 'rejection'
  | 'timeout'
  | 'interval'
  | 'immediate'
  | 'socket'
  | 'server'
  | 'child process'
  | 'worker thread'
  | 'file descriptor'
  | 'file handle'
  | 'file watcher'
  | 'operation';

/** One leak, attributed to the test whose async context created it. */
export interface Leak {
  /** The check that found it. */
  readonly check: LeakCheck;
  /** `error` fails the test (or the file, for late leaks); `warn` is printed. */
  readonly level: 'error' | 'warn';
  readonly kind: LeakKind;
  /** One line: what, and in what state. */
  readonly description: string;
  /** `file:line:column` of the line that created it (the first frame of your code), if known. */
  readonly location: string | undefined;
  /** The creation stack, one frame per line (may be empty). */
  readonly stack: string;
  /** The test whose async context created it. */
  readonly test: TestInfo;
  /** It happened after the test had ended (late rejection, late mock call, late handle). */
  readonly afterEnd: boolean;
}

/**
 * How to fix each kind of leak; printed under it.
 *
 * @example
 * ```ts
 * HINTS.timers; // 'clear it (clearTimeout/clearInterval) before the test ends, …'
 * ```
 */
export const HINTS: Readonly<Record<LeakCheck, string>> = {
  floatingMocks:
    'await the call (or return it, or pass it to Promise.all); for fire-and-forget, `void` it and add `.catch()`.',
  unhandledRejections:
    'await the promise where it is created, or attach `.catch()`; the stack shows where the error was raised.',
  timers:
    'clear it (clearTimeout/clearInterval) before the test ends, cancel it in a teardown, or use fake timers.',
  sockets: 'close it (socket.end()/destroy(), client.close(), agent.destroy()) in the test or its teardown.',
  servers:
    'close it before the test ends: `await new Promise((done) => server.close(done))` or `await app.close()`.',
  childProcesses: 'wait for it to exit, or kill()/terminate() it in a teardown.',
  fileHandles: 'close it: `await handle.close()`, `stream.destroy()`, `fs.closeSync(fd)`, `watcher.close()`.',
  lateActivity:
    'await the work inside the test that starts it (or abort it in a teardown) so it ends with the test.',
};

function matches(pattern: string | RegExp | undefined, texts: readonly string[]): boolean {
  if (pattern === undefined) return true;
  return texts.some((text) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)));
}

/**
 * Whether `leak` is covered by one of `rules`.
 *
 * @example
 * ```ts
 * isAllowed(leak, ['node_modules/pg-pool', { check: 'timers', site: /cache\.ts/ }]);
 * ```
 */
export function isAllowed(leak: Leak, rules: readonly AllowRule[]): boolean {
  if (rules.length === 0) return false;
  const frames = leak.stack === '' ? [] : leak.stack.split('\n');
  for (const rule of rules) {
    if (typeof rule === 'string' || rule instanceof RegExp) {
      if (matches(rule, [leak.description, ...frames])) return true;
      continue;
    }
    const checks =
      rule.check === undefined ? undefined : typeof rule.check === 'string' ? [rule.check] : rule.check;
    if (checks !== undefined && !checks.includes(leak.check)) continue;
    if (!matches(rule.site, frames)) continue;
    if (!matches(rule.test, [leak.test.fullName])) continue;
    if (!matches(rule.description, [leak.description])) continue;
    return true;
  }
  return false;
}

/** The frames worth showing under a leak: yours and your dependencies', not Node's. */
function shownFrames(stack: string, max: number): string[] {
  const shown: string[] = [];
  for (const line of stack.split('\n')) {
    const location = frameLocation(line);
    if (location === undefined) continue;
    const kind = frameKind(location);
    if (kind === 'node' || kind === 'leaks' || kind === 'runner') continue;
    shown.push(line.trim());
    if (shown.length === max) break;
  }
  return shown;
}

/**
 * Print one leak as an indented block. Given a group of identical findings (see
 * `collapseLeaks`), the first line says how many it stands for.
 *
 * @example
 * ```ts
 * console.warn(formatLeak(leak));
 * console.warn(formatLeak(collapseLeaks(leaks)[0]));
 * ```
 */
export function formatLeak(leak: Leak | LeakGroup, cwd: string = process.cwd()): string {
  const group: LeakGroup =
    'count' in leak ? leak : { leak, count: 1, description: leak.description, first: undefined };
  const one = group.leak;
  const mark = one.level === 'error' ? '✖' : '⚠';
  const verb = one.kind === 'mock call' ? 'called at' : one.kind === 'rejection' ? 'raised at' : 'created at';
  const times =
    group.count === 1
      ? ''
      : ` — ${group.count.toLocaleString('en-US')} times from the same ${one.kind === 'mock call' ? 'call site' : 'line'}${group.first === undefined ? '' : ` (first: ${group.first})`}`;
  const lines = [
    `  ${mark} ${one.check}: ${group.description}${times}`,
    `      ${verb} ${displayLocation(one.location, cwd)}`,
  ];
  const frames = shownFrames(one.stack, 6).map((frame) => {
    const location = frameLocation(frame);
    return location === undefined ? frame : frame.replace(location, displayLocation(location, cwd));
  });
  if (frames.length > 1) lines.push(...frames.map((frame) => `        ${frame}`));
  lines.push(`      fix: ${HINTS[one.check]}`);
  return lines.join('\n');
}

/**
 * Leaks as blocks, identical findings collapsed into one with a count.
 *
 * @example
 * ```ts
 * console.warn(formatLeaks(run.leaks).join('\n'));
 * ```
 */
export function formatLeaks(leaks: readonly Leak[], cwd: string = process.cwd()): string[] {
  return collapseLeaks(leaks).map((group) => formatLeak(group, cwd));
}

/**
 * The report of one test's leaks (all of one test).
 *
 * @example
 * ```ts
 * console.warn(formatTestReport(result.test, result.warnings));
 * ```
 */
export function formatTestReport(
  test: TestInfo,
  leaks: readonly Leak[],
  cwd: string = process.cwd(),
): string {
  const file = test.file === undefined ? '' : ` (${displayLocation(test.file, cwd)})`;
  const count = leaks.length === 1 ? '1 leak' : `${leaks.length} leaks`;
  return [
    `fray/leaks: test "${test.fullName}"${file} left ${count} behind:`,
    ...formatLeaks(leaks, cwd),
  ].join('\n');
}

/**
 * The report of late leaks, grouped by the test that caused them.
 *
 * @example
 * ```ts
 * console.warn(formatLateReport(await detector.closeFile(file)));
 * ```
 */
export function formatLateReport(leaks: readonly Leak[], cwd: string = process.cwd()): string {
  const byTest = new Map<string, Leak[]>();
  for (const leak of leaks) {
    const key = `${leak.test.file ?? ''}\u0000${leak.test.fullName}`;
    const group = byTest.get(key) ?? [];
    group.push(leak);
    byTest.set(key, group);
  }
  const blocks: string[] = [];
  for (const group of byTest.values()) {
    const test = group[0]!.test;
    const file = test.file === undefined ? '' : ` (${displayLocation(test.file, cwd)})`;
    blocks.push(
      [
        `fray/leaks: test "${test.fullName}"${file} was still at work after it ended:`,
        ...formatLeaks(group, cwd),
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}
