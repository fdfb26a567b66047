/**
 * Replay strings: one line that reproduces a schedule exactly.
 *
 * ```
 * fr1;3a9f01c2;14;b7e2d4a0;6=bob:repo.get#1:start<alice:repo.set#1:start;@e3
 * └┬┘ └──┬───┘ └┬┘ └──┬───┘ └─────────────────────┬─────────────────────┘ └┬┘
 * version │   steps  decisions'               deviations: at step 6, take     checkpoints
 *    scenario        fingerprint              `chosen` where first-come would take `instead`
 * ```
 *
 * Checkpoints hold one hex digit per block of steps (8 steps, larger blocks past 256 steps so
 * there are never more than 32 digits): a replay whose run makes other decisions than the
 * recorded one is stopped at the end of the first block that differs, so it says where it
 * left the schedule even between deviations. Strings without them still decode.
 *
 * A hold (see `strategies/holds.ts`) carries its length after the step: `6~5=bob:…<alice:…`
 * takes bob's decision at step 6 and keeps alice's back while bob takes 5 steps. A string
 * with a hold is version `fr2`; one without is still written as `fr1`, so strings from
 * earlier versions and new ones without holds read the same everywhere.
 *
 * Everything else in the run is first-come order, so the string stays short. Decisions are
 * named by stable labels (`task:operation#occurrence:phase`), never by indices: a string
 * still reads as what happened, and a replay that no longer fits says where it left the
 * schedule. `;`, `=`, `<`, `%`, quotes, `$`, backslashes and control characters inside a
 * label are percent-encoded, so the string pastes safely into code and single-quoted shell.
 *
 * @module
 */
import { RaceReplayInvalidError } from '../errors/index.ts';
import { fnv1a } from './prng.ts';
import type { Deviation } from './types.ts';

/** A decoded replay string. */
export interface ReplaySchedule {
  /** Fingerprint of the scenario's task labels. */
  readonly fingerprint: string;
  /** Number of decisions in the run. */
  readonly steps: number;
  /** Fingerprint of the run's decision sequence. */
  readonly hash: string;
  readonly deviations: readonly Deviation[];
  /** One hex digit per block of {@link checkpointBlock} steps; absent in older strings. */
  readonly checkpoints?: string;
}

/** Steps per checkpoint digit: 8, or more for long runs so there are at most 32 digits. */
export function checkpointBlock(steps: number): number {
  return Math.max(8, Math.ceil(steps / 32));
}

/**
 * The checkpoint digit of one block of decision ids.
 *
 * @example
 * ```ts
 * checkpointDigit(['alice:repo.get#1:start', 'bob:repo.get#1:start']); // e.g. 'e'
 * ```
 */
export function checkpointDigit(ids: readonly string[]): string {
  return fnv1a(ids.join('\n')).charAt(0);
}

/**
 * The checkpoints of a run's decision ids, in order.
 *
 * @example
 * ```ts
 * checkpointsOf(record.steps.map((step) => step.id)); // e.g. 'e3'
 * ```
 */
export function checkpointsOf(ids: readonly string[]): string {
  const block = checkpointBlock(ids.length);
  let digits = '';
  for (let start = 0; start < ids.length; start += block)
    digits += checkpointDigit(ids.slice(start, start + block));
  return digits;
}

/** Without holds, and every string fray 0.1 wrote. */
const PLAIN = 'fr1';
/** With at least one hold. */
const HOLDS = 'fr2';

const UNSAFE = new Set(['%', ';', '=', '<', "'", '"', '`', '$', '\\']);
/** Any character {@link escape} would encode: most labels have none and are returned as they are. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[%;=<'"`$\\\x00-\x1f\x7f]/;

function escape(id: string): string {
  if (!NEEDS_ESCAPE.test(id)) return id;
  let out = '';
  for (const c of id) {
    const code = c.charCodeAt(0);
    out +=
      UNSAFE.has(c) || code < 0x20 || code === 0x7f
        ? `%${code.toString(16).toUpperCase().padStart(2, '0')}`
        : c;
  }
  return out;
}

function unescape(text: string, replay: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RaceReplayInvalidError(replay, `'${text}' has a broken %-escape`);
  }
}

/**
 * Encode a schedule.
 *
 * @example
 * ```ts
 * encodeReplay({ fingerprint: '3a9f01c2', steps: 14, hash: 'b7e2d4a0', deviations: [] });
 * // 'fr1;3a9f01c2;14;b7e2d4a0'
 * ```
 */
