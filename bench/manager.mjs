#!/usr/bin/env node
// VramManager on the host-simulated device: sealFile throughput against copying the same file
// (`cat` to /dev/null, fs.copyFile) and hashing it with node:crypto, plus verify latency.
//   node bench/manager.mjs [--quick]      (256 MiB, or 64 MiB with --quick)
import { createHash, randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, VramManager } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const MiB = 1024 * 1024;
const size = (quick ? 64 : 256) * MiB;
const repeats = quick ? 2 : 3;

const dir = mkdtempSync(join(tmpdir(), 'vram-bench-manager-'));
const file = join(dir, 'model.bin');
const data = Buffer.alloc(size);
for (let o = 0; o < size; o += 65536) randomFillSync(data, o, 65536);
writeFileSync(file, data);
readFileSync(file); // page cache: every contender reads from memory, not the disk

const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'bench', flush: { mode: 'hybrid' } });
const manager = await VramManager.open({
  token: 'bench-worker-token-0123456789abcdef',
  workerId: 'bench',
  audit,
  backend: 'host-sim',
  policy: { allowSimulatedDevice: true },
  simulatedCapacityBytes: 2 * size,
});

const sha = () =>
  new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file, { highWaterMark: 4 * MiB })
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest()))
      .on('error', reject);
  });
const contenders = [
  ['cat FILE > /dev/null (peer)', () => execFileSync('sh', ['-c', `cat '${file}' > /dev/null`])],
  ['fs.copyFile to a new file', () => copyFileSync(file, join(dir, 'copy.bin'))],
  ['node:crypto sha256 stream', sha],
  [
    'sealFile on host-sim (+contentSha256)',
    async () => manager.release(await manager.sealFile(file, { computeContentSha256: true })),
  ],
  ['sealFile on host-sim', async () => manager.release(await manager.sealFile(file))],
];
const rows = contenders.map(([name]) => ({ name, best: Infinity }));
for (let i = 0; i < repeats; i++) {
  for (const [k, [, fn]] of contenders.entries()) {
    const t0 = performance.now();
    await fn();
    rows[k].best = Math.min(rows[k].best, performance.now() - t0);
  }
}
const peer = size / rows[0].best;
console.log(
  `manager bench: ${size / MiB} MiB file in the page cache, best of ${repeats}, ratio vs cat to /dev/null (fs.copyFile cannot target /dev/null: the copy is refused and libuv then unlinks the destination)`,
);
console.log(`${'contender'.padEnd(44)} ${'MB/s'.padStart(8)} ${'ratio'.padStart(7)}`);
for (const r of rows)
  console.log(
    `${r.name.padEnd(44)} ${(size / 1e3 / r.best).toFixed(0).padStart(8)} ${(size / r.best / peer).toFixed(2).padStart(6)}x`,
  );

const shard = await manager.sealFile(file);
const time = async (fn, n) => {
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(n / 2)], p95: t[Math.min(n - 1, Math.floor(n * 0.95))] };
};
const full = await time(() => manager.verify(shard, { mode: 'full' }), repeats);
const sample = await time(() => manager.verify(shard, { mode: 'sample', samples: 16 }), 40);
console.log(
  `verify full (${shard.leafCount} leaves): median ${full.median.toFixed(1)} ms (${(size / 1e3 / full.median).toFixed(0)} MB/s)`,
);
console.log(`verify sample (16 leaves): median ${sample.median.toFixed(2)} ms, p95 ${sample.p95.toFixed(2)} ms`);
await manager.close();
await audit.close();
rmSync(dir, { recursive: true, force: true });
