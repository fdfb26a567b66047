/**
 * The text the CLI prints after a run or a comparison: a table per report, the gate
 * verdicts, the comparison, race checks — plain text, colored only on a TTY without
 * `NO_COLOR`.
 *
 * @module
 */
import {
  formatMs,
  formatPercent,
  formatRate,
  type Comparison,
  type GateCheck,
  type ReportedLeak,
  type LoadReport,
  type RaceCheckSummary,
  type RouteCheckSummary,
} from '../load/index.ts';

// Built from a string so the source holds no control character.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Colors for a stream (identity functions when colors are off). */
export interface Paint {
  readonly ok: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

/**
 * Colors when `stream` is a TTY and `NO_COLOR` is unset.
 *
 * @example
 * ```ts
 * const paint = paintFor(io.stdout, io.env);
 * io.stdout.write(paint.ok('✓'));
 * ```
 */
export function paintFor(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): Paint {
  const on = stream.isTTY === true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { ok: wrap(32, 39), bad: wrap(31, 39), warn: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/**
 * Align rows into columns: the first column left, the others right.
 *
 * @example
 * ```ts
 * textTable(['level', 'p99'], [['c=10', '8.2 ms']]);
 * ```
 */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const visible = (text: string): number => text.replace(ANSI, '').length;
  const widths = headers.map((header, i) =>
    Math.max(visible(header), ...rows.map((row) => visible(row[i] ?? ''))),
  );
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visible(text)));
    return i === 0 ? text + fill : fill + text;
  };
  return [headers, ...rows]
    .map((row) =>
      row
        .map((cell, i) => pad(cell, i))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The summary table of a report.
 *
 * @example
 * ```ts
 * io.stdout.write(reportTable(report, paint) + '\n');
 * ```
 */
export function reportTable(report: LoadReport, paint: Paint): string {
  const open = report.model === 'open';
  const headers = [
    'level',
    'requests',
    'throughput',
    'p50',
    'p90',
    'p99',
    'p99.9',
    'max',
    'errors',
    ...(open ? ['dropped', 'p99 uncorr.'] : []),
    'valid',
  ];
  const rows = report.levels.map((level) => {
    const errors = Object.values(level.errors).reduce((a, b) => a + b, 0);
    return [
      level.label,
      level.requests.toLocaleString('en-US'),
      formatRate(level.throughput),
      formatMs(level.latency.p50),
      formatMs(level.latency.p90),
      formatMs(level.latency.p99),
      formatMs(level.latency.p999),
      formatMs(level.latency.max),
      errors === 0 ? '0' : paint.bad(`${errors.toLocaleString('en-US')} (${formatPercent(level.errorRate)})`),
      ...(open
        ? [
            level.dropped === 0 ? '0' : paint.warn(level.dropped.toLocaleString('en-US')),
            level.uncorrectedLatency === undefined ? '—' : formatMs(level.uncorrectedLatency.p99),
          ]
        : []),
      level.valid
        ? paint.ok('✓')
        : level.invalidReasons.length === 0
          ? paint.warn('inconclusive')
          : paint.bad('invalid'),
    ];
  });
  const lines = [textTable(headers, rows)];
  for (const level of report.levels) {
    if (level.invalidReasons.length > 0)
      lines.push(paint.bad(`  ${level.label} is invalid: ${level.invalidReasons.join('; ')}`));
    else if ((level.inconclusiveReasons ?? []).length > 0)
      lines.push(
        paint.warn(`  ${level.label} is inconclusive: ${(level.inconclusiveReasons ?? []).join('; ')}`),
      );
    const interrupted = level.interrupted ?? 0;
    if (interrupted > 0)
      lines.push(
        paint.warn(
          `  ${level.label}: ${interrupted.toLocaleString('en-US')} request${interrupted === 1 ? ' was' : 's were'} still running when the level ended (${formatMs(level.interruptedMinMs ?? 0)} or more in flight) and ${interrupted === 1 ? 'was' : 'were'} aborted — not counted as errors; their time in flight is in the latency percentiles as a lower bound`,
        ),
      );
    for (const [kind, count] of Object.entries(level.errors)) {
      lines.push(
        paint.dim(
          `  ${level.label} ${kind} ×${count.toLocaleString('en-US')}: ${(level.errorSamples[kind] ?? '').replace(/\s+/g, ' ').slice(0, 120)}`,
        ),
      );
    }
  }
  return lines.join('\n');
}

/**
 * The gate verdicts.
 *
 * @example
 * ```ts
 * io.stdout.write(gatesText(check, 0.95, paint) + '\n');
 * ```
 */
export function gatesText(check: GateCheck, confidence: number, paint: Paint): string {
  const mark = { pass: paint.ok('✓'), fail: paint.bad('✗'), inconclusive: paint.warn('?') };
  const head = `gates (${formatPercent(confidence)} confidence bounds): ${check.pass ? paint.ok('all hold') : paint.bad('not met')}`;
  return [head, ...check.results.map((result) => `  ${mark[result.status]} ${result.message}`)].join('\n');
}

/**
 * A comparison, one line per level.
 *
 * @example
 * ```ts
 * io.stdout.write(comparisonText(result, paint) + '\n');
 * ```
 */
export function comparisonText(comparison: Comparison, paint: Paint): string {
  const color = (verdict: string): string =>
    verdict === 'regression'
      ? paint.bad(verdict)
      : verdict === 'improvement'
        ? paint.ok(verdict)
        : verdict === 'inconclusive'
          ? paint.warn(verdict)
          : paint.dim(verdict);
  const rows = comparison.levels.map((level) => [
    level.level,
    formatValue(comparison.metric, level.baseline),
    formatValue(comparison.metric, level.current),
    `${level.ratio.toFixed(3)}×`,
    `${level.ci.lower.toFixed(3)}–${level.ci.upper.toFixed(3)}`,
    level.method,
    color(level.verdict),
  ]);
  const table = textTable(
    [
      'level',
      `baseline ${comparison.metric}`,
      `current ${comparison.metric}`,
      'ratio',
      `${formatPercent(comparison.confidence)} CI`,
      'method',
      'verdict',
    ],
    rows,
  );
  const reasons = comparison.reasons.map((reason) => paint.warn(`  ? ${reason}`));
  return [
    table,
    `verdict: ${color(comparison.verdict)} ${paint.dim(`(noise threshold ${formatPercent(comparison.noise)}, seed ${comparison.seed})`)}`,
    ...reasons,
  ].join('\n');
}

function formatValue(metric: string, value: number): string {
  return metric === 'throughput' ? formatRate(value) : formatMs(value);
}

/**
 * Race check summaries.
 *
 * @example
 * ```ts
 * io.stdout.write(racesText(summaries, paint) + '\n');
 * ```
 */
export function racesText(races: readonly RaceCheckSummary[], paint: Paint): string {
  const mark = {
    passed: paint.ok('✓'),
    found: paint.warn('⚠'),
    failed: paint.bad('✗'),
    error: paint.bad('!'),
    skipped: paint.warn('-'),
  };
  return [
    'race checks:',
    ...races.map(
      (race) =>
        `  ${mark[race.status]} ${race.name}: ${race.detail}${race.replay === undefined ? '' : `\n      replay: ${race.replay}`}`,
    ),
  ].join('\n');
}

/**
 * The route checks, one line each.
 *
 * @example
 * ```ts
 * io.stdout.write(routesText(routes, paint) + '\n');
 * ```
 */
export function routesText(routes: readonly RouteCheckSummary[], paint: Paint): string {
  const passed = routes.filter((route) => route.status === 'passed').length;
  return [
    `routes checked: ${passed}/${routes.length} as expected`,
    ...routes.map(
      (route) =>
        `  ${route.status === 'passed' ? paint.ok('✓') : paint.bad('✗')} ${route.name}: ${route.detail}`,
    ),
  ].join('\n');
}

/**
 * What fray/leaks found the run left behind.
 *
 * @example
 * ```ts
 * io.stdout.write(leaksText(leaks, paint) + '\n');
 * ```
 */
export function leaksText(leaks: readonly ReportedLeak[], paint: Paint): string {
  if (leaks.length === 0)
    return `leaks: ${paint.ok('none')} — the run left no timer, socket, server, floating promise or rejection behind`;
  const total = leaks.reduce((sum, leak) => sum + (leak.count ?? 1), 0);
  return [
    `leaks: ${paint.bad(total.toLocaleString('en-US'))} left behind`,
    ...leaks.map(
      (leak) =>
        `  ${paint.bad('✗')} ${leak.check}: ${leak.description}${(leak.count ?? 1) > 1 ? ` — ${(leak.count ?? 1).toLocaleString('en-US')} times from the same line` : ''}${leak.location === undefined ? '' : ` (created at ${leak.location})`}`,
    ),
  ].join('\n');
}
