/**
 * A failing race schedule drawn as a static SVG: one lane per task, each operation a bar from
 * the step it started to the step its result was delivered (an answer on a held connection:
 * from the step its request was sent to the step the answer arrived), each resumption at an
 * `await` a tick, every deviation from first-come order a dashed amber line marked ✱, and a
 * red line where the run broke. Every mark carries a native tooltip (what, arguments,
 * result, steps) and `data-` attributes scripts and tests can read. No script needed.
 *
 * @module
 */
import type { RaceTimeline, RaceTimelineLane, RaceTimelineOp } from '../race/index.ts';
import { escapeHtml, niceTicks } from './svg-plot.ts';

const WIDTH = 1040;
const GUTTER = 132;
const RIGHT = 56;
const TOP = 30;
const BOTTOM = 34;
const ROW = 11;
const BAR = 7;
const LANE_PAD = 7;
/** Beyond this many ticks in a lane, they are one path (no tooltip each). */
const MAX_TICK_ELEMENTS = 600;

const n2 = (value: number): string => (Math.round(value * 100) / 100).toString();

/** The step range a mark covers, for packing bars into rows. */
interface Placed {
  readonly op: RaceTimelineOp;
  readonly from: number;
  readonly to: number;
  /** Never delivered: the bar runs to the end of the run, open. */
  readonly open: boolean;
}

function place(op: RaceTimelineOp, steps: number): Placed | undefined {
  if (op.kind === 'await' || op.kind === 'timer') return undefined;
  const from = op.start ?? op.requested;
  if (from === undefined) return undefined;
  const open = op.end === undefined;
  return { op, from, to: op.end ?? steps + 0.5, open };
}

/** Greedy interval packing: each bar goes in the first row where it overlaps nothing. */
function pack(placed: readonly Placed[]): Placed[][] {
  const rows: Placed[][] = [];
  const ends: number[] = [];
  for (const bar of [...placed].sort((a, b) => a.from - b.from || b.to - a.to)) {
    let row = ends.findIndex((end) => end < bar.from);
    if (row === -1) {
      row = rows.length;
      rows.push([]);
      ends.push(-Infinity);
    }
    (rows[row] as Placed[]).push(bar);
    ends[row] = bar.to;
  }
  return rows;
}

function tooltip(lane: string, op: RaceTimelineOp): string {
  const what =
    op.kind === 'await'
      ? `resumed at ${op.label}`
      : op.kind === 'answer'
        ? `answer on ${op.label}`
        : op.kind === 'timer'
          ? `${op.label} fired`
          : `${op.label}${op.args}`;
  const steps =
    op.kind === 'call' || op.kind === 'answer'
      ? ` — ${op.kind === 'answer' ? 'sent' : 'started'} at step ${op.start ?? '?'}, ${op.end === undefined ? 'never delivered' : `${op.kind === 'answer' ? 'arrived' : 'delivered'} at step ${op.end}`}`
      : op.end === undefined
        ? ` — ${op.result || 'never'}`
        : ` — step ${op.end}`;
  const result =
    op.result === '' || op.kind === 'timer' ? '' : `\n${op.status === 'rejected' ? '✗' : '→'} ${op.result}`;
  return `${lane}: ${what}${steps}${result}`;
}

/**
 * Draw a failing run's timeline.
 *
 * @example
 * ```ts
 * const svg = timelineSvg(summary.failure.timeline, 'oversellNaive');
 * ```
 */