export function encodeReplay(schedule: ReplaySchedule): string {
  const holds = schedule.deviations.some((d) => (d.hold ?? 1) > 1);
  if (schedule.deviations.some((d) => !Number.isSafeInteger(d.hold ?? 1) || (d.hold ?? 1) < 1))
    throw new RangeError('fray/race: a replay string holds a decision back for a whole number of steps');
  return [
    holds ? HOLDS : PLAIN,
    schedule.fingerprint,
    String(schedule.steps),
    schedule.hash,
    ...schedule.deviations.map(
      (d) => `${d.step}${(d.hold ?? 1) > 1 ? `~${d.hold}` : ''}=${escape(d.chosen)}<${escape(d.instead)}`,
    ),
    ...(schedule.checkpoints === undefined || schedule.checkpoints === ''
      ? []
      : [`@${schedule.checkpoints}`]),
  ].join(';');
}

/**
 * Decode a replay string; throws `FRAY_RACE_REPLAY_INVALID` when it is malformed.
 *
 * @example
 * ```ts
 * const { deviations } = decodeReplay(result.failure.replay);
 * ```
 */
export function decodeReplay(replay: string): ReplaySchedule {
  const text = replay.trim().replace(/^['"]|['"]$/g, '');
  const [version, fingerprint, steps, hash, ...rest] = text.split(';');
  if (version !== PLAIN && version !== HOLDS) {
    const newer = /^fr(\d+)$/.exec(version ?? '');
    throw new RaceReplayInvalidError(
      replay,
      newer !== null && Number(newer[1]) > 2
        ? `it was written by a newer fray (format ${version}; this one reads ${PLAIN} and ${HOLDS}): upgrade fray to replay it`
        : `it should start with '${PLAIN};' or '${HOLDS};'`,
    );
  }
  if (fingerprint === undefined || !/^[0-9a-f]{8}$/.test(fingerprint))
    throw new RaceReplayInvalidError(replay, 'the scenario fingerprint is missing');
  if (steps === undefined || !/^\d+$/.test(steps))
    throw new RaceReplayInvalidError(replay, 'the step count is missing');
  if (hash === undefined || !/^[0-9a-f]{8}$/.test(hash))
    throw new RaceReplayInvalidError(replay, 'the decision fingerprint is missing');
  let checkpoints: string | undefined;
  const last = rest.at(-1);
  if (last?.startsWith('@') === true) {
    rest.pop();
    checkpoints = last.slice(1);
    const expected = Math.ceil(Number(steps) / checkpointBlock(Number(steps)));
    if (!/^[0-9a-f]*$/.test(checkpoints) || checkpoints.length !== expected)
      throw new RaceReplayInvalidError(
        replay,
        `the checkpoints '@${checkpoints}' should be ${expected} hex digits for ${steps} steps`,
      );
  }
  let previous = 0;
  const deviations = rest.map((item) => {
    const match = /^(\d+)(?:~(\d+))?=([^<]*)<(.*)$/.exec(item);
    if (match === null)
      throw new RaceReplayInvalidError(
        replay,
        `'${item}' is not step=chosen<instead${version === HOLDS ? ' or step~hold=chosen<instead' : ''}`,
      );
    const step = Number(match[1]);
    const hold = match[2] === undefined ? undefined : Number(match[2]);
    if (hold !== undefined && (version === PLAIN || hold < 2))
      throw new RaceReplayInvalidError(
        replay,
        version === PLAIN
          ? `'${item}' holds a decision back, which only ${HOLDS} strings do`
          : `'${item}' holds a decision back for ${hold} steps; a hold is 2 steps or more`,
      );
    if (step <= previous || step > Number(steps))
      throw new RaceReplayInvalidError(
        replay,
        `deviation steps must increase within 1..${steps} (got ${step})`,
      );
    previous = step;
    const chosen = unescape(match[3] ?? '', replay);
    const instead = unescape(match[4] ?? '', replay);
    return hold === undefined ? { step, chosen, instead } : { step, chosen, instead, hold };
  });
  return {
    fingerprint,
    steps: Number(steps),
    hash,
    deviations,
    ...(checkpoints === undefined ? {} : { checkpoints }),
  };
}
