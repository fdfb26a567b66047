/**
 * What a run leaves behind: the record strategies, shrinking and the report read, and the
 * errors that describe a run stuck in a deadlock or past its timeout.
 *
 * @module
 */
import { RaceDeadlockError, RaceTimeoutError } from '../errors/index.ts';
import { fnv1a } from './prng.ts';
import type { OpRecord, RunFailureKind, RunRecord, StepRecord, TimerRecord } from './run-types.ts';
import type { OpState, TaskState, TimerState } from './state.ts';
import { deviationsOf } from './strategies/holds.ts';
import type { ControlGap, Deviation, TaskOutcome, UncontrolledWork } from './types.ts';

/** The state of a finished run the record is built from. */
export interface RunState {
  readonly steps: readonly StepRecord[];
  readonly step: number;
  readonly choicePoints: number;
  readonly contestedPoints: number;
  readonly tasks: readonly TaskState[];
  readonly ops: readonly OpState[];
  readonly timers: readonly TimerState[];
  readonly notes: string[];
  readonly uncontrolled: readonly UncontrolledWork[];
  readonly gaps: readonly ControlGap[];
  readonly fingerprint: string;
  readonly virtualTime: number;
}

/** Every task's outcome, with the steps it began and ended at. */
export function taskOutcomes(tasks: readonly TaskState[]): TaskOutcome[] {
  return tasks.map((task) => ({
    ...task.outcome(),
    task: task.label,
    begin: task.beginStep,
    end: task.settled ? task.endStep : undefined,
  }));
}

/** FNV-1a of the decision ids in order: a run's identity in replay strings. */
export function stepsHash(steps: readonly StepRecord[]): string {
  return fnv1a(steps.map((s) => s.id).join('\n'));
}

/**
 * A finished run's steps, with their hash computed when first read: what a chooser's `end`
 * sees (the strict replay checks the hash), and what {@link Record} extends. A class, not a
 * literal with a getter: such a getter is a new closure per run, and it kept every object of
 * its run alive through the next young-generation collection.
 */
export class FinishedSteps implements Pick<RunRecord, 'steps' | 'hash'> {
  readonly steps: readonly StepRecord[];
  #hash: string | undefined;

  constructor(steps: readonly StepRecord[]) {
    this.steps = steps;
  }

  get hash(): string {
    return (this.#hash ??= stepsHash(this.steps));
  }
}

/**
 * A finished run's record. `deviations` and `hash` are computed when first read: only a failing
 * run's are (its report, shrinking, the replay string) — 6% of a run of 20 tasks went to
 * computing them for every run. A class, not an object literal with getters: such a literal is
 * created in dictionary mode (about 0.5–1 µs each, and every field read a hash lookup), which
 * halved the runs per second when tried.
 */
class Record extends FinishedSteps implements RunRecord {
  readonly choicePoints: number;
  readonly contestedPoints: number;
  readonly taskLabels: readonly string[];
  readonly outcomes: readonly TaskOutcome[];
  readonly failure: RunRecord['failure'];
  readonly ops: readonly OpRecord[];
  readonly timers: readonly TimerRecord[];
  readonly notes: readonly string[];
  readonly uncontrolled: readonly UncontrolledWork[];
  readonly gaps: readonly ControlGap[];
  readonly fingerprint: string;
  readonly virtualTime: number;
  #deviations: readonly Deviation[] | undefined = undefined;

  constructor(
    state: RunState,
    failure: RunRecord['failure'],
    ops: readonly OpRecord[],
    timers: readonly TimerRecord[],
  ) {
    super(state.steps);
    this.choicePoints = state.choicePoints;
    this.contestedPoints = state.contestedPoints;
    this.taskLabels = state.tasks.map((t) => t.label);
    this.outcomes = taskOutcomes(state.tasks);
    this.failure = failure;
    this.ops = ops;
    this.timers = timers;
    this.notes = state.notes;
    this.uncontrolled = state.uncontrolled;
    this.gaps = state.gaps;
    this.fingerprint = state.fingerprint;
    this.virtualTime = state.virtualTime;
  }

