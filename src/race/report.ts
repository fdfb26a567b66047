/**
 * The human report of a failure: what broke (the violated invariant, with a diff), how the
 * schedule differs from first-come order, a timeline per logical task (each operation with
 * its arguments and result, at the steps it started and was delivered), how it was found,
 * and the one line that replays it.
 *
 * @module
 */
import { isFrayError } from '../errors/index.ts';
import { assertionValues, lineDiff } from './diff.ts';
import { callArgs, count, plural, short } from './format.ts';
import type { OpRecord, RunFailureKind, RunRecord } from './run-types.ts';
import type { Deviation } from './types.ts';

/** How the failure was found, for the report. */
export interface FoundBy {
  readonly name: string | undefined;
  /** The run (1-based) that first failed. */
  readonly run: number;
  /** Exploration runs in total. */
  readonly runs: number;
  /** The (sub-)strategy that produced the failing run. */
  readonly by: string;
  readonly strategy: string;
  readonly seed: number | undefined;
  readonly originalDeviations: number;
  readonly shrinkRuns: number;
  readonly replay: string;
  /** The file that called `explore()`, for the `fray replay` line (formatted when asked). */
  readonly file: () => string | undefined;
  /** Replaying an existing string rather than exploring. */
  readonly replayed: boolean;
}

const KIND_TITLE: Record<RunFailureKind, string> = {
  check: 'invariant violated',
  deadlock: 'deadlock',
  'step-limit': 'livelock (step limit)',
  uncaught: 'a timer callback threw',
};

/** Describe a decision id in words: `alice:repo.get#1:deliver` → `deliver alice's repo.get#1`. */
export function describeDecision(id: string): string {
  const phase = id.slice(id.lastIndexOf(':') + 1);
  const key = id.slice(0, id.lastIndexOf(':'));
  const colon = key.indexOf(':');
  const who = colon < 0 ? key : key.slice(0, colon);
  const what = colon < 0 ? '' : key.slice(colon + 1);
  switch (phase) {
    case 'begin':
      return `begin ${key}`;
    case 'start':
      return `start ${who}'s ${what}`;
    case 'deliver':
      return `deliver ${who}'s ${what}`;
    case 'fire':
      return `fire ${who}'s ${what}`;
    default:
      return id;
  }
}

function errorLines(error: unknown): string[] {
  if (error instanceof Error) {
    const head = isFrayError(error) ? `${error.code}: ${error.message}` : `${error.name}: ${error.message}`;
    return head.split('\n');
  }
  return [short(error, 200)];
}

function outcomeText(outcome: OpRecord['outcome']): string {
  if (outcome.status === 'fulfilled') return `→ ${short(outcome.value, 70)}`;
  if (outcome.status === 'rejected') return `✗ ${short(outcome.reason, 70)}`;
  return '… (never settled)';
}

interface Event {
  readonly step: number;
  readonly order: number;
  readonly text: string;
}

/** The timeline of each logical task: its operations in step order. */
export function timelines(record: RunRecord): string[] {
  const deviated = new Set(record.deviations.map((d) => d.step));
  const mark = (step: number | undefined): string =>
    step === undefined ? '   ·  ' : `${String(step).padStart(4)}${deviated.has(step) ? '✱' : ' '} `;
  const lines: string[] = [];
  const actors = [...record.taskLabels];
  if (record.ops.some((op) => op.task === 'setup') || record.timers.some((t) => t.task === 'setup'))
    actors.push('setup');
  for (const actor of actors) {
    const outcome = record.outcomes.find((o) => o.task === actor);
    const status =
      outcome === undefined
        ? ''
        : outcome.status === 'fulfilled'
          ? ` — fulfilled ${short(outcome.value, 60)}`
          : outcome.status === 'rejected'
            ? ` — rejected ${short(outcome.reason, 60)}`
            : ' — still pending';
    lines.push(`  ${actor}${status}`);
    const events: Event[] = [];
    if (outcome?.begin !== undefined) events.push({ step: outcome.begin, order: 0, text: 'begin' });
    for (const op of record.ops.filter((o) => o.task === actor)) {
      const indent = '  '.repeat(op.depth);
      if (op.kind === 'await' || op.kind === 'io') {
        // An await has one decision, when the task resumes; an answer on a socket was sent
        // when the task wrote the request, and arrives at its decision.
        if (op.kind === 'io' && op.startStep !== undefined)
          events.push({ step: op.startStep, order: 1, text: `${indent}send     ${op.label}` });
        events.push({
          step: op.deliverStep ?? Number.MAX_SAFE_INTEGER,
          order: 2,
          text:
            op.kind === 'await'
              ? `${indent}resume   at ${op.label} ${op.deliverStep === undefined ? '… (never resumed)' : outcomeText(op.outcome)}`
              : `${indent}answer   ${op.label}${op.deliverStep === undefined ? ' … (never arrived)' : ''}`,
        });
        continue;
      }
      const call = `${op.label}${callArgs(op.args)}`;
      if (op.startStep === undefined) {
        events.push({
          step: op.requestStep + 0.5,
          order: 1,
          text: `${indent}${call}  (requested, never started)`,
        });
        continue;
      }
      events.push({ step: op.startStep, order: 1, text: `${indent}start    ${call}` });
      if (op.deliverStep !== undefined)
        events.push({
          step: op.deliverStep,
          order: 2,
          text: `${indent}deliver  ${op.label} ${outcomeText(op.outcome)}`,
        });
      else if (op.outcome.status !== 'pending')
        events.push({
          step: Number.MAX_SAFE_INTEGER,
          order: 2,
          text: `${indent}(result never delivered) ${outcomeText(op.outcome)}`,
        });
    }
    for (const timer of record.timers.filter((t) => t.task === actor)) {
      for (const step of timer.fireSteps) events.push({ step, order: 3, text: `fire     ${timer.key}` });
      if (timer.fireSteps.length === 0)
        events.push({
          step: Number.MAX_SAFE_INTEGER,
          order: 3,
          text: `${timer.key} ${timer.cancelled ? '(cleared before firing)' : '(never fired)'}`,
        });
    }
    events.sort((a, b) => a.step - b.step || a.order - b.order);
    for (const event of events) {
      const whole = Number.isInteger(event.step) && event.step !== Number.MAX_SAFE_INTEGER;
      lines.push(`    ${mark(whole ? event.step : undefined)}${event.text}`);
    }
    if (outcome?.end !== undefined) lines.push(`    ${mark(undefined)}settled after step ${outcome.end}`);
  }
  return lines;
}

