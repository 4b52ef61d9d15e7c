#!/usr/bin/env node
// Leases on the host-simulated device: the cost of opening and releasing a lease (audited), of
// tensor views for a shard with 1,000 tensors (first parse from device memory, then cached), and
// of verify({tensors}) on a 64 MiB tensor against hashing the same leaves by index on the device.
//   node bench/lease.mjs [--quick]      (--quick: fewer rounds)
import { mkdtempSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, VramManager } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 300 : 2000;
const MiB = 1024 * 1024;

/** A safetensors file: [name, dtype, shape, bytesPerElement] specs, random data. */
function safetensors(specs) {
  const header = {};
  let at = 0;
  for (const [name, dtype, shape, width] of specs) {
    const n = shape.reduce((a, b) => a * b, 1) * width;
    header[name] = { dtype, shape, data_offsets: [at, at + n] };
    at += n;
  }
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  const data = Buffer.alloc(at);
  for (let o = 0; o < at; o += 65536) randomFillSync(data, o, Math.min(65536, at - o));
  return Buffer.concat([size, json, data]);
}

const dir = mkdtempSync(join(tmpdir(), 'vram-bench-lease-'));
const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'bench', flush: { mode: 'hybrid' } });
const manager = await VramManager.open({
  token: 'bench-worker-token-0123456789abcdef',
  workerId: 'bench',
  audit,
  backend: 'host-sim',
  policy: { allowSimulatedDevice: true },
  simulatedCapacityBytes: 512 * MiB,
});

const perOp = async (fn, n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) / n) * 1000; // µs
};

// 1,000 tensors (a layer's worth of small weights each).
const many = await manager.sealBytes(
  safetensors(Array.from({ length: 1000 }, (_, i) => [`model.layers.${i}.weight`, 'BF16', [16, 32], 2])),
);
const openClose = await perOp(async () => (await manager.lease(many, { purpose: 'bench' })).release(), rounds);
const lease = await manager.lease(many, { purpose: 'bench' });
const t0 = performance.now();
const views = await lease.tensors();
const firstParse = (performance.now() - t0) * 1000;
const cached = await perOp(() => lease.tensors(), rounds);
await lease.release();

// One 64 MiB tensor among small ones; default 64 KiB leaves.
const big = await manager.sealBytes(
  safetensors([
    ['embed', 'F32', [1024, 16], 4],
    ['big', 'BF16', [32 * MiB], 2],
    ['norm', 'F32', [4096], 4],
  ]),
);
const bigLease = await manager.lease(big, { purpose: 'bench' });
const bigView = (await bigLease.tensors()).find((v) => v.name === 'big');
const leaf = big.leafSize;
const indices = [];
for (let l = 0; l <= Math.floor((bigView.offset + bigView.length - 1) / leaf); l++) {
  if (l <= Math.floor((bigView.offset - 1) / leaf) || l >= Math.floor(bigView.offset / leaf)) indices.push(l);
}
const allocation = bigLease.allocationForTesting();
const best = async (fn) => {
  let b = Infinity;
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    const s = performance.now();
    await fn();
    b = Math.min(b, performance.now() - s);
  }
  return b;
};
const byTensor = await best(() => manager.verify(big, { tensors: ['big'] }));
const byIndex = await best(() => allocation.chosenLeafHashes(leaf, indices));
const tensorDigest = await best(() => bigLease.tensorDigests(['big']));
await bigLease.release();
await manager.close();
await audit.close();

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
console.log(`lease bench (host-sim, ${rounds} rounds)`);
console.log(`  lease open + release (audited), 1,000-tensor shard   ${fmt(openClose)} per pair`);
console.log(`  tensors(): first call, header read + parse            ${fmt(firstParse)} (${views.length} tensors)`);
console.log(`  tensors(): later calls (cached per shard)             ${fmt(cached)}`);
console.log(`  verify({tensors:['big']}) 64 MiB, ${indices.length} leaves       ${byTensor.toFixed(1)} ms`);
console.log(`  chosenLeafHashes, the same leaves by index            ${byIndex.toFixed(1)} ms`);
console.log(`  ratio tensor/index                                    ${(byTensor / byIndex).toFixed(2)}`);
console.log(`  tensorDigests(['big']) (mth root on the device)       ${tensorDigest.toFixed(1)} ms`);
