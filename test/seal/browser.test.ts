// `vram-residency/wasm` in a real browser: headless Chromium loads dist/browser/index.js as an ES
// module from a loopback server, verifies a seal record and a fetched byte stream, and posts back.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { patternBytes, readVectorJson, repoRoot, vectorSources } from '../helpers/vectors.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import { verifySealRecord, createSealedStreamVerifier } from '/dist/browser/index.js';
const post = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
try {
  const v = await (await fetch('/vectors')).json();
  const out = { recordShardId: null, streamShardId: null, tampered: null, wrongKey: null, loneSurrogate: null };
  out.recordShardId = (await verifySealRecord(v.good[0].record, { token: v.token })).shardId;
  const verifier = await createSealedStreamVerifier(v.good[0].record, { token: v.token });
  const reader = (await fetch('/data')).body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) verifier.update(r.value);
  out.streamShardId = verifier.finish().shardId;
  const bad = await createSealedStreamVerifier(v.good[0].record, { token: v.token });
  const bytes = new Uint8Array(await (await fetch('/data')).arrayBuffer());
  bytes[131072] ^= 1;
  bad.update(bytes);
  try { bad.finish(); } catch (e) { out.tampered = e.reason; }
  try { await verifySealRecord(v.good[0].record, { token: v.wrongToken.token }); } catch (e) { out.wrongKey = e.reason; }
  try { await verifySealRecord(v.good[0].record, { token: v.token + '\\ud800' }); } catch (e) { out.loneSurrogate = e.code; }
  await post({ ok: true, ...out });
} catch (e) {
  await post({ ok: false, error: String(e && e.stack || e) });
}
</script>`;

const [source] = vectorSources().filter((s) => !s.skip);

t.test('verifies a seal record and a byte stream in headless Chromium', {
  skip: CHROMIUM ? false : 'no Chromium on this machine (.ci/run installs Debian\'s chromium; apt-get install chromium to run this here)',
}, async (t) => {
  const vectors = readVectorJson(source!, 'seal.json');
  const data = patternBytes(vectors.good[0].dataSize);
  let resolveResult!: (v: any) => void;
  const result = new Promise<any>((r) => (resolveResult = r));
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (url === '/vectors') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(vectors));
    if (url === '/data') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(data));
    if (url === '/result') {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => {
        res.writeHead(204).end();
        resolveResult(JSON.parse(body));
      });
      return;
    }
    const file = normalize(join(repoRoot, url));
    if (url.startsWith('/dist/') && file.startsWith(join(repoRoot, 'dist')) && existsSync(file)) {
      return res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(file));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = spawn(CHROMIUM!, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'vrr-chromium-'))}`,
    `http://127.0.0.1:${port}/`,
  ], { stdio: 'ignore' });
  let timer!: NodeJS.Timeout;
  const timeout = new Promise((r) => (timer = setTimeout(() => r({ ok: false, error: 'no answer from the browser within 60 s' }), 60_000)));
  const answer = await Promise.race([result, timeout]);
  clearTimeout(timer);
  browser.kill('SIGKILL');
  server.close();
  t.same(answer, {
    ok: true,
    recordShardId: vectors.good[0].record.shardId,
    streamShardId: vectors.good[0].record.shardId,
    tampered: 'digest mismatch',
    wrongKey: 'wrong key',
    loneSurrogate: 'E_ARG', // issue 10 #1: would collide with U+FFFD
  });
});
