#!/usr/bin/env node
// The verifier page's parallel verification, in headless Chromium (Debian's, via playwright-core):
// a generated file sealed by a record, verified from file:// with 1 worker and with one worker
// per core, in one run. Two records: tree digest only (the part that splits across workers) and
// with contentSha256 (plus the sequential plain SHA-256 in its own worker).
// The page's read path alone (Advanced → "only measure how fast this browser reads the file": the
// same workers and chunks, nothing hashed) is timed in the same run on the same file: reading a
// File costs Chromium CPU too, so that rate is the bound verification is measured against.
// The Node digestFile (WASM, worker_threads) on the same file is printed as a reference.
// Run `npm run build` first.   node bench/web.mjs [--quick]   (1 GiB, or 128 MiB with --quick)

import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { digestFile } from '../dist/engines/digest-file.js';
import { loadWasm } from '../dist/wasm/index.js';

const quick = process.argv.includes('--quick');
const MiB = 1024 * 1024;
const size = (quick ? 128 : 1024) * MiB;
const repeats = quick ? 2 : 3;
const LEAF = 65536;
const TOKEN = 'bench-worker-token-0123456789';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
  existsSync(p),
);
if (!CHROMIUM) {
  console.log('bench web: skipped, no Chromium on this machine (apt-get install chromium)');
  process.exit(0);
}
const root = new URL('..', import.meta.url).pathname;
const page = join(root, 'dist', 'verifier.html');
if (!existsSync(page)) throw new Error('dist/verifier.html is missing: run npm run build first');

const dir = mkdtempSync(join(tmpdir(), 'vram-bench-web-'));
const file = join(dir, 'model.bin');
{
  const chunk = new Uint8Array(16 * MiB);
  const fd = openSync(file, 'w');
  for (let off = 0; off < size; off += chunk.length) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
}
const cores = availableParallelism();
const t0 = performance.now();
const reference = await digestFile(file, { leafSize: LEAF, threads: cores });
const nodeSeconds = (performance.now() - t0) / 1000;
const contentSha256 = createHash('sha256').update(readFileSync(file)).digest('hex');

async function record(withSha) {
  const fields = {
    shardId: 'shard-bench',
    digestAlg: 'mth-sha256',
    leafSize: LEAF,
    size,
    digest: Buffer.from(reference.digest).toString('hex'),
    contentSha256: withSha ? contentSha256 : null,
    device: 0,
    deviceUuid: null,
    backend: 'host-sim',
    sealedAt: '2026-11-30T12:00:00.000Z',
    workerId: 'bench',
    modelRef: null,
    shardIndex: null,
    shardCount: null,
  };
  const key = (await loadWasm()).sealKey(TOKEN);
  const kid = key.kid;
  const mac = key.mac({ ...fields, kid });
  key.dispose();
  const path = join(dir, withSha ? 'with-sha.json' : 'tree.json');
  writeFileSync(path, JSON.stringify({ format: 'vram-residency.seal.v1', ...fields, kid, mac }));
  return path;
}
const records = { tree: await record(false), sha: await record(true) };

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext();
await context.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
const tab = await context.newPage();
await tab.goto(pathToFileURL(page).href);
const browserCores = await tab.evaluate(() => navigator.hardwareConcurrency);

const SETTLED = ['ok', 'caveats', 'failed', 'cannot', 'cancelled', 'measured'];

/**
 * One verification in the page (or, with recordPath null, the read path alone); returns the page's
 * own time (workers started to verdict). The records are host-sim seals: verified with caveats.
 */
async function verify(recordPath, workers) {
  await tab.goto(pathToFileURL(page).href);
  if (recordPath) {
    await tab.setInputFiles('#record-file', recordPath);
    await tab.waitForFunction(() => document.querySelector('#seal-form').dataset.mode === 'record');
  }
  await tab.setInputFiles('#model-file', file);
  if (recordPath) await tab.fill('#token', TOKEN);
  await tab.click('summary');
  await tab.fill('#workers', String(workers));
  if (!recordPath) await tab.check('#read-only');
  await tab.click('#verify');
  await tab.waitForFunction((settled) => settled.includes(document.querySelector('#result').dataset.status), SETTLED, {
    timeout: 600_000,
  });
  const r = await tab.$eval('#result', (el) => ({
    status: el.dataset.status,
    text: el.textContent,
    seconds: Number(el.dataset.seconds),
  }));
  const expected = recordPath ? ['ok', 'caveats'] : ['measured'];
  if (!expected.includes(r.status)) throw new Error(`the page did not ${recordPath ? 'verify' : 'measure'}: ${r.text}`);
  return r.seconds;
}

const contenders = [
  [`page, read path only (same workers and chunks, no hashing), ${browserCores} workers`, null, browserCores],
  ['page, tree only, 1 worker', records.tree, 1],
  [`page, tree only, ${browserCores} workers`, records.tree, browserCores],
  ['page, tree + SHA-256, 1 tree worker', records.sha, 1],
  [`page, tree + SHA-256, ${browserCores} tree workers`, records.sha, browserCores],
];
const best = contenders.map(() => Infinity);
await verify(records.tree, browserCores); // warm-up: page cache, compile
for (let i = 0; i < repeats; i++) {
  for (const [index, [, rec, workers]] of contenders.entries())
    best[index] = Math.min(best[index], await verify(rec, workers));
}
await browser.close();
rmSync(dir, { recursive: true, force: true });

const mbps = (s) => size / 1e6 / s;
console.log(
  `bench web: the verifier page in Chromium ${browser.version?.() ?? ''}, ${size / MiB} MiB file from file://, leaf ${LEAF}, best of ${repeats}, ${cores} cores (navigator.hardwareConcurrency ${browserCores})`,
);
const [readBest, treeOne, treeAll, shaOne, shaAll] = best;
console.log('| contender | s | MB/s | ratio to 1 worker |');
console.log('|---|---:|---:|---:|');
for (const [index, [name]] of contenders.entries()) {
  if (index === 0) {
    console.log(`| ${name} | ${readBest.toFixed(2)} | ${mbps(readBest).toFixed(0)} | — |`);
    continue;
  }
  const base = index < 3 ? treeOne : shaOne;
  console.log(
    `| ${name} | ${best[index].toFixed(2)} | ${mbps(best[index]).toFixed(0)} | ${(base / best[index]).toFixed(2)}× |`,
  );
}
console.log(
  `| reference: Node digestFile (wasm), ${cores} threads | ${nodeSeconds.toFixed(2)} | ${mbps(nodeSeconds).toFixed(0)} | — |`,
);
console.log(`parallel tree verification: ${(treeOne / treeAll).toFixed(2)}× one worker`);
console.log(
  `verification against the read path (same run, same file): tree ${(readBest / treeAll).toFixed(2)}× the read rate, tree + SHA-256 ${(readBest / shaAll).toFixed(2)}× (target ≥ 0.85×)`,
);
