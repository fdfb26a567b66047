/**
 * Live progress of a load run in the terminal: one bar per level, redrawn in place on a
 * TTY and finished with a newline when the level ends. Silent when the stream is not a
 * TTY or under CI, so logs stay clean.
 *
 * @module
 */
import { formatRate, progressFraction, type LoadProgress } from '../load/index.ts';

/** Where progress goes. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A progress display. */
export interface ProgressView {
  update(progress: LoadProgress): void;
  /** Finish the current line (on abort or error). */
  close(): void;
}

/**
 * Whether live progress should be drawn: a TTY, not CI, not asked to be quiet.
 *
 * @example
 * ```ts
 * liveProgressWanted(process.stderr, process.env, false); // true in a terminal
 * ```
 */
export function liveProgressWanted(
  stream: ProgressStream,
  env: Readonly<Record<string, string | undefined>>,
  quiet: boolean,
): boolean {
  const ci =
    env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== '0' && env['CI'].toLowerCase() !== 'false';
  return stream.isTTY === true && !ci && !quiet && env['TERM'] !== 'dumb';
}

/**
 * Render one progress line.
 *
 * @example
 * ```ts
 * progressLine(event, 30); // 'c=10   [█████░░░░░]  52%  2.6s  1,234 req  480/s  0 err'
 * ```
 */
export function progressLine(progress: LoadProgress, barWidth: number): string {
  const fraction = progressFraction(progress);
  const filled = Math.round(fraction * barWidth);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
  const phase = progress.phase === 'warmup' ? ' warm-up' : '';
  const label = `${progress.label}${phase}`.padEnd(14);
  const pct = `${Math.round(fraction * 100)}%`.padStart(4);
  const seconds = `${(progress.elapsedMs / 1000).toFixed(1)}s`.padStart(6);
  const done = `${progress.completed.toLocaleString('en-US')} req`.padStart(12);
  const rate = formatRate(progress.throughput).padStart(9);
  const errors = `${progress.errors.toLocaleString('en-US')} err`;
  return `${label} [${bar}] ${pct} ${seconds} ${done} ${rate}  ${errors}`;
}

/**
 * A progress view on `stream`; a no-op when live progress is not wanted.
 *
 * @example
 * ```ts
 * const view = progressView(io.stderr, liveProgressWanted(io.stderr, io.env, false));
 * await load(target, { …, onProgress: (p) => view.update(p) });
 * ```
 */
export function progressView(stream: ProgressStream, live: boolean): ProgressView {
  if (!live) return { update: () => undefined, close: () => undefined };
  let open = false;
  return {
    update(progress) {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
      stream.write(`\r\x1b[2K${progressLine(progress, width)}`);
      open = true;
      if (progress.phase === 'done') {
        stream.write('\n');
        open = false;
      }
    },
    close() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
