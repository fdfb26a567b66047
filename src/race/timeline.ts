/**
 * The structured timeline of a failing run, for reports that draw it (`report.html`) or
 * read it (`report.json`): one lane per task, each operation with the steps it started and
 * was delivered at, its arguments and result already rendered compactly, the deviations
 * from first-come order in words, and what broke at which step. Plain JSON-safe data: every
 * value of the run is a short string here, never the object itself.
 *
 * @module
 */
import { isFrayError } from '../errors/index.ts';
import { assertionValues, lineDiff } from './diff.ts';
import { callArgs, short } from './format.ts';
import { describeDecision, describeDeviation } from './report.ts';
import type { OpRecord, RunFailureKind, RunRecord } from './run-types.ts';

/**
 * One operation on a task's lane.
 *
 * - `call`: a controlled operation (a fray mock, a `ctl.wrap`ped method, an `inject`
 *   request, a `fetch`) — a bar from `start` to `end`;
 * - `await`: the task resumed at an `await` of its code (automatic control) — a tick at `end`;
 * - `answer`: an answer on a connection fray held — a bar from the step the request was sent
 *   (`start`) to the step the answer arrived (`end`);
 * - `timer`: a virtual timer fired — a tick at `end` (one entry per firing).
 */
export interface RaceTimelineOp {
  readonly kind: 'call' | 'await' | 'answer' | 'timer';
  /** The operation's key in decision ids: `alice:db.query#2`. */
  readonly key: string;
  /** `db.query`, `POST /api/v1/orders`, `src/orders.ts:42`, `pg 127.0.0.1:5432`, `timer(100ms)`. */
  readonly label: string;
  /** The arguments, compact (`('select …', [1])`); `''` for awaits, answers and timers. */
  readonly args: string;
  /** How it ended. */
  readonly status: 'fulfilled' | 'rejected' | 'pending';
  /** The result or the reason, compact (`Response 201`, `rows [ { id: 1 } ]`, `Error: boom`); `''` when none. */
  readonly result: string;
  /** Nesting: 0 for the task's own operations, 1 for one inside another's work, … */
  readonly depth: number;
  /** The step at which the task asked for it. Calls only (others: `undefined`). */
  readonly requested: number | undefined;
  /** The step it started at (calls) or its request was sent at (answers); `undefined` for ticks or when it never started. */
  readonly start: number | undefined;
  /** The step its result was delivered, the task resumed, the answer arrived or the timer fired; `undefined`: never. */
  readonly end: number | undefined;
}

/** One logical task (or `setup`, when it made controlled operations) and its operations. */
export interface RaceTimelineLane {
  readonly task: string;
  readonly status: 'fulfilled' | 'rejected' | 'pending';
  /** The task's value or reason, compact; `''` while pending. */
  readonly result: string;
  /** The step it began at. */
  readonly begin: number | undefined;
  /** The step whose consequences settled it. */
  readonly end: number | undefined;
  /** Its operations in step order. */
  readonly ops: readonly RaceTimelineOp[];
}

/** A deviation from first-come order, with its description. */
export interface RaceTimelineDeviation {
  readonly step: number;
  /** The decision taken (`bob:db.query#1:deliver`). */
  readonly chosen: string;
  /** The decision first-come order would have taken. */
  readonly instead: string;
  /** In words: `deliver bob's db.query#1 — instead of deliver alice's db.query#1`. */
  readonly text: string;
}

/** What broke, and where on the timeline. */
export interface RaceTimelineBreak {
  readonly kind: RunFailureKind;
  /**
   * The step after which it broke. `check` runs once the run is over, so for a failed check
   * (and a deadlock or a livelock) this is the run's last step; for a timer callback that
   * threw, the last step as well (the report does not know which firing threw).
   */
  readonly step: number;
  /** `invariant violated`, `deadlock`, `livelock (step limit)`, `a timer callback threw`. */
  readonly title: string;
  /** The error: `Error: sold 2 copies…`, `FRAY_RACE_DEADLOCK: …` (first lines). */
  readonly message: string;
  /** `- expected` / `+ actual` / `  same` lines when the error carries both values; empty otherwise. */
  readonly diff: readonly string[];
}

/** Everything needed to draw a failing run. */
export interface RaceTimeline {
  /** Decisions in the run: the x axis, steps 1 to `steps`. */
  readonly steps: number;
  readonly lanes: readonly RaceTimelineLane[];
  readonly deviations: readonly RaceTimelineDeviation[];
  readonly broke: RaceTimelineBreak;
}