export function timelineSvg(timeline: RaceTimeline, id: string): string {
  const steps = Math.max(1, timeline.steps);
  const plotW = WIDTH - GUTTER - RIGHT;
  const cell = plotW / steps;
  const x = (step: number): number => GUTTER + (step - 0.5) * cell;
  const deviated = new Set(timeline.deviations.map((d) => d.step));
  const lanes = timeline.lanes.map((lane) => {
    const placed = lane.ops.map((op) => place(op, steps)).filter((p): p is Placed => p !== undefined);
    const ticks = lane.ops.filter(
      (op) => (op.kind === 'await' || op.kind === 'timer') && op.end !== undefined,
    );
    const rows = pack(placed);
    // One row of ticks on top, then the packed bars.
    // Two rows at least: the lane's name and its outcome are written in them.
    const height = LANE_PAD * 2 + ROW * Math.max(2, rows.length + (ticks.length > 0 ? 1 : 0));
    return { lane, rows, ticks, height };
  });
  const plotH = lanes.reduce((sum, lane) => sum + lane.height, 0);
  const height = TOP + plotH + BOTTOM;
  const parts: string[] = [
    `<svg class="timeline" data-timeline="${escapeHtml(id)}" data-steps="${timeline.steps}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(`timeline of ${id}: ${timeline.lanes.length} tasks, ${timeline.steps} steps`)}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(`${id}: ${timeline.steps} steps, ${timeline.deviations.length} deviation(s) from first-come order`)}</title>`,
  ];
  // Step axis: ticks and grid.
  const axis = niceTicks(1, steps, Math.min(10, steps)).filter((t) => t.value >= 1 && t.value <= steps);
  for (const tick of axis) {
    const tx = n2(x(tick.value));
    parts.push(
      `<line class="grid" x1="${tx}" x2="${tx}" y1="${TOP}" y2="${TOP + plotH}"/><text class="tick" x="${tx}" y="${TOP + plotH + 14}" text-anchor="middle">${tick.value}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${GUTTER + plotW / 2}" y="${height - 4}" text-anchor="middle">step (one decision each)</text>`,
  );
  let y = TOP;
  for (const { lane, rows, ticks, height: laneH } of lanes) {
    parts.push(laneMarks(lane, rows, ticks, y, laneH, x, cell, steps, deviated));
    y += laneH;
  }
  // Deviations across every lane, then where the run broke.
  for (const deviation of timeline.deviations) {
    const dx = n2(x(deviation.step));
    parts.push(
      `<g class="deviation-marker" data-step="${deviation.step}"><title>${escapeHtml(`step ${deviation.step}: ${deviation.text}`)}</title><line x1="${dx}" x2="${dx}" y1="${TOP - 6}" y2="${TOP + plotH}" stroke-dasharray="4 3"/><text x="${dx}" y="${TOP - 9}" text-anchor="middle">✱ ${deviation.step}</text></g>`,
    );
  }
  const bx = n2(GUTTER + timeline.broke.step * cell + 2);
  parts.push(
    `<g class="broke-marker" data-step="${timeline.broke.step}" data-kind="${escapeHtml(timeline.broke.kind)}"><title>${escapeHtml(`${timeline.broke.title} after step ${timeline.broke.step}: ${timeline.broke.message.split('\n')[0] ?? ''}`)}</title><line x1="${bx}" x2="${bx}" y1="${TOP - 6}" y2="${TOP + plotH}"/><text x="${bx}" y="${TOP - 9}" text-anchor="end">${escapeHtml(timeline.broke.kind === 'check' ? 'check failed' : timeline.broke.title)} ✗</text></g>`,
  );
  parts.push('</svg>');
  return parts.join('');
}

function laneMarks(
  lane: RaceTimelineLane,
  rows: readonly (readonly Placed[])[],
  ticks: readonly RaceTimelineOp[],
  top: number,
  height: number,
  x: (step: number) => number,
  cell: number,
  steps: number,
  deviated: ReadonlySet<number>,
): string {
  const parts: string[] = [
    `<g class="lane" data-lane="${escapeHtml(lane.task)}" data-status="${lane.status}">`,
  ];
  parts.push(
    `<line class="lane-rule" x1="0" x2="${WIDTH}" y1="${n2(top + height)}" y2="${n2(top + height)}"/>`,
  );
  // The task's life, from the step it began to the step that settled it.
  if (lane.begin !== undefined) {
    const from = x(lane.begin) - cell / 2;
    const to = lane.end === undefined ? x(steps) + cell / 2 : x(lane.end) + cell / 2;
    parts.push(
      `<rect class="life life-${lane.status}" x="${n2(from)}" y="${n2(top + 2)}" width="${n2(Math.max(1, to - from))}" height="${n2(height - 4)}"/>`,
    );
  }
  // Where the task began: a diamond on its first row.
  if (lane.begin !== undefined) {
    const bx = x(lane.begin);
    const by = top + LANE_PAD + ROW / 2;
    parts.push(
      `<path class="begin-mark${deviated.has(lane.begin) ? ' deviated' : ''}" data-step="${lane.begin}" d="M${n2(bx)},${n2(by - 5)}l5,5l-5,5l-5,-5z"><title>${escapeHtml(`${lane.task} began at step ${lane.begin}`)}</title></path>`,
    );
  }
  const name = lane.task.length > 18 ? `${lane.task.slice(0, 17)}…` : lane.task;
  const outcome =
    lane.status === 'pending' ? 'pending' : `${lane.status === 'fulfilled' ? '→' : '✗'} ${lane.result}`;
  parts.push(
    `<text class="lane-label" x="6" y="${n2(top + LANE_PAD + 9)}"><title>${escapeHtml(`${lane.task} ${outcome}`)}</title>${escapeHtml(name)}</text>`,
    `<text class="lane-outcome" x="6" y="${n2(top + LANE_PAD + 21)}">${escapeHtml(outcome.length > 22 ? `${outcome.slice(0, 21)}…` : outcome)}</text>`,
  );
  let rowTop = top + LANE_PAD;
  if (ticks.length > 0) {
    if (ticks.length > MAX_TICK_ELEMENTS) {
      const d = ticks.map((op) => `M${n2(x(op.end ?? 0))},${n2(rowTop)}v${BAR + 2}`).join('');
      parts.push(`<path class="tick-mark" data-op-kind="await" d="${d}"/>`);
    } else
      for (const op of ticks) {
        const tx = n2(x(op.end ?? 0));
        const dev = deviated.has(op.end ?? -1);
        parts.push(
          `<line class="tick-mark ${op.kind}${dev ? ' deviated' : ''}" data-op-kind="${op.kind}" data-end="${op.end}" x1="${tx}" x2="${tx}" y1="${n2(rowTop)}" y2="${n2(rowTop + BAR + 2)}"><title>${escapeHtml(tooltip(lane.task, op))}</title></line>`,
        );
      }
    rowTop += ROW;
  }
  for (const row of rows) {
    for (const bar of row) {
      const from = x(bar.from) - 1.5;
      const to = bar.open ? x(steps) + cell / 2 : x(bar.to) + 1.5;
      const dev = deviated.has(bar.from) || (bar.op.end !== undefined && deviated.has(bar.op.end));
      const classes = [
        'bar',
        bar.op.kind,
        bar.op.status === 'rejected' ? 'rejected' : '',
        bar.open ? 'open' : '',
        dev ? 'deviated' : '',
      ]
        .filter(Boolean)
        .join(' ');
      parts.push(
        `<rect class="${classes}" data-op-kind="${bar.op.kind}" data-key="${escapeHtml(bar.op.key)}" data-start="${bar.from}"${bar.op.end === undefined ? '' : ` data-end="${bar.op.end}"`} x="${n2(from)}" y="${n2(rowTop + (ROW - BAR) / 2)}" width="${n2(Math.max(3, to - from))}" height="${BAR}" rx="2"><title>${escapeHtml(tooltip(lane.task, bar.op))}</title></rect>`,
      );
    }
    rowTop += ROW;
  }
  parts.push('</g>');
  return parts.join('');
}
