/**
 * The thread-wide state every copy of fray shares (the built package and the sources, or two
 * versions): the storage that carries each test's scope through async context, and the
 * detector. Kept under a registry symbol on `globalThis`, like fray/mock's observers.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LeakDetector } from './detector.ts';
import { TestScope } from './scope.ts';

/** The part of `AsyncLocalStorage` fray uses (declared here so fray's types need no @types/node). */
export interface ScopeStorage {
  getStore(): TestScope | undefined;
  run<R>(store: TestScope, fn: () => R): R;
  exit<R>(fn: () => R): R;
  enterWith(store: TestScope): void;
}

/** What every copy of fray in the thread shares. */
export interface LeaksSlot {
  readonly storage: ScopeStorage;
  detector: LeakDetector | undefined;
  /**
   * The scope `untracked()` runs code in: neither a test's nor the file's (what it creates
   * is shared on purpose). Absent in slots made by older fray copies; see {@link untrackedScope}.
   */
  untracked?: TestScope;
}

const SLOT_KEY = Symbol.for('fray.leaks.v1');
const globalSlot = globalThis as typeof globalThis & { [SLOT_KEY]?: LeaksSlot };

/**
 * The scope of `untracked()` code, shared by every fray copy in the thread.
 *
 * @example
 * ```ts
 * leaksSlot().storage.run(untrackedScope(), () => createSharedPool());
 * ```
 */
export function untrackedScope(): TestScope {
  const slot = leaksSlot();
  return (slot.untracked ??= new TestScope({
    name: '(untracked)',
    fullName: '(untracked)',
    file: undefined,
    runner: 'manual',
  }));
}

/** The thread's slot (created on first use). */
export function leaksSlot(): LeaksSlot {
  return (globalSlot[SLOT_KEY] ??= { storage: new AsyncLocalStorage<TestScope>(), detector: undefined });
}
