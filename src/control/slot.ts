/**
 * The controller storage and what rides with it, one per process: shared by every copy of
 * fray (dist and src, two versions), so a controller installed by one copy is seen by mocks
 * created with another. Internal: `fray/control` reads it, and fray/race enters a task's
 * controller into it where the whole async context is given back after (a task's begin).
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Natives, OperationController } from './index.ts';

/** The process-wide slot. */
export interface ControlSlot {
  storage: AsyncLocalStorage<OperationController | undefined>;
  controlled?: WeakSet<object>;
  natives?: Natives;
}

const SLOT_KEY = Symbol.for('fray.control.v1');
const globalSlot = globalThis as typeof globalThis & { [SLOT_KEY]?: ControlSlot };

/** The slot every copy of fray shares. */
export const controlSlot: ControlSlot = (globalSlot[SLOT_KEY] ??= { storage: new AsyncLocalStorage() });
