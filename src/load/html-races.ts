/**
 * The race checks of a run in the HTML report: a table with each check's verdict and what it
 * covered in one wrapped line (schedules, exhaustive, a PCT bound, or the gaps that make a
 * pass "not a proof"), then, for every failing schedule, a card: the violated invariant with
 * its diff, how it was found, the timeline (one lane per task), the deviations from
 * first-come order in words, the replay command with a copy button, and fray/race's text
 * report folded away.
 *
 * @module
 */
import type { ControlGap } from '../race/index.ts';
import { timelineSvg } from './html-timeline.ts';
import type { RaceCheckFailure, RaceCheckSummary, RaceClaim } from './run-report.ts';
import { escapeHtml } from './svg-plot.ts';

const STATUS_CLASS: Readonly<Record<RaceCheckSummary['status'], string>> = {
  passed: 'ok',
  found: 'warn',
  skipped: 'warn',
  failed: 'bad',
  error: 'bad',
};

const CLAIM_TEXT: Readonly<Record<RaceClaim, string>> = {
  exhaustive: 'proof: every schedule explored',
  'probability-bound': 'PCT probability bound',
  sampled: 'sampled, complete control',
  'not-a-proof': 'not a proof',
  failure: 'schedule found',
};

function claimBadge(race: RaceCheckSummary): string {
  const claim = race.exploration?.claim;
  if (claim === undefined) return '';
  const tone = claim === 'not-a-proof' ? 'warn' : claim === 'failure' ? 'muted' : 'ok';
  return ` <span class="badge ${tone}" data-claim="${claim}">${escapeHtml(CLAIM_TEXT[claim])}</span>`;
}

