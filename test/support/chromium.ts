/**
 * Debian's Chromium (/usr/bin/chromium) through playwright-core, for the tests that open the
 * HTML report in a real browser: headless, offline, a throw-away profile. Tests skip without
 * the binary, except under CI=true where they must run.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run; warns (locally) or throws (under CI=true) when not.
 *
 * @example
 * ```ts
 * const available = chromiumAvailable('report-html');
 * describe.skipIf(!available)('…', () => { … });
 * ```
 */
export function chromiumAvailable(test: string): boolean {
  const ci = /^(1|true)$/i.test(process.env['CI'] ?? '');
  const available = existsSync(CHROMIUM);
  if (!available && ci)
    throw new Error(
      `CI=true but ${CHROMIUM} is missing: the ${test} browser test must run in CI (apt-get install -y chromium)`,
    );
  if (!available)
    console.warn(
      `${test}: ${CHROMIUM} is missing, skipping the browser test (install it with: apt-get install -y chromium)`,
    );
  return available;
}

/**
 * A headless, offline browser context with its profile under `dir`.
 *
 * @example
 * ```ts
 * const context = await launchChromium(dir, { width: 1280, height: 900 });
 * ```
 */
export function launchChromium(
  dir: string,
  viewport: { width: number; height: number },
  permissions: readonly string[] = [],
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    offline: true,
    viewport,
    permissions: [...permissions],
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
}
