// Runs one page in headless Chromium against a loopback server: `/` is the page, `/dist/…` the
// built package, `routes` anything else the page fetches; the page POSTs its answer to `/result`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { repoRoot } from './vectors.js';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
  existsSync(p),
);
export const NO_CHROMIUM =
  "no Chromium on this machine (.ci/run installs Debian's chromium; apt-get install chromium to run this here)";

export async function runInChromium(
  page: string,
  routes: Record<string, { type: string; body: string | Uint8Array }>,
): Promise<any> {
  let resolveResult!: (v: any) => void;
  const result = new Promise<any>((r) => (resolveResult = r));
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const route = routes[url];
    if (route) return res.writeHead(200, { 'content-type': route.type }).end(route.body);
    if (url === '/result') {
      let body = '';
      req
        .on('data', (d) => (body += d))
        .on('end', () => {
          res.writeHead(204).end();
          resolveResult(JSON.parse(body));
        });
      return;
    }
    const file = normalize(join(repoRoot, url));
    if (url.startsWith('/dist/') && file.startsWith(join(repoRoot, 'dist')) && existsSync(file)) {
      return res
        .writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' })
        .end(readFileSync(file));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), 'vrr-chromium-'));
  const browser = spawn(
    CHROMIUM!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${port}/`,
    ],
    { stdio: 'ignore' },
  );
  let timer!: NodeJS.Timeout;
  const timeout = new Promise(
    (r) => (timer = setTimeout(() => r({ ok: false, error: 'no answer from the browser within 60 s' }), 60_000)),
  );
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
    browser.kill('SIGKILL');
    server.close();
    await new Promise((r) => browser.once('exit', r)).catch(() => {});
    try {
      // Chromium's helper processes may still be writing into the profile for a moment.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // a leftover temporary profile is not a test failure
    }
  }
}