  get deviations(): readonly Deviation[] {
    return (this.#deviations ??= deviationsOf(this.steps));
  }
}

/**
 * The ids of the decisions a run has taken, looked up by id — built from its steps when first
 * asked, and kept up with them after: only shrinking's chooser asks, and a set filled at every
 * step of every run cost a string hash per decision.
 */
export class TakenIds {
  readonly #steps: readonly StepRecord[];
  readonly #ids = new Set<string>();
  #upTo = 0;

  constructor(steps: readonly StepRecord[]) {
    this.#steps = steps;
  }

  has(id: string): boolean {
    const steps = this.#steps;
    while (this.#upTo < steps.length) this.#ids.add((steps[this.#upTo++] as StepRecord).id);
    return this.#ids.has(id);
  }
}

/** The record as a plain object, every field its own (for spreading into another). */
export function plainRecord(record: RunRecord): RunRecord {
  return { ...record, deviations: record.deviations, hash: record.hash };
}

/** Build the record of a finished run. */
export function buildRecord(
  state: RunState,
  failure: { readonly kind: RunFailureKind; readonly error: unknown } | undefined,
): RunRecord {
  for (const op of state.ops)
    if (op.syncResult && op.kind === 'wrap' && !state.notes.some((n) => n.includes(`'${op.label}'`)))
      state.notes.push(
        `'${op.label}' returned a plain value, not a promise: callers got a promise instead. If it is a synchronous method, exclude it: ctl.wrap(target, label, { exclude: ['${op.label.split('.').pop() ?? op.label}'] }).`,
      );
  const depth = (op: OpState): number => (op.parent === undefined ? 0 : depth(op.parent) + 1);
  const ops = state.ops.map((op) => ({
    key: op.key,
    kind: String(op.kind),
    label: op.label,
    args: op.args,
    task: op.actor.label,
    depth: depth(op),
    parent: op.parent?.key,
    requestStep: op.requestStep,
    startStep: op.startStep,
    deliverStep: op.deliverStep,
    outcome: op.outcome ?? { status: 'pending' as const },
  }));
  const timers = state.timers.map((t) => ({
    key: t.key,
    task: t.actor.label,
    delay: t.delay,
    fireSteps: t.fireSteps,
    cancelled: t.cancelled && t.fired === 0,
  }));
  return new Record(state, failure, ops, timers);
}

function describeWait(op: OpState): string {
  if (op.kind === 'await') return `await at ${op.label} (the awaited promise never settled)`;
  if (op.kind === 'io') return `${op.label} (an answer that never came)`;
  return `${op.key} (${op.real ? 'real work that never finished' : 'its work never finished'})`;
}

/** The deadlock of a run: what each unfinished task waits on. */
export function deadlockError(state: RunState, waitedMs: number): RaceDeadlockError {
  const lines = state.tasks
    .filter((task) => !task.settled)
    .map((task) => {
      if (task.status === 'waiting') return `${task.label}: never began`;
      const last = task.ops.at(-1);
      const waiting = task.ops.filter((op) => op.phase === 'running');
      if (waiting.length > 0) return `${task.label}: waiting on ${waiting.map(describeWait).join(', ')}`;
      return `${task.label}: awaiting a promise no controlled operation will settle${last === undefined ? '' : ` (last operation: ${last.key})`}`;
    });
  return new RaceDeadlockError(state.step, lines, state.uncontrolled, waitedMs);
}

/** A run past its timeout: what was still running. */
export function timeoutError(
  state: RunState,
  timeout: number,
  inFlight: readonly string[],
): RaceTimeoutError {
  const running = state.ops
    .filter((op) => op.phase === 'running')
    .map((op) => `${op.key} (${op.real ? 'real work' : 'in a task'}, started at step ${op.startStep ?? '?'})`)
    .concat(inFlight.map((type) => `${type} started by a task`));
  const pending = state.tasks.filter((t) => !t.settled).map((t) => t.label);
  return new RaceTimeoutError(timeout, state.step, running, pending, state.uncontrolled);
}
