/**
 * The HTML report in a real browser: Debian's Chromium (headless, through playwright-core)
 * opens the self-contained file with the network off, and the three plots must render —
 * visible, with their series drawn in color — with no console error and the full report
 * embedded as JSON. Skips without /usr/bin/chromium, except under CI=true where it must run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkGates, load, renderHtmlReport, type LoadReport } from '../src/load/index.ts';
import { chromiumAvailable, launchChromium } from './support/chromium.ts';

const available = chromiumAvailable('load-html');

let dir = '';
let context: BrowserContext | undefined;
let report: LoadReport;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), 'fray-html-'));
  // An open-model run (corrected and uncorrected lines) with errors, against an in-process function.
  report = await load(
    async (i) => {
      await sleep(i % 50 === 0 ? 8 : 1);
      if (i % 40 === 0) throw new TypeError('flaky dependency');
    },
    { rate: [150, 300], duration: '600ms', name: 'html report test' },
  );
  context = await launchChromium(dir, { width: 1200, height: 900 });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('report.html in Chromium', () => {
  test('the latency-percentile, throughput and latency-over-time plots render', async () => {
    // Arrange
    const file = join(dir, 'report.html');
    await writeFile(
      file,
      renderHtmlReport(report, {
        gates: checkGates(report, { p99: '< 5s', errorRate: '< 5%' }, { allowInvalid: true }),
      }),
    );
    const page = await (context as BrowserContext).newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    // Act
    await page.goto(`file://${file}`);
    const plots = await page.$$eval('svg.plot', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll('path.series')].map(
          (path) => (path.getAttribute('d') ?? '').split(/[ML]/).length - 1,
        );
        return {
          id: svg.getAttribute('data-plot'),
          width: box.width,
          height: box.height,
          series: paths.length,
          points: Math.min(...paths),
        };
      }),
    );
    // Screenshot each plot as the browser drew it, then count the pixels in the colors of
    // the first two series (#2563eb blue, #db2777 pink; anti-aliasing tolerated).
    const colored: number[] = [];
    for (const plot of await page.$$('svg.plot')) {
      const png = (await plot.screenshot()).toString('base64');
      colored.push(
        await page.evaluate(async (data) => {
          const image = new Image();
          image.src = `data:image/png;base64,${data}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.width;
          canvas.height = image.height;
          const context2d = canvas.getContext('2d') as CanvasRenderingContext2D;
          context2d.drawImage(image, 0, 0);
          const pixels = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
          let count = 0;
          for (let i = 0; i < pixels.length; i += 4) {
            const [r, g, b] = [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0];
            const blue = Math.abs(r - 37) < 60 && Math.abs(g - 99) < 60 && b > 170;
            const pink = r > 170 && Math.abs(g - 39) < 60 && Math.abs(b - 119) < 60;
            if (blue || pink) count++;
          }
          return count;
        }, png),
      );
    }
    const embedded = await page.$eval(
      '#fray-report',
      (script) => JSON.parse(script.textContent ?? 'null') as unknown,
    );
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    // Assert
    expect(plots.map((plot) => plot.id)).toEqual([
      'latency-percentiles',
      'throughput-over-time',
      'latency-over-time',
    ]);
    for (const plot of plots) {
      expect(plot.width).toBeGreaterThan(500);
      expect(plot.height).toBeGreaterThan(150);
      expect(plot.series).toBeGreaterThanOrEqual(2);
      expect(plot.points).toBeGreaterThan(3);
    }
    console.log(`colored pixels per plot: ${colored.join(', ')}`);
    for (const count of colored) expect(count).toBeGreaterThan(500);
    expect(embedded).toEqual(JSON.parse(JSON.stringify(report)));
    expect(await page.textContent('h1')).toBe('html report test');
    expect(await page.$$eval('table.summary tbody tr', (rows) => rows.length)).toBe(2);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
