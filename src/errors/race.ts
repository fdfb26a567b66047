/**
 * Errors raised by `fray/race`.
 *
 * Two families: errors `explore()` throws because the exploration itself cannot be trusted
 * (usage, uncontrolled async work, a replay that left its schedule, a nondeterministic
 * scenario, a run stuck on real I/O), and errors that *are* the failure a schedule found
 * (a deadlock, a livelock, a task that rejected, a history that is not linearizable) — those
 * are returned in `result.failure.error`, with the replay string, never thrown.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/** What fray/race knows about an async resource it does not control. */
export interface UncontrolledSite {
  readonly type: string;
  readonly task: string;
  readonly operation: string | undefined;
  readonly site: string;
}

function sites(work: readonly UncontrolledSite[]): string {
  return work
    .slice(0, 6)
    .map(
      (w) =>
        `  - ${w.type} created by ${w.task}${w.operation ? ` (inside ${w.operation})` : ''} at ${w.site}`,
    )
    .concat(work.length > 6 ? [`  … and ${work.length - 6} more`] : [])
    .join('\n');
}

/** `explore()` was called with options it cannot use. */
export class RaceUsageError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_RACE_USAGE', message, { fix });
  }
}

/**
 * `explore()` options that cannot be right: an unknown option (a typo such as `chek` would
 * silently drop the invariant), a value out of range, tasks that are not functions or none at
 * all. Thrown before anything runs.
 */
export class RaceOptionsError extends FrayError {
  /** The option at fault (`check`, `runs`, `tasks`…). */
  readonly option: string;
  constructor(option: string, message: string, fix: string) {
    super('FRAY_RACE_OPTIONS', message, { fix });
    this.option = option;
  }
}

/** Which scenario hook ran: `setup`, `tasks` (the function returning them), `check`, `teardown`. */
export type RaceHook = 'setup' | 'tasks' | 'check' | 'teardown';

/** A scenario hook (`setup`, `tasks()`, `teardown`) threw: nothing could be explored. */
export class RaceHookError extends FrayError {
  readonly hook: RaceHook;
  /** The run it happened in (1-based; 0 while shrinking or replaying). */
  readonly run: number;
  constructor(hook: RaceHook, run: number, cause: unknown) {
    const what =
      cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0] ?? ''}` : String(cause);
    super(
      'FRAY_RACE_HOOK_FAILED',
      `${hook === 'tasks' ? 'tasks()' : `${hook}()`} threw in run ${run}: ${what}`,
      {
        cause,
        fix:
          hook === 'teardown'
            ? 'teardown must release what setup acquired without failing; the cause below shows where it threw.'
            : `${hook === 'tasks' ? 'tasks()' : `${hook}()`} runs before every run and must build the same world each time; the cause below shows where it threw.`,
      },
    );
    this.hook = hook;
    this.run = run;
  }
}

/** A scenario hook did not settle within the run's `timeout`: it waits on something that never happens. */
export class RaceHookTimeoutError extends FrayError {
  readonly hook: RaceHook;
  readonly run: number;
  constructor(hook: RaceHook, run: number, timeout: number) {
    super(
      'FRAY_RACE_HOOK_TIMEOUT',
      `${hook === 'tasks' ? 'tasks()' : `${hook}()`} did not settle within ${timeout.toLocaleString('en-US')} ms in run ${run}.`,
      {
        fix: `look for a promise ${hook}() awaits that nothing settles (a connection that never opens, a lock, an event that never fires); raise \`timeout\` if it is merely slow.`,
      },
    );
    this.hook = hook;
    this.run = run;
  }
}

/**
 * A race test's body failed under some schedule: the message is the whole report — what
 * broke, the timeline of the schedule, and the line that replays it.
 */
export class RaceFoundError extends FrayError {
  constructor(report: string, cause: unknown) {
    super('FRAY_RACE_FOUND', report, { cause });
  }
}

/** A replay string could not be parsed. */
export class RaceReplayInvalidError extends FrayError {
  readonly replay: string;
  constructor(replay: string, problem: string) {
    super('FRAY_RACE_REPLAY_INVALID', `the replay string is not valid: ${problem}.\n  Replay: ${replay}`, {
      fix: "copy the whole string, quotes included, from the failure's `replay:` line (it starts with 'fr1;' or 'fr2;').",
    });
    this.replay = replay;
  }
}

/**
 * Replaying a schedule, the run did not follow it: the decision the schedule names at some
 * step was not pending, or first-come order differed, or the run took more or fewer steps.
 * The code, the scenario or something uncontrolled changed since the string was recorded.
 */
