/**
 * Static SVG line plots for the HTML report: axes with ticks and grid, several series
 * (solid or dashed), point markers with native tooltips, and shaded spans (one per level).
 * Rendered as text in Node, so the report needs no script to show its plots.
 *
 * @module
 */

/** An axis tick. */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

/** One series of a plot. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** Points in data coordinates (already transformed for log axes). */
  readonly points: readonly (readonly [number, number])[];
  /** Marked points with a tooltip. */
  readonly markers?: readonly { readonly x: number; readonly y: number; readonly title: string }[];
}

/** A shaded span along x, e.g. the time a level ran. */
export interface Span {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

/** What to draw. */
export interface PlotSpec {
  /** Used in `data-plot` so tests and scripts can find the plot. */
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  readonly series: readonly Series[];
  readonly spans?: readonly Span[];
  readonly width?: number;
  readonly height?: number;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escape text for HTML and SVG.
 *
 * @example
 * ```ts
 * escapeHtml('<b>'); // '&lt;b&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * "Nice" ticks for a linear domain: about `count` round values.
 *
 * @example
 * ```ts
 * niceTicks(0, 97, 5).map((t) => t.value); // [0, 20, 40, 60, 80, 100]
 * ```
 */
export function niceTicks(
  min: number,
  max: number,
  count: number,
  format: (value: number) => string = String,
): Tick[] {
  if (!(max > min)) return [{ value: min, label: format(min) }];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: Tick[] = [];
  // The last tick is at or above max, so the domain [first, last] holds every value.
  for (let value = Math.floor(min / step) * step; ; value += step) {
    const rounded = Number(value.toPrecision(12));
    ticks.push({ value: rounded, label: format(rounded) });
    if (rounded >= max) break;
  }
  return ticks;
}

const n2 = (value: number): string => (Math.round(value * 100) / 100).toString();

/** Height of one legend row. */
const LEGEND_ROW = 16;
/** Width of a legend label's character at 11 px, generously (labels must not collide). */
const LEGEND_CHAR = 6.8;

/**
 * Legend items laid out left to right below the title, wrapping into as many rows as the
 * plot's width needs; `height` is what the rows add above the plot.
 */
function legendLayout(
  series: readonly Series[],
  left: number,
  right: number,
): { items: string[]; height: number } {
  const shown = series.filter((s) => s.points.length > 0);
  if (shown.length === 0) return { items: [], height: 0 };
  const items: string[] = [];
  let x = left;
  let row = 0;
  for (const s of shown) {
    const w = 30 + s.name.length * LEGEND_CHAR;
    if (x > left && x + w > right) {
      row++;
      x = left;
    }
    const y = 38 + row * LEGEND_ROW;
    items.push(
      `<g class="legend-item"><line x1="${n2(x)}" x2="${n2(x + 18)}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.5"${s.dashed === true ? ' stroke-dasharray="5 3"' : ''}/><text class="legend" x="${n2(x + 22)}" y="${y}">${escapeHtml(s.name)}</text></g>`,
    );
    x += w;
  }
  return { items, height: (row + 1) * LEGEND_ROW };
}

/**
 * Render a line plot as an SVG element.
 *
 * @example
 * ```ts
 * const svg = linePlot({ id: 'x', title: 'T', xLabel: 's', yLabel: 'ms', xDomain: [0, 1], yDomain: [0, 1], xTicks: [], yTicks: [], series: [] });
 * ```
 */
export function linePlot(spec: PlotSpec): string {
  const width = spec.width ?? 1040;
  const base = { left: 72, right: 36, top: 34, bottom: 46 };
  // The legend has rows of its own between the title and the plot: it never covers the title.
  const legend = legendLayout(spec.series, base.left, width - base.right);
  const height = (spec.height ?? 360) + legend.height;
  const margin = { ...base, top: base.top + legend.height };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const [x0, x1] = spec.xDomain;
  const [y0, y1] = spec.yDomain;
  const sx = (x: number): number => margin.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number): number => margin.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const clampY = (y: number): number => Math.min(Math.max(y, y0), y1);
  const parts: string[] = [];
  parts.push(
    `<svg class="plot" data-plot="${escapeHtml(spec.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(`<title>${escapeHtml(spec.title)}</title>`);
  parts.push(`<rect class="frame" x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/>`);
  for (const [i, span] of (spec.spans ?? []).entries()) {
    const a = sx(Math.max(span.from, x0));
    const b = sx(Math.min(span.to, x1));
    parts.push(
      `<rect class="span span-${i % 2}" x="${n2(a)}" y="${margin.top}" width="${n2(Math.max(0, b - a))}" height="${plotH}"><title>${escapeHtml(span.label)}</title></rect>`,
    );
    parts.push(
      `<text class="span-label" x="${n2(a + 4)}" y="${margin.top + 12}">${escapeHtml(span.label)}</text>`,
    );
  }
  for (const tick of spec.yTicks) {
    if (tick.value < y0 || tick.value > y1) continue;
    const y = n2(sy(tick.value));
    parts.push(`<line class="grid" x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tick.label)}</text>`,
    );
  }
  for (const tick of spec.xTicks) {
    if (tick.value < x0 || tick.value > x1) continue;
    const x = n2(sx(tick.value));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}"/>`);
    parts.push(
      `<text class="tick" x="${x}" y="${margin.top + plotH + 16}" text-anchor="middle">${escapeHtml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  parts.push(`<text class="plot-title" x="${margin.left}" y="20">${escapeHtml(spec.title)}</text>`);
  for (const series of spec.series) {
    if (series.points.length === 0) continue;
    const d = series.points
      .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${n2(sx(x))},${n2(sy(clampY(y)))}`)
      .join('');
    parts.push(
      `<path class="series${series.dashed === true ? ' dashed' : ''}" data-series="${escapeHtml(series.name)}" d="${d}" stroke="${series.color}" fill="none"${series.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    for (const marker of series.markers ?? []) {
      parts.push(
        `<circle class="marker" cx="${n2(sx(marker.x))}" cy="${n2(sy(clampY(marker.y)))}" r="3" fill="${series.color}"><title>${escapeHtml(marker.title)}</title></circle>`,
      );
    }
  }
  parts.push(...legend.items);
  parts.push('</svg>');
  return parts.join('');
}
