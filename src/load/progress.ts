/**
 * Progress events of a load run, for live displays (the CLI's progress bars) and logs.
 *
 * @module
 */

/** The progress of the current level, sent about 5 times a second and once at its end. */
export interface LoadProgress {
  /** 0-based index of the level. */
  readonly level: number;
  /** Number of levels in the run. */
  readonly levels: number;
  /** `c=10` or `200/s`. */
  readonly label: string;
  /** `'warmup'` (not measured), `'measure'`, or `'done'` (the level's last event). */
  readonly phase: 'warmup' | 'measure' | 'done';
  /** Milliseconds since the phase started. */
  readonly elapsedMs: number;
  /** The phase's planned length in ms, when it is time-bound. */
  readonly plannedMs: number | undefined;
  /** Requests completed in this phase. */
  readonly completed: number;
  /** The phase's planned request count, when it is count-bound. */
  readonly plannedRequests: number | undefined;
  /** Errors so far in this phase. */
  readonly errors: number;
  /** Completed requests per second over the last interval (over the whole level when `done`). */
  readonly throughput: number;
}

/**
 * The fraction (0–1) of a phase that is done: by count or by time, whichever is further.
 *
 * @example
 * ```ts
 * progressFraction({ ...event, completed: 50, plannedRequests: 100 }); // 0.5
 * ```
 */
export function progressFraction(progress: LoadProgress): number {
  if (progress.phase === 'done') return 1;
  const byCount = progress.plannedRequests === undefined ? 0 : progress.completed / progress.plannedRequests;
  const byTime = progress.plannedMs === undefined ? 0 : progress.elapsedMs / progress.plannedMs;
  return Math.min(1, Math.max(byCount, byTime));
}
