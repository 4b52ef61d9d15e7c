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

/** Every settled verdict state a result element can show (web/verdict.ts). */
export const SETTLED = ['ok', 'caveats', 'failed', 'cannot', 'cancelled', 'measured'];

export interface Verdict {
  status: string;
  reason: string | null;
  /** As a person reads it (innerText): headline, caveats, details. */
  text: string;
  headline: string;
  caveats: string[];
}

/** Waits for a result element to settle (any state in SETTLED); returns what it shows. */
export async function verdict(page: Page, selector: string): Promise<Verdict> {
  await page.waitForFunction(
    ([sel, settled]) => settled!.includes(document.querySelector<HTMLElement>(sel as string)?.dataset.status ?? ''),
    [selector, SETTLED] as const,
    { timeout: 120_000 },
  );
  return page.$eval(selector, (el) => ({
    status: (el as HTMLElement).dataset.status!,
    reason: (el as HTMLElement).dataset.reason ?? null,
    // biome-ignore lint/performance/useDomNodeTextContent: the text as a person reads it, with line breaks between headline, caveats and details
    text: (el as HTMLElement).innerText,
    headline: el.querySelector('.headline')?.textContent ?? '',
    caveats: Array.from(el.querySelectorAll('.caveats li')).map((li) => li.textContent ?? ''),
  }));
}

/** Widths every kept screenshot is taken at: a laptop and a narrow phone. */
export const SCREENSHOT_WIDTHS = [1280, 400] as const;

/** Full-page screenshots at each of SCREENSHOT_WIDTHS (NAME-1280.png, NAME-400.png); the viewport is restored after. */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize() ?? { width: 1000, height: 900 };
  const paths: string[] = [];
  for (const width of SCREENSHOT_WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    // Let the timeline's resize observer redraw at the new width before the shot.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const path = join(ARTIFACTS, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize(before);
  return paths;
}
