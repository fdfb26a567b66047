/**
 * The self-contained HTML report: one file with inline CSS and inline SVG plots (latency
 * by percentile, throughput over time, latency over time), the summary and gate tables,
 * errors, validity warnings, the route checks, leaks and race checks of a `fray run` (each
 * failing race drawn as a timeline), and the full JSON report embedded for scripts. No
 * script, font or image is fetched, so it opens anywhere — a CI artifact, an e-mail,
 * offline; the only inline script copies replay lines.
 *
 * @module
 */
import type { Comparison } from './compare.ts';
import type { RouteCheckSummary } from './route-check.ts';
import type { GateCheck } from './gates.ts';
import { valueAtRank, type Distribution } from './histogram.ts';
import { levelHistogram, type LevelReport, type LoadReport } from './report.ts';
import { COPY_SCRIPT, racesSection } from './html-races.ts';
import { STYLE } from './html-style.ts';
import type { RaceCheckSummary, ReportedLeak } from './run-report.ts';
import { escapeHtml, linePlot, niceTicks, type Series, type Span } from './svg-plot.ts';
import { formatMs, formatPercent, formatRate } from './units.ts';

/** What else the page shows besides the report. */
export interface HtmlReportExtras {
  readonly title?: string;
  readonly gates?: GateCheck;
  readonly comparison?: Comparison;
  readonly races?: readonly RaceCheckSummary[];
  /** Route checks run before the load. */
  readonly routes?: readonly RouteCheckSummary[];
  /** What fray/leaks found the run left behind; an empty list shows "none". Default: not shown. */
  readonly leaks?: readonly ReportedLeak[];
  /** The command that produced the report, shown in the header. */
  readonly command?: string;
  /**
   * The JSON embedded in the page for scripts (`#fray-report`). Default: the load report;
   * `fray run` embeds its whole run report (what report.json holds).
   */
  readonly data?: unknown;
}

const COLORS = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#64748b'];
const color = (i: number): string => COLORS[i % COLORS.length] as string;

/** Percentile points (p in %, value in ms), HdrHistogram-style: finer towards the tail. */
function percentileSpectrum(distribution: Distribution, ticksPerHalf = 8): [number, number][] {
  const n = distribution.count;
  if (n === 0) return [];
  const points: [number, number][] = [];
  for (let i = 0; ; i++) {
    const remaining = 0.5 ** (i / ticksPerHalf);
    const p = 1 - remaining;
    if (remaining < 1 / n) break;
    points.push([p * 100, valueAtRank(distribution, Math.max(1, Math.ceil(p * n))) / 1000]);
    if (i > 400) break;
  }
  points.push([100 * (1 - 1 / (n + 1)), valueAtRank(distribution, n) / 1000]);
  return points;
}

const percentileX = (p: number): number => -Math.log10(1 - p / 100);

function msTicks(max: number): ReturnType<typeof niceTicks> {
  return niceTicks(0, max, 5, (value) => (value === 0 ? '0' : formatMs(value)));
}

function percentilePlot(levels: readonly LevelReport[]): string {
  const series: Series[] = [];
  let maxX = 2;
  let maxY = 0;
  levels.forEach((level, i) => {
    const kinds: ('corrected' | 'uncorrected')[] =
      level.uncorrectedHistogram === undefined ? ['corrected'] : ['corrected', 'uncorrected'];
    for (const kind of kinds) {
      const distribution = levelHistogram(level, kind).distribution();
      const spectrum = percentileSpectrum(distribution);
      if (spectrum.length === 0) continue;
      const points = spectrum.map(([p, ms]) => [percentileX(p), ms] as const);
      maxX = Math.max(maxX, ...points.map(([x]) => x));
      maxY = Math.max(maxY, ...points.map(([, y]) => y));
      const summary = kind === 'corrected' ? level.latency : (level.uncorrectedLatency ?? level.latency);
      const markers = (
        [
          ['p50', 50, summary.p50],
          ['p90', 90, summary.p90],
          ['p99', 99, summary.p99],
          ['p99.9', 99.9, summary.p999],
        ] as const
      )
        .filter(([, p]) => percentileX(p) <= (points.at(-1)?.[0] ?? 0))
        .map(([name, p, value]) => ({
          x: percentileX(p),
          y: value,
          title: `${level.label} ${kind === 'uncorrected' ? 'uncorrected ' : ''}${name}: ${formatMs(value)}`,
        }));
      series.push({
        name: `${level.label}${kind === 'uncorrected' ? ' uncorrected' : ''}`,
        color: color(i),
        dashed: kind === 'uncorrected',
        points,
        markers,
      });
    }
  });
  const xMax = Math.min(6, Math.ceil(maxX));
  const xTicks = Array.from({ length: xMax + 1 }, (_, k) => ({
    value: k,
    label: k === 0 ? '0%' : `${(100 - 100 / 10 ** k).toFixed(Math.max(0, k - 2))}%`,
  }));
  const yTicks = msTicks(maxY * 1.05 || 1);
  return linePlot({
    id: 'latency-percentiles',
    title: 'Latency by percentile',
    xLabel: 'percentile',
    yLabel: 'latency',
    xDomain: [0, xMax],
    yDomain: [0, yTicks.at(-1)?.value ?? (maxY || 1)],
    xTicks,
    yTicks,
    series,
  });
}

