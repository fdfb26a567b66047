/**
 * report.html as `fray run` writes it, in a real browser (Debian's Chromium through
 * playwright-core, headless, offline) at 1,280 px: race checks explored for real through the
 * CLI's runRaceChecks — a webhook race that needs one deviation from first-come order, its
 * fix proved exhaustively, a pass that is not a proof (a real timer escaped the virtual
 * clock) — with four load levels, a long route-check line and a collapsed leak.
 *
 * Layout: nothing wider than the viewport (geometry of every element, and a full-page
 * screenshot no wider than the window), and no plot legend over its plot's title. Content:
 * the timeline's lanes, bars, deviation and failure markers drawn from the failure's data
 * and in its order, the diff, and the replay line with a working copy button.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runRaceChecks } from '../src/cli/race-checks.ts';
import {
  checkGates,
  load,
  renderHtmlReport,
  RUN_REPORT_FORMAT,
  RUN_REPORT_VERSION,
  type RaceCheckSummary,
  type RunReport,
} from '../src/load/index.ts';
import { asyncMock } from '../src/mock/index.ts';
import { chromiumAvailable, launchChromium } from './support/chromium.ts';

const available = chromiumAvailable('report-html');
// Captured before any exploration: inside a run this is a real timer that escaped fray.
const escapedSetTimeout = globalThis.setTimeout;
const WIDTH = 1280;

/** Payment webhooks: `order.paid` arriving before `order.created` is dropped, unless fixed. */
function webhooks(fixed: boolean) {
  return {
    strategy: 'dfs' as const,
    setup: () => {
      const orders = new Map<number, string>();
      const db = {
        insert: asyncMock((id: number) => Promise.resolve(void orders.set(id, orders.get(id) ?? 'created')), {
          name: 'db.insert',
        }),
        markPaid: asyncMock(
          (id: number) => {
            if (!fixed && !orders.has(id)) return Promise.resolve(0);
            orders.set(id, 'paid');
            return Promise.resolve(1);
          },
          { name: 'db.markPaid' },
        ),
      };
      return { orders, db };
    },
    tasks: ({
      db,
    }: {
      db: { insert: (id: number) => Promise<void>; markPaid: (id: number) => Promise<number> };
    }) => ({
      'order.created': async () => {
        await db.insert(7);
        return 'created';
      },
      'order.paid': async () => ((await db.markPaid(7)) === 1 ? 'applied' : 'ignored'),
    }),
    check: ({ orders }: { orders: Map<number, string> }) => {
      expect({ status: orders.get(7) }).toEqual({ status: 'paid' });
    },
  };
}

const timers: ReturnType<typeof setTimeout>[] = [];
let dir = '';
let context: BrowserContext | undefined;
let races: readonly RaceCheckSummary[] = [];
let page: Page;

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), 'fray-report-html-'));
  // Arrange: the races, explored for real; four load levels (eight series in a legend).
  ({ summaries: races } = await runRaceChecks(
    {
      webhookNaive: { ...webhooks(false), expect: 'race' },
      webhookFixed: webhooks(true),
      webhookUnexpected: webhooks(false),
      escapedTimer: {
        runs: 3,
        uncontrolled: 'report',
        tasks: () => ({ arm: () => void timers.push(escapedSetTimeout(() => undefined, 60_000)) }),
      },
    },
    'test/shop.scenario.ts',
  ));
  timers.forEach((timer) => clearTimeout(timer));
  const report = await load(() => Promise.resolve(), {
    concurrency: [10, 20, 50, 100],
    duration: '150ms',
    warmup: 0,
    name: 'report with races',
  });
  const gates = checkGates(report, { errorRate: 0 }, { allowInvalid: true });
  const leaks = [
    {
      check: 'floatingMocks',
      description: 'mailer.send(…) was called but its promise was never awaited',
      location: '/srv/shop/src/notify.ts:12:7',
      count: 400,
    },
  ];
  const routes = [
    {
      name: 'GET /api/v1/search',
      status: 'failed' as const,
      detail: `expected json to contain {"q":"${'x'.repeat(300)}"}`,
      ms: 3,
    },
  ];
  const data: RunReport = {
    format: RUN_REPORT_FORMAT,
    version: RUN_REPORT_VERSION,
    name: 'report with races',
    scenario: 'test/shop.scenario.ts',
    command: 'fray run test/shop.scenario.ts',
    verdict: 'failed',
    exitCode: 1,
    load: report,
    routes,
    races,
    leaks,
    gates,
    comparison: null,
    shutdownError: null,
  };
  const file = join(dir, 'report.html');
  await writeFile(
    file,
    renderHtmlReport(report, { races, routes, leaks, gates, command: data.command, data }),
  );
  context = await launchChromium(dir, { width: WIDTH, height: 900 }, ['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  await page.goto(`file://${file}`);
}, 170_000);