const TITLES: Readonly<Record<RunFailureKind, string>> = {
  check: 'invariant violated',
  deadlock: 'deadlock',
  'step-limit': 'livelock (step limit)',
  uncaught: 'a timer callback threw',
};

/** At most this many lines of an error message. */
const MESSAGE_LINES = 12;

function message(error: unknown): string {
  if (!(error instanceof Error)) return short(error, 200);
  const head = isFrayError(error) ? `${error.code}: ${error.message}` : `${error.name}: ${error.message}`;
  return head.split('\n').slice(0, MESSAGE_LINES).join('\n');
}

function statusOf(outcome: OpRecord['outcome']): RaceTimelineOp['status'] {
  return outcome.status;
}

function resultOf(outcome: OpRecord['outcome']): string {
  if (outcome.status === 'fulfilled') return short(outcome.value, 70);
  if (outcome.status === 'rejected') return short(outcome.reason, 70);
  return '';
}

function opEntry(op: OpRecord): RaceTimelineOp {
  const base = {
    key: op.key,
    label: op.label,
    status: statusOf(op.outcome),
    depth: op.depth,
  };
  if (op.kind === 'await')
    return {
      ...base,
      kind: 'await',
      args: '',
      result: op.deliverStep === undefined ? '' : resultOf(op.outcome),
      requested: undefined,
      start: undefined,
      end: op.deliverStep,
    };
  if (op.kind === 'io')
    return {
      ...base,
      kind: 'answer',
      args: '',
      result: '',
      requested: undefined,
      start: op.startStep,
      end: op.deliverStep,
    };
  return {
    ...base,
    kind: 'call',
    args: callArgs(op.args),
    result: resultOf(op.outcome),
    requested: op.requestStep,
    start: op.startStep,
    end: op.deliverStep,
  };
}

const order = (op: RaceTimelineOp): number => op.start ?? op.end ?? op.requested ?? Number.MAX_SAFE_INTEGER;

/**
 * The timeline of a run that failed.
 *
 * @example
 * ```ts
 * const { lanes, deviations, broke } = timelineOf(record);
 * lanes.map((lane) => `${lane.task}: ${lane.ops.length} operations`);
 * ```
 */
export function timelineOf(record: RunRecord): RaceTimeline {
  const actors = [...record.taskLabels];
  if (record.ops.some((op) => op.task === 'setup') || record.timers.some((t) => t.task === 'setup'))
    actors.push('setup');
  const lanes = actors.map((task): RaceTimelineLane => {
    const outcome = record.outcomes.find((o) => o.task === task);
    const ops = record.ops.filter((op) => op.task === task).map(opEntry);
    for (const timer of record.timers.filter((t) => t.task === task)) {
      const entry = {
        kind: 'timer' as const,
        key: timer.key,
        label: timer.key.slice(timer.key.indexOf(':') + 1).replace(/#\d+$/, ''),
        args: '',
        status: 'fulfilled' as const,
        depth: 0,
        requested: undefined,
        start: undefined,
      };
      if (timer.fireSteps.length === 0)
        ops.push({
          ...entry,
          status: 'pending',
          result: timer.cancelled ? 'cleared before firing' : 'never fired',
          end: undefined,
        });
      for (const step of timer.fireSteps) ops.push({ ...entry, result: '', end: step });
    }
    ops.sort((a, b) => order(a) - order(b));
    return {
      task,
      status: outcome?.status ?? 'pending',
      result:
        outcome?.status === 'fulfilled'
          ? short(outcome.value, 60)
          : outcome?.status === 'rejected'
            ? short(outcome.reason, 60)
            : '',
      begin: outcome?.begin,
      end: outcome?.end,
      ops,
    };
  });
  const failure = record.failure;
  const values = failure === undefined ? undefined : assertionValues(failure.error);
  return {
    steps: record.steps.length,
    lanes,
    deviations: record.deviations.map((d) => ({
      step: d.step,
      chosen: d.chosen,
      instead: d.instead,
      text:
        (d.hold ?? 1) > 1
          ? describeDeviation(d, record.ops)
          : `${describeDecision(d.chosen)} — instead of ${describeDecision(d.instead)}`,
    })),
    broke: {
      kind: failure?.kind ?? 'check',
      step: record.steps.length,
      title: TITLES[failure?.kind ?? 'check'],
      message: failure === undefined ? '' : message(failure.error),
      diff: values === undefined ? [] : lineDiff(values.expected, values.actual),
    },
  };
}
