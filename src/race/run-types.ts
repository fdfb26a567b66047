/**
 * The shapes a run is described by: what a chooser is told and returns, what a run records
 * (steps, operations, timers, outcomes, notes), what a scenario hands to a run, and how tasks
 * are labelled.
 *
 * @module
 */
import type { Decision, TaskState } from './state.ts';
import type { ControlGap, Deviation, Outcome, TaskOutcome, UncontrolledWork } from './types.ts';

/**
 * What the chooser is told about the decision at hand. Read it during `choose` only: the run
 * updates one object per run in place rather than allocating one per step.
 */
export interface ChoiceContext {
  /** The step about to be taken (1-based). */
  readonly step: number;
  /** How many earlier steps had a real choice (two or more decisions enabled). */
  readonly choicesSoFar: number;
  /** The enabled decisions belong to two or more actors (tasks, or a task and the setup). */
  readonly contested: boolean;
  /** How many earlier steps were contested. */
  readonly contestedSoFar: number;
  /** The logical tasks, in order. */
  readonly tasks: readonly TaskState[];
  /** Fingerprint of the scenario (its task labels). */
  readonly fingerprint: string;
  /** Whether the decision with this id was taken earlier in the run. */
  readonly taken: { has(id: string): boolean };
}

/** Picks one of the enabled decisions at each step. */
export interface Chooser {
  /** Index into `enabled` (sorted in first-come order: index 0 is first-come). */
  choose(enabled: readonly Decision[], context: ChoiceContext): number;
  /** Called once the run has ended (before `check`): validate the run as a whole. */
  end?(record: Pick<RunRecord, 'steps' | 'hash'>): void;
}

/** One step of a run, as recorded. */
export interface StepRecord {
  readonly id: string;
  readonly kind: Decision['kind'];
  /** The label of the actor the decision belongs to (a task, or `setup`). */
  readonly actor: string;
  /** Ids of the enabled decisions, first-come order. */
  readonly enabled: readonly string[];
  /** Index chosen in `enabled`. */
  readonly chosen: number;
}

/** How a run failed. */
export type RunFailureKind = 'check' | 'deadlock' | 'step-limit' | 'uncaught';

/** A controlled operation as the report shows it. */
export interface OpRecord {
  readonly key: string;
  readonly kind: string;
  readonly label: string;
  readonly args: readonly unknown[];
  readonly task: string;
  readonly depth: number;
  readonly parent: string | undefined;
  readonly requestStep: number;
  readonly startStep: number | undefined;
  readonly deliverStep: number | undefined;
  readonly outcome: Outcome;
}

/** A virtual timer as the report shows it. */
export interface TimerRecord {
  readonly key: string;
  readonly task: string;
  readonly delay: number;
  readonly fireSteps: readonly number[];
  readonly cancelled: boolean;
}

/** Everything one run produced. */
export interface RunRecord {
  readonly steps: readonly StepRecord[];
  readonly deviations: readonly Deviation[];
  readonly choicePoints: number;
  /** Steps whose enabled decisions belonged to two or more actors. */
  readonly contestedPoints: number;
  readonly taskLabels: readonly string[];
  readonly outcomes: readonly TaskOutcome[];
  readonly failure: { readonly kind: RunFailureKind; readonly error: unknown } | undefined;
  readonly ops: readonly OpRecord[];
  readonly timers: readonly TimerRecord[];
  readonly notes: readonly string[];
  readonly uncontrolled: readonly UncontrolledWork[];
  /** What fray did not control in this run: a run with gaps never counts towards a proof. */
  readonly gaps: readonly ControlGap[];
  /** FNV-1a of the decision ids in order. */
  readonly hash: string;
  readonly fingerprint: string;
  /** Virtual time when the run ended, ms since its start. */
  readonly virtualTime: number;
}

/** The parts of a scenario a run needs. */
export interface RunSpec {
  readonly setup: (ctl: any) => unknown;
  readonly tasks: (ctx: any) => unknown;
  readonly check: (ctx: any, outcomes: any) => unknown;
  readonly teardown: ((ctx: any) => unknown) | undefined;
  /** Build what `setup` receives, for one run (its virtual clock). */
  readonly makeControl: (run: { monotonic(): number }) => unknown;
  readonly timeout: number;
  readonly maxSteps: number;
  readonly blockedAfter: number;
  readonly uncontrolled: 'fail' | 'report';
  readonly allowPending: boolean;
  /** `await`s are scheduling points (automatic control is installed in this process). */
  readonly awaitsControlled: boolean;
  /**
   * The caller's async context (explore's), restored around setup and tasks — and restored
   * whole after them: `AsyncLocalStorage.run` gives back only its own store, so what a task
   * enters into another store would otherwise leak into the loop and the next task.
   */
  readonly restore: <R>(fn: () => R) => R;
  readonly fingerprint: (labels: readonly string[]) => string;
  /** Marks a failure that must not be treated as a race (usage, environment). */
  readonly fatal: (error: unknown) => boolean;
}

/** Internal: thrown by a chooser to abandon the run before any decision (wrong scenario). */
export class AbandonRun extends Error {}

/** Label each task: record keys, or `task N` for arrays (a named function keeps its name). */
export function labelTasks(set: unknown): { labels: string[]; fns: (() => unknown)[]; keyed: boolean } {
  if (Array.isArray(set)) {
    const fns = set as (() => unknown)[];
    const names = fns.map((fn) => (typeof fn === 'function' ? fn.name : ''));
    const unique = names.every((name, i) => name !== '' && names.indexOf(name) === i);
    return {
      labels: fns.map((_, i) => (unique ? (names[i] ?? `task ${i + 1}`) : `task ${i + 1}`)),
      fns,
      keyed: false,
    };
  }
  const entries = Object.entries(set as Record<string, () => unknown>);
  return { labels: entries.map(([key]) => key), fns: entries.map(([, fn]) => fn), keyed: true };
}
