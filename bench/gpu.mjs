#!/usr/bin/env node
// CUDA device throughput, against the native CPU engine in the same run:
//   upload+hash   uploadFile from the page cache (reader thread -> 4 pinned slots -> copy stream,
//                 leaf kernels on the hash stream behind copy events), GB/s
//   full re-hash  root over the whole allocation in VRAM (leaf kernel + level reduction), TB/s
//   sample        chosenLeafHashes of 32 random 64 KiB leaves (a sampled verify), median/p95 ms
// Without a usable GPU it says why and exits 0. Run `npm run build` first.
//   node bench/gpu.mjs [--quick] [--json]      (1 GiB, or 256 MiB with --quick)
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuEngine, nativeStatus, openDevice } from '../dist/native/index.js';

const json = process.argv.includes('--json');
const status = nativeStatus();
if (!status.loaded || !status.withCuda || status.cudaDeviceCount === 0) {
  const reason = `no usable GPU here (${status.reason ?? 'no CUDA device'})`;
  console.log(json ? JSON.stringify({ skipped: reason }) : `gpu bench: skipped - ${reason}`);
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const MiB = 1024 * 1024;
const size = (quick ? 256 : 1024) * MiB;
const repeats = quick ? 2 : 3;
const LEAF = 65536;
const SAMPLES = 32;

const data = new Uint8Array(size);
for (let off = 0; off < size; off += 65536) randomFillSync(data, off, Math.min(65536, size - off));
const dir = mkdtempSync(join(tmpdir(), 'vram-bench-gpu-'));
const file = join(dir, 'data.bin');
writeFileSync(file, data);
readFileSync(file); // into the page cache: measure the device path, not the disk

const device = await openDevice({ backend: 'cuda' });
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
const uploadMs = await best(() => allocation.uploadFile(file, { leafSize: LEAF, chunkBytes: 16 * MiB }));
const rootMs = await best(() => allocation.root(LEAF));
const cpuMs = await best(() => cpuEngine.mth(data, LEAF, 0));
const leaves = Math.ceil(size / LEAF);
const latencies = [];
for (let i = 0; i < 101; i++) {
  const picks = Array.from({ length: SAMPLES }, () => Math.floor(Math.random() * leaves));
  const t0 = performance.now();
  await allocation.chosenLeafHashes(LEAF, picks);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const agrees = hex(await allocation.root(LEAF)) === hex(await cpuEngine.mth(data, LEAF, 0));
await allocation.free();
device.close();
rmSync(dir, { recursive: true, force: true });
if (!agrees) throw new Error('device root disagrees with the CPU engine');

const gbps = (ms) => size / 1e9 / (ms / 1000);
const result = {
  device: `${props.name} (${props.uuid}), cc ${props.computeCapability.major}.${props.computeCapability.minor}`,
  sizeMiB: size / MiB,
  leafKiB: LEAF / 1024,
  cpuGBps: gbps(cpuMs),
  uploadHashGBps: gbps(uploadMs),
  rehashTBps: gbps(rootMs) / 1000,
  sampleMs: { leaves: SAMPLES, median: latencies[50], p95: latencies[95] },
};
if (json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `gpu bench: ${result.device}, ${result.sizeMiB} MiB, leaf ${result.leafKiB} KiB, best of ${repeats}, ratio vs native CPU engine (all cores)`,
  );
  console.log(`${'contender'.padEnd(44)} ${'GB/s'.padStart(9)} ${'ratio'.padStart(8)}`);
  for (const [name, ms] of [
    ['native cpu mth, all cores (peer)', cpuMs],
    ['cuda uploadFile + leaf hashes', uploadMs],
    ['cuda root (full re-hash of VRAM)', rootMs],
  ]) {
    console.log(
      `${name.padEnd(44)} ${gbps(ms).toFixed(2).padStart(9)} ${(gbps(ms) / result.cpuGBps).toFixed(2).padStart(7)}x`,
    );
  }
  console.log(
    `sampled verify (${SAMPLES} x ${LEAF / 1024} KiB leaves): median ${result.sampleMs.median.toFixed(3)} ms, p95 ${result.sampleMs.p95.toFixed(3)} ms`,
  );
}