afterAll(async () => {
  await context?.close();
  if (dir && process.env['FRAY_KEEP_HTML'] === undefined) await rm(dir, { recursive: true, force: true });
  else if (dir) console.log(`report-html: kept ${dir}`);
});

describe.skipIf(!available)('report.html at 1,280 px', () => {
  test('nothing is wider than the window, and no plot legend covers its title', async () => {
    // Act
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .map((element) => `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''}`);
      return { width, scrollWidth: document.documentElement.scrollWidth, wide };
    });
    const overlaps = await page.$$eval('svg.plot', (plots) =>
      plots.map((plot) => {
        const title = (plot.querySelector('.plot-title') as SVGGraphicsElement).getBoundingClientRect();
        const items = [...plot.querySelectorAll('.legend-item')].map((item) => item.getBoundingClientRect());
        const hit = (a: DOMRect, b: DOMRect): boolean =>
          a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return {
          plot: plot.getAttribute('data-plot'),
          items: items.length,
          overTitle: items.filter((item) => hit(item, title)).length,
          overEachOther: items.filter((a, i) => items.some((b, j) => j > i && hit(a, b))).length,
        };
      }),
    );
    const shot = await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });

    // Assert
    expect(overflow).toEqual({ width: WIDTH, scrollWidth: WIDTH, wide: [] });
    expect(shot.readUInt32BE(16)).toBe(WIDTH); // the PNG's width: the page never scrolled sideways
    const latency = overlaps.find((plot) => plot.plot === 'latency-over-time');
    expect(latency?.items).toBe(8);
    for (const plot of overlaps) expect(plot).toMatchObject({ overTitle: 0, overEachOther: 0 });
  });

  test('passing checks show what they covered in one wrapped line: a proof, or the gaps that make it none', async () => {
    // Act
    const rows = await page.$$eval('table.races tbody tr', (trs) =>
      trs.map((tr) => ({
        race: tr.getAttribute('data-race'),
        status: tr.getAttribute('data-status'),
        claim: tr.querySelector('[data-claim]')?.getAttribute('data-claim'),
        text: (tr.querySelector('td:last-child') as HTMLElement).innerText,
        gaps: [...tr.querySelectorAll('ul.gaps li')].map((li) => (li as HTMLElement).innerText),
      })),
    );

    // Assert
    expect(rows.map((row) => [row.race, row.status, row.claim])).toEqual([
      ['webhookNaive', 'found', 'failure'],
      ['webhookFixed', 'passed', 'exhaustive'],
      ['webhookUnexpected', 'failed', 'failure'],
      ['escapedTimer', 'passed', 'not-a-proof'],
    ]);
    expect(rows[1]?.text).toMatch(/^passed: all \d+ schedules explored \(exhaustive\)/);
    expect(rows[3]?.text).toContain('but this is not a proof');
    expect(rows[3]?.gaps).toEqual([expect.stringMatching(/^real-timer \(arm\): .+ — .+/)]);
  });

  test("a failure's timeline is drawn from its data: lanes, bars in step order, the deviation, where it broke", async () => {
    // Arrange
    const failure = races.find((race) => race.name === 'webhookNaive')?.failure;
    const deviation = failure?.timeline.deviations[0];

    // Act
    const card = await page.$eval('article.race-failure[data-race="webhookNaive"]', (article) => {
      const svg = article.querySelector('svg.timeline') as SVGSVGElement;
      const bars = [...svg.querySelectorAll('rect.bar')].map((bar) => ({
        lane: bar.closest('[data-lane]')?.getAttribute('data-lane'),
        key: bar.getAttribute('data-key'),
        start: Number(bar.getAttribute('data-start')),
        end: Number(bar.getAttribute('data-end')),
        left: bar.getBoundingClientRect().left,
        right: bar.getBoundingClientRect().right,
        tooltip: bar.querySelector('title')?.textContent,
      }));
      const marker = (selector: string) => {
        const g = svg.querySelector(selector);
        return g === null
          ? undefined
          : {
              step: Number(g.getAttribute('data-step')),
              left: (g.querySelector('line') as SVGLineElement).getBoundingClientRect().left,
            };
      };
      return {
        lanes: [...svg.querySelectorAll('[data-lane]')].map((lane) => lane.getAttribute('data-lane')),
        bars,
        ticks: svg.querySelectorAll('.tick-mark.await').length,
        deviation: marker('.deviation-marker'),
        broke: marker('.broke-marker'),
        diff: (article.querySelector('pre.diff') as HTMLElement).innerText,
        deviations: [...article.querySelectorAll('ol.deviations li')].map(
          (li) => (li as HTMLElement).innerText,
        ),
        title: (article.querySelector('h3') as HTMLElement).innerText,
      };
    });

    // Assert
    expect(card.title).toBe('webhookNaive — race found (expected)');
    expect(card.lanes).toEqual(['order.created', 'order.paid']);
    expect(card.bars.map((bar) => [bar.lane, bar.key])).toEqual([
      ['order.created', 'order.created:db.insert#1'],
      ['order.paid', 'order.paid:db.markPaid#1'],
    ]);
    const [insert, markPaid] = card.bars;
    // The deviation: the webhook's update started before the insert it depends on.
    expect(markPaid?.start).toBeLessThan(insert?.start ?? 0);
    expect(markPaid?.left).toBeLessThan(insert?.left ?? 0);
    expect(markPaid?.tooltip).toBe(
      `order.paid: db.markPaid(7) — started at step ${markPaid?.start}, delivered at step ${markPaid?.end}\n→ 0`,
    );
    expect(card.ticks).toBe(
      failure?.timeline.lanes
        .flatMap((lane) => lane.ops)
        .filter((op) => op.kind === 'await' && op.end !== undefined).length,
    );
    expect(failure?.timeline.deviations).toHaveLength(1);
    expect(card.deviation?.step).toBe(deviation?.step);
    expect(card.deviations).toEqual([`step ${deviation?.step}: ${deviation?.text}`]);
    expect(card.broke?.step).toBe(failure?.steps);
    expect(card.broke?.left).toBeGreaterThan(Math.max(...card.bars.map((bar) => bar.right)) - 4);
    expect(card.diff).toBe("- expected\n+ actual\n\n- { status: 'paid' }\n+ { status: 'created' }");
  });

  test('the replay line is there to read and its button copies it', async () => {
    // Arrange
    const replay = races.find((race) => race.name === 'webhookNaive')?.replay;
    const line = page.locator('article[data-race="webhookNaive"] .copy-line');

    // Act
    await line.locator('button.copy').click();
    await line.locator('button.copy', { hasText: 'copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());

    // Assert
    expect(replay).toMatch(/^npx fray replay test\/shop\.scenario\.ts 'fr[12];[^']+'$/);
    expect(await line.locator('code.replay').innerText()).toBe(replay);
    expect(copied).toBe(replay);
  });

  test('embeds the whole run report, races and their timelines included', async () => {
    // Act
    const embedded = await page.$eval(
      '#fray-report',
      (script) => JSON.parse(script.textContent ?? 'null') as RunReport,
    );
    const html = await readFile(join(dir, 'report.html'), 'utf8');

    // Assert
    expect(embedded.format).toBe('fray-run-report');
    expect(embedded.races).toEqual(JSON.parse(JSON.stringify(races)));
    expect(embedded.races[0]?.failure?.timeline.lanes).toHaveLength(2);
    expect(html).toContain('×400 from this line');
  });
});
