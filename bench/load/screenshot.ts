/**
 * Produce docs/load-report.png: a run against a loopback server that stalls for 1 s in
 * every 2.5 s, at 100 and 300 requests/s over 8 connections, rendered by fray's HTML report
 * and photographed by headless Chromium (Debian's /usr/bin/chromium through playwright-core).
 *
 * Run: npx node bench/load/screenshot.ts [--out docs/load-report.png] [--html path]
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { checkGates, load, renderHtmlReport } from '../../src/load/index.ts';
import { startServer } from './servers.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : (args[index + 1] ?? fallback);
};
const root = new URL('../..', import.meta.url).pathname;
const out = join(root, flag('out', 'docs/load-report.png'));
const epochNow = (): number => performance.timeOrigin + performance.now();

const anchor = Math.ceil(epochNow() / 1000) * 1000 + 1500;
const server = await startServer(['stall', String(anchor), '2500', '1000']);
let html: string;
try {
  const report = await load(server.url, {
    name: 'GET / on a server that stalls 1 s in every 2.5 s',
    request: { path: '/' },
    rate: [100, 300],
    duration: '6s',
    connections: 8,
    timeout: '5s',
  });
  html = renderHtmlReport(report, {
    gates: checkGates(report, { p99: '< 100ms', errorRate: 0 }),
    command: 'fray run stall.scenario.ts',
  });
} finally {
  server.stop();
}
const dir = await mkdtemp(join(tmpdir(), 'fray-shot-'));
const file = flag('html', join(dir, 'report.html'));
await writeFile(file, html);
const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  offline: true,
  viewport: { width: 1180, height: 900 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await context.newPage();
  await page.goto(`file://${file}`);
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await context.close();
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(`wrote ${out}\n`);
