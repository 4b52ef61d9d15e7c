// Drives the built verifier page in headless Chromium (Debian's, via playwright-core: nothing is
// downloaded). Every request the page or its workers make is observed and every one that is not
// a file:// load is aborted, so a test can prove that nothing leaves the page.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../helpers/vectors.js';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
  existsSync(p),
);
export const NO_CHROMIUM =
  "no Chromium on this machine (.ci/run installs Debian's chromium; apt-get install chromium to run this here)";
export const ARTIFACTS = join(repoRoot, 'test', 'web', 'artifacts');

export interface Session {
  browser: Browser;
  context: BrowserContext;
  /** Every request URL seen (page and workers), in order. */
  requests: string[];
  /** Console errors, page errors and CSP violations. */
  problems: string[];
  open(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM!,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
  const requests: string[] = [];
  const problems: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : route.abort('blockedbyclient'),
  );
  return {
    browser,
    context,
    requests,
    problems,
    async open(url, viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      return page;
    },
    async close() {
      await browser.close();
    },
  };
}

/** Waits for a result element to settle on ok or failed; returns its status, reason and text. */
export async function verdict(
  page: Page,
  selector: string,
): Promise<{ status: string; reason: string | null; text: string }> {
  await page.waitForFunction(
    (sel) => ['ok', 'failed'].includes(document.querySelector<HTMLElement>(sel)?.dataset.status ?? ''),
    selector,
    { timeout: 120_000 },
  );
  return page.$eval(selector, (el) => ({
    status: (el as HTMLElement).dataset.status!,
    reason: (el as HTMLElement).dataset.reason ?? null,
    text: el.textContent ?? '',
  }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