export class RaceReplayDivergedError extends FrayError {
  /** The step (1-based) at which the run left the schedule; 0 when it is the scenario itself. */
  readonly step: number;
  /** What the schedule expected. */
  readonly expected: string;
  /** What was there instead (pending decisions, or the scenario's task labels). */
  readonly actual: readonly string[];
  constructor(step: number, what: string, expected: string, actual: readonly string[]) {
    super(
      'FRAY_RACE_REPLAY_DIVERGED',
      `the replayed run left its schedule ${step > 0 ? `at step ${step}` : 'before the first step'}: ${what}\n  expected: ${expected}\n  found:    ${actual.length === 0 ? '(nothing)' : actual.join(', ')}`,
      {
        fix: 'replay strings are exact: they stop matching once the code under test, the scenario (its tasks and their labels) or an uncontrolled input changes. Run the exploration again with its seed to get a fresh replay string.',
      },
    );
    this.step = step;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The same schedule prefix gave different pending decisions in two runs: the scenario
 * depends on something fray does not control, so its results cannot be trusted or replayed.
 */
export class RaceNondeterminismError extends FrayError {
  readonly step: number;
  constructor(step: number, expected: string, actual: readonly string[]) {
    super(
      'FRAY_RACE_NONDETERMINISTIC',
      `the scenario is not deterministic: following the same schedule, step ${step} offered different decisions.\n  expected: ${expected}\n  found:    ${actual.join(', ') || '(nothing)'}`,
      {
        fix: 'make setup() build the same world every run (reset shared state, no data left from a previous run) and route every async dependency through a fray mock, ctl.wrap() or inject(); see the uncontrolled-work report.',
      },
    );
    this.step = step;
  }
}

/** What fray could not control, as `RaceUncontrolledError` lists it. */
export interface UncontrolledGap {
  readonly task: string | undefined;
  readonly what: string;
  readonly fix: string;
}

/**
 * A task was driven by async work fray does not control — a reply on a connection it cannot
 * hold, a real timer — so schedules could not be reproduced, and a pass would prove nothing.
 */
export class RaceUncontrolledError extends FrayError {
  readonly work: readonly UncontrolledSite[];
  /** Each thing that escaped control, with how to bring it under control. */
  readonly gaps: readonly UncontrolledGap[];
  constructor(work: readonly UncontrolledSite[], gaps: readonly UncontrolledGap[] = []) {
    const lines = gaps.length > 0 ? gaps.map((g) => `  - ${g.what} — ${g.fix}`).join('\n') : sites(work);
    super(
      'FRAY_RACE_UNCONTROLLED',
      `${gaps.length > 0 ? 'a task was driven by work fray does not control' : 'a task created async work fray does not control'}, so schedules could not be reproduced:\n${lines}`,
      {
        fix: "bring it under control as each line says — automatic control (frayRace() in vitest.config, or node --import fray/race/register), a fray mock, ctl.wrap(client, 'label'), inject() for HTTP, global fetch — or pass `uncontrolled: 'report'` to explore anyway (results may not replay and prove nothing).",
      },
    );
    this.work = work;
    this.gaps = gaps;
  }
}

/** A run did not finish within `timeout` because real work never completed. */
export class RaceTimeoutError extends FrayError {
  constructor(
    timeout: number,
    step: number,
    running: readonly string[],
    pending: readonly string[],
    uncontrolled: readonly UncontrolledSite[],
  ) {
    super(
      'FRAY_RACE_TIMEOUT',
      `a run did not finish within ${timeout} ms (at step ${step}).\n  still running: ${running.join(', ') || '(nothing controlled)'}\n  pending tasks: ${pending.join(', ') || '(none)'}${uncontrolled.length > 0 ? `\n  uncontrolled work:\n${sites(uncontrolled)}` : ''}`,
      {
        fix: 'a wrapped call or fetch waits on something that never answers (a server that is down, a lock no task releases); raise `timeout` if the real work is merely slow.',
      },
    );
  }
}

/** Every task still pending, and nothing left that fray could run: the tasks wait on each other. */
export class RaceDeadlockError extends FrayError {
  readonly waiting: readonly string[];
  constructor(
    step: number,
    waiting: readonly string[],
    uncontrolled: readonly UncontrolledSite[],
    waitedMs = 0,
  ) {
    super(
      'FRAY_RACE_DEADLOCK',
      `after step ${step} no decision was left but tasks had not finished${waitedMs > 0 ? ` (and nothing arrived from outside for ${waitedMs} ms)` : ''}:\n${waiting.map((w) => `  - ${w}`).join('\n')}${uncontrolled.length > 0 ? `\n  uncontrolled work:\n${sites(uncontrolled)}` : ''}`,
      {
        fix: 'look for a lock, queue or promise that one task waits on and only another task would release; if a task is meant to stay pending, pass `allowPending: true`.',
      },
    );
    this.waiting = waiting;
  }
}

/** A run took more decisions than `maxSteps`: a livelock, a poll loop or an interval that never stops. */
export class RaceStepLimitError extends FrayError {
  constructor(maxSteps: number, recent: readonly string[]) {
    super(
      'FRAY_RACE_STEP_LIMIT',
      `a run exceeded ${maxSteps} decisions. Last decisions:\n  ${recent.join('\n  ')}`,
      {
        fix: 'look for a retry or poll loop that never gives up under this schedule; raise `maxSteps` if the scenario is simply long.',
      },
    );
  }
}

/** The default check: some task rejected. */
export class RaceTaskFailedError extends FrayError {
  readonly tasks: readonly string[];
  constructor(failures: readonly { task: string; reason: unknown }[]) {
    const first = failures[0]?.reason;
    super(
      'FRAY_RACE_TASK_REJECTED',
      `${failures.length === 1 ? 'a task' : `${failures.length} tasks`} rejected:\n${failures
        .map(
          ({ task, reason }) =>
            `  - ${task}: ${reason instanceof Error ? `${reason.name}: ${reason.message.split('\n')[0] ?? ''}` : String(reason)}`,
        )
        .join('\n')}`,
      {
        cause: first,
        fix: 'without a `check`, every task must fulfil. Pass `check(ctx, outcomes)` when some rejections are expected (a 409 for the loser of a race).',
      },
    );
    this.tasks = failures.map((f) => f.task);
  }
}

/** The recorded history has no linearization consistent with the sequential model. */
export class RaceNotLinearizableError extends FrayError {
  /** The history, one line per operation. */
  readonly history: readonly string[];
  constructor(history: readonly string[], explanation: string) {
    super(
      'FRAY_RACE_NOT_LINEARIZABLE',
      `the history is not linearizable: ${explanation}\n  history (call step → return step):\n${history.map((h) => `    ${h}`).join('\n')}`,
      {
        fix: 'no order of these operations, each taking effect at one instant between its call and its return, explains the results: two operations interfered. Make the operation atomic (a transaction, a conditional update, a lock).',
      },
    );
    this.history = history;
  }
}
