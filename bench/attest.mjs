#!/usr/bin/env node
// Model signature verification throughput: `vram-residency verify-model` (signature, manifest,
// every file's SHA-256 on the native engine, several files at once) against `sha256sum` over the
// same files, all in this run, files in the page cache. Run `npm run build` first.
//   node bench/attest.mjs [--quick]      (1 GiB model directory, or 128 MiB with --quick)
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signModel, verifyModel } from '../dist/attest/model-sign.js';
import { generateKeyPair, loadSigningKey } from '../dist/attest/node-keys.js';
import { serializeBundle } from '../dist/attest/seal-node.js';

const quick = process.argv.includes('--quick');
const MiB = 1024 * 1024;
const shardSize = (quick ? 16 : 128) * MiB;
const shards = 8;
const repeats = quick ? 2 : 3;
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

// A model as published: 8 weight shards and a few small files.
const dir = mkdtempSync(join(tmpdir(), 'vram-bench-attest-'));
const model = join(dir, 'bench-model');
mkdirSync(model);
const chunk = new Uint8Array(8 * MiB);
const files = [];
for (let i = 0; i < shards; i++) {
  const path = join(model, `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`);
  const parts = [];
  for (let off = 0; off < shardSize; off += chunk.length) parts.push(Buffer.from(randomFillSync(chunk)));
  writeFileSync(path, Buffer.concat(parts));
  files.push(path);
}
for (const [name, text] of [
  ['config.json', '{"hidden_size":4096}\n'],
  ['tokenizer.json', '{"version":"1.0"}\n'],
  ['README.md', '# bench model\n'],
]) {
  writeFileSync(join(model, name), text);
  files.push(join(model, name));
}
const totalBytes = shards * shardSize + files.slice(shards).reduce((n, f) => n + readFileSync(f).length, 0);
for (const f of files) readFileSync(f); // into the page cache

const keys = generateKeyPair('p256');
writeFileSync(join(dir, 'publisher.pub'), keys.publicPem);
const { bundle, manifest } = await signModel(model, await loadSigningKey(keys.privatePem), {
  ignorePaths: ['model.sig'],
});
writeFileSync(join(model, 'model.sig'), serializeBundle(bundle));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const contenders = [
  ['sha256sum FILES (peer)', () => run('sha256sum', files)],
  [
    'vram-residency verify-model (CLI process)',
    () =>
      run(process.execPath, [
        CLI,
        'verify-model',
        model,
        '--sig',
        join(model, 'model.sig'),
        '--pubkey',
        join(dir, 'publisher.pub'),
        '--json',
      ]),
  ],
  [
    'verifyModel() in process',
    () => verifyModel(model, { signature: bundle, publicKey: keys.publicPem, ignorePaths: ['model.sig'] }),
  ],
  [
    `sha256sum, ${availableParallelism()} processes (xargs -P)`,
    () =>
      run('sh', ['-c', `printf '%s\\0' "$@" | xargs -0 -n 1 -P ${availableParallelism()} sha256sum`, 'sh', ...files]),
  ],
];

async function measure(fn) {
  await fn(); // warm-up
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const rows = [];
for (const [name, fn] of contenders) rows.push({ name, ms: await measure(fn) });

// The contenders must agree before their speed means anything.
const sums = new Map(
  run('sha256sum', files)
    .trim()
    .split('\n')
    .map((l) => [l.slice(66).slice(model.length + 1), l.slice(0, 64)]),
);
for (const [name, digest] of manifest.files)
  if (sums.get(name) !== digest) throw new Error(`sha256sum and the signed manifest disagree on ${name}`);
if (JSON.parse(contenders[1][1]()).ok !== true) throw new Error('verify-model did not verify');
rmSync(dir, { recursive: true, force: true });

const peer = rows[0].ms;
console.log(
  `attest bench: verify-model on a ${(totalBytes / MiB).toFixed(0)} MiB model directory (${files.length} files, ${shards} shards), ` +
    `best of ${repeats}, page cache, ${availableParallelism()} cores; ratio vs sha256sum (higher is faster)`,
);
console.log(`${'contender'.padEnd(48)} ${'MB/s'.padStart(8)} ${'seconds'.padStart(8)} ${'ratio'.padStart(7)}`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(48)} ${(totalBytes / 1e6 / (r.ms / 1000)).toFixed(0).padStart(8)} ${(r.ms / 1000).toFixed(3).padStart(8)} ${(peer / r.ms).toFixed(2).padStart(6)}x`,
  );
}