function timeAxis(levels: readonly LevelReport[]): { offsets: number[]; end: number; spans: Span[] } {
  const origin = levels[0]?.startedAt ?? 0;
  const offsets = levels.map((level) => (level.startedAt - origin) / 1000);
  const spans = levels.map((level, i) => ({
    from: offsets[i] ?? 0,
    to: (offsets[i] ?? 0) + level.durationMs / 1000,
    label: level.label,
  }));
  const end = Math.max(0.001, ...spans.map((span) => span.to));
  return { offsets, end, spans };
}

function throughputPlot(levels: readonly LevelReport[]): string {
  const { offsets, end, spans } = timeAxis(levels);
  const series: Series[] = [];
  let maxY = 0;
  levels.forEach((level, i) => {
    const offset = offsets[i] ?? 0;
    const points: [number, number][] = [];
    const errors: [number, number][] = [];
    for (const [index, point] of level.timeline.entries()) {
      // A sliver of an interval at the very end says little and draws a cliff.
      if (index > 0 && index === level.timeline.length - 1 && point.ms < (level.timeline[0]?.ms ?? 0) / 2)
        continue;
      const rate = (point.requests * 1000) / point.ms;
      const errorRate = (point.errors * 1000) / point.ms;
      const from = offset + point.t / 1000;
      const to = from + point.ms / 1000;
      points.push([from, rate], [to, rate]);
      errors.push([from, errorRate], [to, errorRate]);
      maxY = Math.max(maxY, rate);
    }
    series.push({ name: level.label, color: color(i), points });
    if (level.requests > 0 && level.errorRate > 0)
      series.push({ name: `${level.label} errors`, color: '#dc2626', dashed: true, points: errors });
  });
  const yTicks = niceTicks(0, maxY * 1.1 || 1, 5, (value) => formatRate(value));
  return linePlot({
    id: 'throughput-over-time',
    title: 'Throughput over time',
    xLabel: 'seconds since the first level started',
    yLabel: 'completed requests per second',
    xDomain: [0, end],
    yDomain: [0, yTicks.at(-1)?.value ?? 1],
    xTicks: niceTicks(0, end, 8, (value) => `${value}s`),
    yTicks,
    series,
    spans,
  });
}