/** Gaps that say the same thing about several tasks, once, with the tasks named. */
function distinctGaps(gaps: readonly ControlGap[]): { gap: ControlGap; tasks: string[] }[] {
  const groups = new Map<string, { gap: ControlGap; tasks: string[] }>();
  for (const gap of gaps) {
    const key = `${gap.kind}\u0000${gap.what}\u0000${gap.fix}`;
    const group = groups.get(key) ?? { gap, tasks: [] };
    if (gap.task !== undefined && !group.tasks.includes(gap.task)) group.tasks.push(gap.task);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** What a check covered, or what it found, in one line that wraps. */
function coverageCell(race: RaceCheckSummary): string {
  const gaps = race.exploration?.gaps ?? [];
  const failure = race.failure;
  const line =
    failure !== undefined
      ? `${failure.message.split('\n')[0] ?? ''} — found on run ${failure.run.toLocaleString('en-US')} by ${failure.foundBy}, ${failure.schedule.length} deviation(s) from first-come order${failure.reproduced ? '' : '; replaying it did NOT fail again'}`
      : (race.exploration?.summary ?? race.detail.replace(/\s*\n\s*/g, ' '));
  const gapList =
    failure === undefined && gaps.length > 0
      ? `<ul class="gaps">${distinctGaps(gaps)
          .map(
            ({ gap, tasks }) =>
              `<li><strong>${escapeHtml(gap.kind)}</strong>${tasks.length === 0 ? '' : ` (${escapeHtml(tasks.join(', '))})`}: ${escapeHtml(gap.what)} — <em>${escapeHtml(gap.fix)}</em></li>`,
          )
          .join('')}</ul>`
      : '';
  const summaryLine =
    failure === undefined || race.exploration === undefined
      ? ''
      : `<br><span class="muted">${escapeHtml(`${race.exploration.runs.toLocaleString('en-US')} run(s) (${race.exploration.strategy}, seed ${race.exploration.seed})`)}</span>`;
  return `<span class="coverage">${escapeHtml(line)}</span>${claimBadge(race)}${summaryLine}${gapList}`;
}

function anchor(name: string): string {
  return `race-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

/** A copyable line: the text in `<code>` and a button that copies it (inline script below). */
function copyLine(text: string): string {
  return `<div class="copy-line"><code class="replay">${escapeHtml(text)}</code><button type="button" class="copy" data-copy="${escapeHtml(text)}">copy</button></div>`;
}

function diffBlock(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  const shown = lines.map((line) => {
    const kind = line.startsWith('- ') ? 'del' : line.startsWith('+ ') ? 'ins' : 'same';
    return `<span class="${kind}">${escapeHtml(line)}</span>`;
  });
  return `<pre class="diff" aria-label="expected and actual"><span class="del">- expected</span>\n<span class="ins">+ actual</span>\n\n${shown.join('\n')}</pre>`;
}

function foundLine(failure: RaceCheckFailure): string {
  const shrunk =
    failure.originalDeviations === 0
      ? 'first-come order itself fails'
      : `shrunk from ${failure.originalDeviations} to ${failure.schedule.length} deviation(s) in ${failure.shrinkRuns} run(s)`;
  return `Found on run ${failure.run.toLocaleString('en-US')} by ${failure.foundBy}; ${shrunk}; ${failure.steps} steps. ${failure.reproduced ? 'Replaying it fails again.' : '<strong class="bad">Replaying it did not fail again</strong> — it depends on something fray does not control.'}`;
}

function legend(): string {
  return `<p class="legend-line"><span class="key begin-key"></span> the task began <span class="key bar-key"></span> an operation, from its start to the delivery of its result <span class="key answer-key"></span> an answer on a connection fray held, from the request sent to the answer delivered <span class="key tick-key"></span> the task resumed at an <code>await</code> <span class="key dev-key"></span> ✱ a deviation from first-come order <span class="key broke-key"></span> where the run broke. Hover a mark for its arguments and result.</p>`;
}

function failureCard(race: RaceCheckSummary, failure: RaceCheckFailure): string {
  const { timeline } = failure;
  const deviations =
    timeline.deviations.length === 0
      ? '<p class="muted">No deviation: first-come order itself fails (every task advances a step before any advances two).</p>'
      : `<ol class="deviations">${timeline.deviations.map((d) => `<li value="${d.step}" data-step="${d.step}">step ${d.step}: ${escapeHtml(d.text)}</li>`).join('')}</ol>`;
  return `<article class="race-failure" id="${anchor(race.name)}" data-race="${escapeHtml(race.name)}">
<h3>${escapeHtml(race.name)} — <span class="${STATUS_CLASS[race.status]}">${race.status === 'found' ? 'race found (expected)' : escapeHtml(timeline.broke.title)}</span></h3>
<p class="invariant"><strong>${escapeHtml(timeline.broke.title)}</strong> after step ${timeline.broke.step}:</p>
<pre class="error">${escapeHtml(failure.message)}</pre>
${diffBlock(timeline.broke.diff)}
<p>${foundLine(failure)}</p>
<div class="timeline-box">${timelineSvg(timeline, race.name)}</div>
${legend()}
<h4>Deviations from first-come order (${timeline.deviations.length})</h4>
${deviations}
<h4>Replay</h4>
${copyLine(race.replay ?? `explore({ …, replay: '${failure.replay}' })`)}
<details><summary>fray/race's report</summary><pre class="text-report">${escapeHtml(failure.report)}</pre></details>
</article>`;
}

/**
 * The race-check section.
 *
 * @example
 * ```ts
 * const html = racesSection(runReport.races);
 * ```
 */
export function racesSection(races: readonly RaceCheckSummary[]): string {
  const rows = races.map((race) => {
    const name =
      race.failure === undefined
        ? escapeHtml(race.name)
        : `<a href="#${anchor(race.name)}">${escapeHtml(race.name)}</a>`;
    return `<tr data-race="${escapeHtml(race.name)}" data-status="${race.status}"><td>${name}</td><td><span class="${STATUS_CLASS[race.status]}">${race.status === 'found' ? 'found (expected)' : race.status}</span></td><td>${coverageCell(race)}</td></tr>`;
  });
  const cards = races
    .filter((race) => race.failure !== undefined)
    .map((race) => failureCard(race, race.failure as RaceCheckFailure));
  return `<section><h2>Race checks</h2><div class="table-box"><table class="races"><thead><tr><th>check</th><th>status</th><th>coverage or finding</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${cards.join('\n')}</section>`;
}

/**
 * The page's only script: a copy button copies its line — through the clipboard API where
 * the page may use it, else by selecting the line and `execCommand('copy')`. Without
 * scripts the line is still there to select.
 *
 * @example
 * ```ts
 * const tail = `<script>${COPY_SCRIPT}</script>`;
 * ```
 */
export const COPY_SCRIPT = `document.addEventListener('click',function(e){var b=e.target instanceof Element?e.target.closest('button.copy'):null;if(!b)return;var t=b.getAttribute('data-copy')||'';var done=function(){b.textContent='copied';setTimeout(function(){b.textContent='copy'},1500)};var fallback=function(){var c=b.previousElementSibling;var r=document.createRange();r.selectNodeContents(c);var s=getSelection();s.removeAllRanges();s.addRange(r);try{document.execCommand('copy')}catch(_){}done()};if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t).then(done,fallback)}else fallback()});`;
