/**
 * The HTML report's inline style sheet: light and dark colours, tables that wrap their long
 * cells (and scroll inside their box rather than widen the page), the plots, and the race
 * section's timeline, diff and copy button. Nothing in it may widen the page past its
 * 1,120 px column: long words (replay strings, paths) break anywhere.
 *
 * @module
 */

/**
 * The report's CSS.
 *
 * @example
 * ```ts
 * const head = `<style>${STYLE}</style>`;
 * ```
 */
export const STYLE = `
:root{color-scheme:light dark;--fg:#0f172a;--bg:#fff;--muted:#64748b;--line:#e2e8f0;--span0:rgba(37,99,235,.05);--span1:rgba(219,39,119,.05);--code:#f1f5f9}
@media (prefers-color-scheme:dark){:root{--fg:#e2e8f0;--bg:#0b1120;--muted:#94a3b8;--line:#1e293b;--code:#111827}}
*,*::before,*::after{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:24px;max-width:1120px;overflow-wrap:anywhere}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:22px 0 6px}h4{font-size:14px;margin:14px 0 4px}
.muted{color:var(--muted)}code,pre{font:12px ui-monospace,Menlo,monospace}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--code);border-radius:6px;padding:8px 10px;margin:6px 0}
.table-box{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap;vertical-align:top}
th:first-child,td:first-child{text-align:left}
table.gates td,table.gates th,table.errors td,table.errors th,table.wrap td,table.wrap th,table.races td,table.races th{text-align:left;white-space:normal}
table.races td:first-child,table.races td:nth-child(2){white-space:nowrap}
.ok{color:#16a34a;font-weight:600}.bad{color:#dc2626;font-weight:600}.warn{color:#ca8a04;font-weight:600}
.badge{display:inline-block;font-size:11px;font-weight:600;border:1px solid currentColor;border-radius:9px;padding:0 7px;margin-left:4px;white-space:nowrap}
.banner{border:1px solid #dc2626;border-radius:6px;padding:10px 14px;margin:16px 0;background:rgba(220,38,38,.07)}
.plots{display:grid;grid-template-columns:1fr;gap:18px}svg.plot,svg.timeline{width:100%;height:auto;display:block}
svg .frame{fill:none;stroke:var(--line)}svg .grid{stroke:var(--line);stroke-width:1}svg .tick,svg .legend,svg .span-label{fill:var(--muted);font-size:11px}
svg .axis-label{fill:var(--muted);font-size:12px}svg .plot-title{fill:var(--fg);font-size:14px;font-weight:600}
svg .series{stroke-width:2;stroke-linejoin:round}svg .span-0{fill:var(--span0)}svg .span-1{fill:var(--span1)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dt{color:var(--muted)}dd{margin:0}
ul.gaps{margin:4px 0 0;padding-left:18px}
.race-failure{border:1px solid var(--line);border-radius:8px;padding:4px 16px 12px;margin:16px 0}
pre.error{background:rgba(220,38,38,.07)}pre.diff .del{color:#16a34a}pre.diff .ins{color:#dc2626}
.timeline-box{border:1px solid var(--line);border-radius:6px;padding:6px;margin:8px 0}
svg.timeline .lane-rule{stroke:var(--line)}svg.timeline .lane-label{fill:var(--fg);font-size:12px;font-weight:600}svg.timeline .lane-outcome{fill:var(--muted);font-size:10px}
svg.timeline .life{fill:rgba(100,116,139,.07)}svg.timeline .life-rejected{fill:rgba(220,38,38,.06)}
svg.timeline .bar{fill:#2563eb}svg.timeline .bar.answer{fill:#0891b2}svg.timeline .bar.rejected{fill:#dc2626}
svg.timeline .bar.open{fill-opacity:.35;stroke:#2563eb;stroke-dasharray:3 2}svg.timeline .bar.deviated{stroke:#ca8a04;stroke-width:2}
svg.timeline .begin-mark{fill:#64748b}svg.timeline .begin-mark.deviated{fill:#ca8a04}
svg.timeline .tick-mark{stroke:#64748b;stroke-width:1.5}svg.timeline .tick-mark.timer{stroke:#ea580c;stroke-width:2}svg.timeline .tick-mark.deviated{stroke:#ca8a04;stroke-width:2.5}
svg.timeline .deviation-marker line{stroke:#ca8a04;stroke-width:1.5}svg.timeline .deviation-marker text{fill:#ca8a04;font-size:11px;font-weight:600}
svg.timeline .broke-marker line{stroke:#dc2626;stroke-width:2}svg.timeline .broke-marker text{fill:#dc2626;font-size:11px;font-weight:600}
.legend-line{font-size:12px;color:var(--muted)}.key{display:inline-block;width:18px;height:8px;margin:0 4px 0 10px;vertical-align:middle;border-radius:2px}
.begin-key{width:9px;height:9px;background:#64748b;transform:rotate(45deg)}.bar-key{background:#2563eb}.answer-key{background:#0891b2}.tick-key{width:2px;height:11px;background:#64748b}.dev-key{width:2px;height:11px;background:#ca8a04}.broke-key{width:2px;height:11px;background:#dc2626}
ol.deviations{margin:4px 0;padding-left:0;list-style:none}ol.deviations li{margin:2px 0}
.copy-line{display:flex;gap:8px;align-items:flex-start}.copy-line code{flex:1;min-width:0;background:var(--code);border-radius:6px;padding:6px 8px;word-break:break-all}
button.copy{font:12px system-ui,sans-serif;padding:5px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);cursor:pointer}
`;
