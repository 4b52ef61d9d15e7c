#!/usr/bin/env node
// Native addon throughput: the CPU engine (Node's OpenSSL, SHA-NI here) on 1 and 2 threads and
// the host-simulated device (the CUDA kernels' code on a CPU grid walker), all on the same bytes,
// ratios to node:crypto single-stream SHA-256. Run `npm run build` first.
//   node bench/native.mjs [--quick]      (256 MiB, or 32 MiB with --quick)
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuEngine, nativeStatus, openDevice } from '../dist/native/index.js';

const quick = process.argv.includes('--quick');
const MiB = 1024 * 1024;
const size = (quick ? 32 : 256) * MiB;
const simSize = (quick ? 8 : 32) * MiB; // the portable core is ~7x slower than OpenSSL: fewer bytes
const repeats = quick ? 2 : 3;
const LEAF = 65536;

const data = new Uint8Array(size);
for (let off = 0; off < size; off += 65536) randomFillSync(data, off, Math.min(65536, size - off));
const dir = mkdtempSync(join(tmpdir(), 'vram-bench-native-'));
const file = join(dir, 'data.bin');
writeFileSync(file, data);
readFileSync(file); // into the page cache
const simBytes = data.subarray(0, simSize);

const device = await openDevice({ backend: 'host-sim', capacityBytes: 2 * simSize + MiB });
const simUpload = await device.allocate(simSize);
const simRoot = await device.allocate(simSize);
await simRoot.upload(0, simBytes);

const status = nativeStatus();
const contenders = [
  ['node:crypto sha256, 1 stream (peer)', size, () => createHash('sha256').update(data).digest()],
  ['native cpu sha256', size, () => cpuEngine.sha256(data)],
  ['native cpu mth, 1 thread', size, () => cpuEngine.mth(data, LEAF, 1)],
  ['native cpu mth, 2 threads', size, () => cpuEngine.mth(data, LEAF, 2)],
  [
    'native cpu mthFile, 2 threads (page cache)',
    size,
    async () => (await cpuEngine.mthFile(file, { leafSize: LEAF, threads: 2 })).digest,
  ],
  [
    'host-sim uploadFile + leaf hashes, 2 threads',
    simSize,
    async () => (await simUpload.uploadFile(file, { leafSize: LEAF, length: simSize })).leafHashes,
  ],
  ['host-sim root (re-hash device memory)', simSize, () => simRoot.root(LEAF)],
];

async function measure(bytes, fn) {
  await fn(); // warm-up
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return bytes / 1e6 / (best / 1000);
}

const rows = [];
for (const [name, bytes, fn] of contenders) rows.push({ name, mbps: await measure(bytes, fn) });

// The contenders must agree before their speed means anything.
const hex = (b) => Buffer.from(b).toString('hex');
const roots = new Set([
  hex(await cpuEngine.mth(data, LEAF, 1)),
  hex(await cpuEngine.mth(data, LEAF, 2)),
  hex((await cpuEngine.mthFile(file, { leafSize: LEAF })).digest),
]);
const simRoots = new Set([hex(await simRoot.root(LEAF)), hex(await cpuEngine.mth(simBytes, LEAF, 2))]);
if (roots.size !== 1 || simRoots.size !== 1) throw new Error('contenders disagree on the digest');
if (hex(await cpuEngine.sha256(data)) !== createHash('sha256').update(data).digest('hex'))
  throw new Error('sha256 disagrees');

await simUpload.free();
await simRoot.free();
device.close();
rmSync(dir, { recursive: true, force: true });

const peer = rows[0].mbps;
console.log(
  `native bench: ${size / MiB} MiB (host-sim ${simSize / MiB} MiB), leaf ${LEAF / 1024} KiB, best of ${repeats}, ` +
    `SHA-NI ${status.sha256Accelerated ? 'yes' : 'no'}, ratio vs node:crypto sha256`,
);
console.log(`${'contender'.padEnd(48)} ${'MB/s'.padStart(8)} ${'ratio'.padStart(7)}`);
for (const r of rows)
  console.log(`${r.name.padEnd(48)} ${r.mbps.toFixed(0).padStart(8)} ${(r.mbps / peer).toFixed(2).padStart(6)}x`);