function latencyOverTimePlot(levels: readonly LevelReport[]): string {
  const { offsets, end, spans } = timeAxis(levels);
  const series: Series[] = [];
  let maxY = 0;
  levels.forEach((level, i) => {
    const offset = offsets[i] ?? 0;
    const p99: [number, number][] = [];
    const p50: [number, number][] = [];
    for (const point of level.timeline) {
      if (point.requests === 0) continue;
      const mid = offset + (point.t + point.ms / 2) / 1000;
      p99.push([mid, point.p99]);
      p50.push([mid, point.p50]);
      maxY = Math.max(maxY, point.p99);
    }
    series.push({ name: `${level.label} p99`, color: color(i), points: p99 });
    series.push({ name: `${level.label} p50`, color: color(i), dashed: true, points: p50 });
  });
  const yTicks = msTicks(maxY * 1.05 || 1);
  return linePlot({
    id: 'latency-over-time',
    title: 'Latency over time (per interval, by completion)',
    xLabel: 'seconds since the first level started',
    yLabel: 'latency',
    xDomain: [0, end],
    yDomain: [0, yTicks.at(-1)?.value ?? 1],
    xTicks: niceTicks(0, end, 8, (value) => `${value}s`),
    yTicks,
    series,
    spans,
  });
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  return `<div class="table-box"><table class="${className}"><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

function summaryTable(report: LoadReport): string {
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
    'success',
    'errors',
    ...(open ? ['dropped', 'p99 uncorrected'] : []),
    'valid',
  ];
  const rows = report.levels.map((level) => [
    escapeHtml(level.label),
    level.requests.toLocaleString('en-US'),
    formatRate(level.throughput),
    formatMs(level.latency.p50),
    formatMs(level.latency.p90),
    formatMs(level.latency.p99),
    formatMs(level.latency.p999),
    formatMs(level.latency.max),
    formatPercent(level.successRate),
    Object.values(level.errors)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en-US'),
    ...(open
      ? [
          level.dropped.toLocaleString('en-US'),
          level.uncorrectedLatency === undefined ? '—' : formatMs(level.uncorrectedLatency.p99),
        ]
      : []),
    level.valid
      ? '<span class="ok">✓</span>'
      : level.invalidReasons.length === 0
        ? `<span class="warn" title="${escapeHtml((level.inconclusiveReasons ?? []).join('; '))}">inconclusive</span>`
        : `<span class="bad" title="${escapeHtml(level.invalidReasons.join('; '))}">invalid</span>`,
  ]);
  return table(headers, rows, 'summary');
}

function errorsTable(report: LoadReport): string {
  const rows: string[][] = [];
  for (const level of report.levels) {
    for (const [kind, count] of Object.entries(level.errors)) {
      rows.push([
        escapeHtml(level.label),
        escapeHtml(kind),
        count.toLocaleString('en-US'),
        `<code>${escapeHtml(level.errorSamples[kind] ?? '')}</code>`,
      ]);
    }
  }
  if (rows.length === 0) return '<p class="muted">No errors.</p>';
  return table(['level', 'kind', 'count', 'first message'], rows, 'errors');
}

function gatesSection(check: GateCheck): string {
  const mark = {
    pass: '<span class="ok">pass</span>',
    fail: '<span class="bad">fail</span>',
    inconclusive: '<span class="warn">inconclusive</span>',
  };
  const rows = check.results.map((result) => [mark[result.status], escapeHtml(result.message)]);
  return `<section><h2>Gates — ${check.pass ? '<span class="ok">all hold</span>' : '<span class="bad">not met</span>'}</h2>${table(['verdict', 'gate'], rows, 'gates')}<p class="muted">Percentiles pass only when their confidence bound is within the limit; too few samples are inconclusive, never a pass.</p></section>`;
}

function comparisonSection(comparison: Comparison): string {
  const rows = comparison.levels.map((level) => [
    escapeHtml(level.level),
    `${level.ratio.toFixed(3)}×`,
    `${level.ci.lower.toFixed(3)} – ${level.ci.upper.toFixed(3)}`,
    escapeHtml(level.method),
    `<span class="${level.verdict === 'regression' ? 'bad' : level.verdict === 'improvement' ? 'ok' : 'muted'}">${level.verdict}</span>`,
  ]);
  return `<section><h2>Against the baseline — ${escapeHtml(comparison.verdict)}</h2>${table(['level', `${comparison.metric} ratio`, `${formatPercent(comparison.confidence)} CI`, 'method', 'verdict'], rows)}<p class="muted">Noise threshold ${formatPercent(comparison.noise)}, seed ${comparison.seed}.</p></section>`;
}

function routesSection(routes: readonly RouteCheckSummary[]): string {
  const rows = routes.map((route) => [
    escapeHtml(route.name),
    `<span class="${route.status === 'passed' ? 'ok' : 'bad'}">${route.status}</span>`,
    escapeHtml(route.detail),
  ]);
  return `<section><h2>Route checks</h2>${table(['route', 'status', 'detail'], rows, 'wrap')}</section>`;
}

function leaksSection(leaks: readonly ReportedLeak[]): string {
  if (leaks.length === 0)
    return '<section><h2>Leaks</h2><p class="ok">none: the run left nothing behind</p></section>';
  const rows = leaks.map((leak) => [
    escapeHtml(leak.check),
    escapeHtml(leak.description) +
      ((leak.count ?? 1) > 1
        ? ` <span class="badge warn">×${(leak.count ?? 1).toLocaleString('en-US')} from this line</span>`
        : ''),
    leak.location === undefined ? '' : `<code>${escapeHtml(leak.location)}</code>`,
  ]);
  return `<section><h2>Leaks</h2>${table(['check', 'what', 'created at'], rows, 'wrap')}</section>`;
}

/**
 * Render the self-contained HTML report.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('report.html', renderHtmlReport(report, { gates: checkGates(report, { p99: '< 50ms' }) }));
 * ```
 */
export function renderHtmlReport(report: LoadReport, extras: HtmlReportExtras = {}): string {
  const title = extras.title ?? report.name ?? 'fray load report';
  const invalid = report.levels.filter((level) => level.invalidReasons.length > 0);
  const busy = report.levels.filter((level) => (level.inconclusiveReasons ?? []).length > 0);
  const env = report.environment;
  const settings = report.settings;
  const facts: [string, string][] = [
    [
      'started',
      new Date(report.startedAt)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC'),
    ],
    [
      'model',
      report.model === 'open'
        ? `open (arrivals ${settings.arrivals ?? 'uniform'}; latency from intended starts)`
        : 'closed (fixed concurrency)',
    ],
    ['target', report.target.url ?? report.target.kind],
    [
      'per level',
      [
        settings.durationMs === undefined ? '' : formatMs(settings.durationMs),
        settings.requests === undefined ? '' : `${settings.requests.toLocaleString('en-US')} requests`,
      ]
        .filter(Boolean)
        .join(' / '),
    ],
    ['timeout', formatMs(settings.timeoutMs)],
    [
      'machine',
      `node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} CPU${env.cpus === 1 ? '' : 's'}${env.ci ? ', CI' : ''}`,
    ],
    [
      'generator',
      report.levels[0]?.generator.thread === 'worker'
        ? 'worker thread'
        : 'in-process (same thread as the target)',
    ],
    ['seed', String(report.seed)],
  ];
  if (extras.command !== undefined) facts.push(['command', `<code>${escapeHtml(extras.command)}</code>`]);
  const json = JSON.stringify(extras.data ?? report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(title)}</h1><p class="muted">fray load report · ${report.levels.length} level${report.levels.length === 1 ? '' : 's'}${report.aborted ? ' · <span class="bad">aborted</span>' : ''}</p></header>
${invalid.length === 0 ? '' : `<div class="banner" role="alert"><strong>${invalid.length} level${invalid.length === 1 ? ' is' : 's are'} invalid</strong> — the numbers may describe the load generator rather than the target:<ul>${invalid.map((level) => `<li>${escapeHtml(level.label)}: ${escapeHtml(level.invalidReasons.join('; '))}</li>`).join('')}</ul></div>`}
${busy.length === 0 ? '' : `<div class="banner" role="status"><strong>${busy.length} level${busy.length === 1 ? ' is' : 's are'} inconclusive</strong> — measured while the machine was busy (or with too few requests): latency and throughput gates that did not hold there are not judged:<ul>${busy.map((level) => `<li>${escapeHtml(level.label)}: ${escapeHtml((level.inconclusiveReasons ?? []).join('; '))}</li>`).join('')}</ul></div>`}
<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${k === 'command' ? v : escapeHtml(v)}</dd>`).join('')}</dl>
${extras.gates === undefined ? '' : gatesSection(extras.gates)}
<section><h2>Summary</h2>${summaryTable(report)}</section>
${extras.comparison === undefined ? '' : comparisonSection(extras.comparison)}
<section><h2>Plots</h2><div class="plots">${percentilePlot(report.levels)}${throughputPlot(report.levels)}${latencyOverTimePlot(report.levels)}</div>
${report.model === 'open' ? '<p class="muted">Solid lines: latency from each request\'s intended start (what users see). Dashed: from the moment it was actually sent (what a closed-loop tool reports; it hides stalls).</p>' : '<p class="muted">Closed model: latency from each request\'s actual start. A stalled target also slows the arrival of new requests here; use a rate (open model) to see stalls as users would.</p>'}</section>
<section><h2>Errors</h2>${errorsTable(report)}</section>
${extras.routes === undefined || extras.routes.length === 0 ? '' : routesSection(extras.routes)}
${extras.races === undefined || extras.races.length === 0 ? '' : racesSection(extras.races)}
${extras.leaks === undefined ? '' : leaksSection(extras.leaks)}
<section><h2>Data</h2><p class="muted">The full report, histograms included (HdrHistogram V2, compressed, base64, µs), is embedded below as JSON: <code>JSON.parse(document.getElementById('fray-report').textContent)</code>.</p></section>
<script type="application/json" id="fray-report">${json}</script>
${extras.races === undefined || extras.races.length === 0 ? '' : `<script>${COPY_SCRIPT}</script>`}
</body></html>
`;
}
