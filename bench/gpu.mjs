#!/usr/bin/env node
// CUDA device throughput: upload+hash (uploadFile: pinned double-buffered staging, async copies,
// leaf kernel per chunk), full re-hash of device memory (root: leaf kernel + level reduction) and
// sampled-leaf latency (chosenLeafHashes of 16 random leaves). Without a usable GPU it says why
// and exits 0. Run `npm run build` first.
//   node bench/gpu.mjs [--quick]      (1 GiB, or 128 MiB with --quick)
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuEngine, nativeStatus, openDevice } from '../dist/native/index.js';

const status = nativeStatus();
if (!status.loaded || !status.withCuda || status.cudaDeviceCount === 0) {
  console.log(`gpu bench: skipped - no usable GPU here (${status.reason ?? 'no CUDA device'})`);
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const MiB = 1024 * 1024;
const size = (quick ? 128 : 1024) * MiB;
const repeats = quick ? 2 : 3;
const LEAF = 65536;
const SAMPLES = 16;

const data = new Uint8Array(size);
for (let off = 0; off < size; off += 65536) randomFillSync(data, off, Math.min(65536, size - off));
const dir = mkdtempSync(join(tmpdir(), 'vram-bench-gpu-'));
const file = join(dir, 'data.bin');
writeFileSync(file, data);
readFileSync(file); // into the page cache: measure the device path, not the disk

const device = openDevice({ backend: 'cuda' });
const props = device.properties();
const allocation = await device.allocate(size);

async function best(fn) {
  await fn();
  let min = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const hex = (b) => Buffer.from(b).toString('hex');
const uploadMs = await best(() => allocation.uploadFile(file, { leafSize: LEAF }));
const rootMs = await best(() => allocation.root(LEAF));
const cpuMs = await best(() => cpuEngine.mth(data, LEAF, 0));
const leaves = Math.ceil(size / LEAF);
const latencies = [];
for (let i = 0; i < 50; i++) {
  const picks = Array.from({ length: SAMPLES }, () => Math.floor(Math.random() * leaves));
  const t0 = performance.now();
  await allocation.chosenLeafHashes(LEAF, picks);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
if (hex(await allocation.root(LEAF)) !== hex(await cpuEngine.mth(data, LEAF, 0))) throw new Error('device root disagrees with the CPU engine');
await allocation.free();
device.close();
rmSync(dir, { recursive: true, force: true });

const gbps = (ms) => size / 1e9 / (ms / 1000);
const peer = gbps(cpuMs);
console.log(`gpu bench: ${props.name} (${props.uuid}), ${size / MiB} MiB, leaf ${LEAF / 1024} KiB, best of ${repeats}, ratio vs native CPU engine (all cores)`);
console.log(`${'contender'.padEnd(44)} ${'GB/s'.padStart(8)} ${'ratio'.padStart(7)}`);
for (const [name, ms] of [['native cpu mth, all cores (peer)', cpuMs], ['cuda uploadFile + leaf hashes', uploadMs], ['cuda root (full re-hash of VRAM)', rootMs]]) {
  console.log(`${name.padEnd(44)} ${gbps(ms).toFixed(2).padStart(8)} ${(gbps(ms) / peer).toFixed(2).padStart(6)}x`);
}
console.log(`sampled leaves (${SAMPLES} x ${LEAF / 1024} KiB): median ${latencies[25].toFixed(2)} ms, p95 ${latencies[47].toFixed(2)} ms`);