/** What a decision id is about, with its first argument when that is text (`db.query#3 'COMMIT'`). */
function describeWithArgument(id: string, ops: readonly OpRecord[]): string {
  const key = id.slice(0, id.lastIndexOf(':'));
  const first = ops.find((op) => op.key === key)?.args[0];
  return typeof first === 'string' && first !== ''
    ? `${describeDecision(id)} (${short(first.replace(/\s+/g, ' ').trim(), 40)})`
    : describeDecision(id);
}

/**
 * A deviation in words: `deliver bob's db.query#1  — instead of deliver alice's db.query#1`,
 * or for a hold `held deliver alice's db.query#1 back past bob's next 6 steps, to after
 * deliver bob's db.query#4 ('COMMIT')`.
 */
export function describeDeviation(d: Deviation, ops: readonly OpRecord[] = []): string {
  const hold = d.hold ?? 1;
  if (hold <= 1) return `${describeDecision(d.chosen)}  — instead of ${describeDecision(d.instead)}`;
  const who = d.chosen.slice(0, d.chosen.indexOf(':'));
  const past = d.past === undefined ? '' : `, to after ${describeWithArgument(d.past, ops)}`;
  const length = Number.isFinite(hold)
    ? `next ${plural(hold, 'step')}`
    : 'steps while anything else could run';
  return `held ${describeWithArgument(d.instead, ops)} back past ${who}'s ${length}${past}`;
}

/** The deviations from first-come order, one line each. */
export function deviationLines(deviations: readonly Deviation[], ops: readonly OpRecord[] = []): string[] {
  if (deviations.length === 0) return ['  none: first-come order itself fails'];
  return deviations.map((d) => `  step ${String(d.step).padStart(3)}: ${describeDeviation(d, ops)}`);
}

/**
 * The lines that replay a failure: in code, and from the command line (`<file>` when the
 * file that called `explore()` is not known — fray's CLI fills it in).
 */
export function replayLines(replay: string, file: string | undefined): string[] {
  const quoted = `'${replay}'`;
  return [`  explore({ …, replay: ${quoted} })`, `  npx fray replay ${file ?? '<file>'} ${quoted}`];
}

/** The first line of a failure report: what broke, and in which exploration. */
export function failureTitle(kind: RunFailureKind, name: string | undefined): string {
  return `fray/race: ${KIND_TITLE[kind]}${name === undefined ? '' : ` in "${name}"`}`;
}

/**
 * The full report of a failing run.
 *
 * @example
 * ```ts
 * console.log(failureReport(record, foundBy));
 * ```
 */
export function failureReport(record: RunRecord, found: FoundBy): string {
  const failure = record.failure;
  if (failure === undefined) return 'fray/race: no failure';
  const title = failureTitle(failure.kind, found.name);
  const lines: string[] = [title, ''];
  lines.push(...errorLines(failure.error).map((l) => `  ${l}`));
  const values = assertionValues(failure.error);
  if (values !== undefined) {
    lines.push('', '  - expected', '  + actual', '');
    lines.push(...lineDiff(values.expected, values.actual).map((l) => `  ${l}`));
  }
  lines.push('');
  if (found.replayed) lines.push(`Replayed a recorded schedule (${plural(record.steps.length, 'step')}).`);
  else {
    const shrunk =
      found.originalDeviations === 0
        ? 'first-come order itself fails, nothing to shrink'
        : `shrunk from ${plural(found.originalDeviations, 'deviation')} to ${record.deviations.length} in ${plural(found.shrinkRuns, 'run')}`;
    lines.push(
      `Found on run ${count(found.run)} of ${count(found.runs)} by ${found.by} (strategy ${found.strategy}${found.seed === undefined ? '' : `, seed ${found.seed}`}); ${shrunk}.`,
    );
  }
  lines.push(
    '',
    `Deviations from first-come order (${record.deviations.length}):`,
    ...deviationLines(record.deviations, record.ops),
  );
  lines.push(
    '',
    `Timeline (${plural(record.steps.length, 'step')}; ✱ marks a deviation):`,
    ...timelines(record),
  );
  if (record.notes.length > 0) lines.push('', 'Notes:', ...record.notes.map((n) => `  - ${n}`));
  if (record.gaps.length > 0)
    lines.push(
      '',
      'Not controlled (this run may not replay, and schedules beyond it were not reachable):',
      ...record.gaps.map((g) => `  - ${g.what} — ${g.fix}`),
    );
  if (record.uncontrolled.length > 0)
    lines.push(
      '',
      'Uncontrolled async work (may break replay):',
      ...record.uncontrolled.map((u) => `  - ${u.type} by ${u.task} at ${u.site}`),
    );
  lines.push('', 'Replay:', ...replayLines(found.replay, found.file()));
  return lines.join('\n');
}
