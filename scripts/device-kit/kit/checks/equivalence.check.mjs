// The device under test against host-sim and the CPU engine (and a node:crypto oracle): every
// SPEC §1 leaf size (4 KiB … 16 MiB) with a partial last leaf, unaligned destinations, many
// staging chunks, one byte, 8 parallel uploads, upload() then hash with no stale bytes, and no
// leaked device memory. Written for Node's built-in test runner: no dev dependencies on the device.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MiB, hex, native, onDevice, openSim, openTarget, oracleLeafHashes, randomBytes, workDir } from './common.mjs';

const dir = workDir('equivalence-');
const target = await openTarget({ faultInjection: true });
const sim = await openSim({ faultInjection: true });
const freeAtStart = target.memInfo().free;
after(() => {
  target.close();
  sim.close();
  rmSync(dir, { recursive: true, force: true });
});

// Seals the file's bytes on `device` through uploadFile, then reads back leaves, a sample, the root.
async function digestOn(device, file, size, leafSize, deviceOffset, chunkBytes) {
  const a = await device.allocate(size + deviceOffset);
  const up = await a.uploadFile(file, { leafSize, deviceOffset, chunkBytes, sha256: true });
  const root = hex(await a.root(leafSize));
  const leaves = Math.ceil((size + deviceOffset) / leafSize);
  const sample = hex(await a.chosenLeafHashes(leafSize, [leaves - 1, 0, Math.floor(leaves / 2)]));
  const firstTwo = hex(await a.leafHashes(leafSize, 0, Math.min(2, leaves)));
  const zeroed = await a.free();
  return { uploaded: hex(up.leafHashes), sha256: hex(up.sha256), root, sample, firstTwo, zeroed };
}

const cases = [];
for (let shift = 12, i = 0; shift <= 24; shift++, i++) {
  const leaf = 2 ** shift;
  const offset = [0, 3, 4096, leaf - 1][i % 4];
  cases.push({
    name: `leaf ${leaf / 1024} KiB, partial last leaf, offset ${offset}`,
    size: 2 * leaf + leaf / 2 + 7,
    leaf,
    offset,
  });
}
cases.push({ name: 'many chunks (1 MiB chunks, 4 KiB leaves)', size: 24 * MiB + 1, leaf: 4096, offset: 0, chunk: MiB });
cases.push({
  name: 'chunk of exactly one leaf, 64 KiB leaves',
  size: 3 * MiB + 17,
  leaf: 65536,
  offset: 65536,
  chunk: 65536,
});
cases.push({ name: 'one byte', size: 1, leaf: 4096, offset: 0 });

for (const c of cases) {
  test(c.name, async () => {
    const data = randomBytes(c.size, c.size ^ c.leaf);
    const file = join(dir, `${c.size}.bin`);
    writeFileSync(file, data);
    const placed = new Uint8Array(c.size + c.offset);
    placed.set(data, c.offset);
    const expectedRoot = hex(await native.cpuEngine.mth(placed, c.leaf));
    const onTarget = await digestOn(target, file, c.size, c.leaf, c.offset, c.chunk);
    const onSim = await digestOn(sim, file, c.size, c.leaf, c.offset, c.chunk);
    rmSync(file);
    assert.equal(onTarget.root, expectedRoot, 'device root = CPU engine');
    assert.equal(onTarget.uploaded, hex(oracleLeafHashes(data, c.leaf)), 'upload leaf hashes = oracle');
    assert.deepEqual(onTarget, onSim, 'device = host-sim (leaves, sha256, root, sample, zeroed)');
    assert.deepEqual(onTarget.zeroed, { zeroed: true });
  });
}

test('upload() then hash: every hash sees the bytes just uploaded (no stale bytes), flips seen and restored', async () => {
  const size = 17 * MiB + 3;
  const mirror = randomBytes(size, 5);
  const a = await target.allocate(size);
  assert.equal(a.isDeviceMemory(), onDevice, onDevice ? 'VRAM' : 'dry run: host memory');
  await a.upload(0, mirror);
  assert.equal(hex(await a.root(65536)), hex(await native.cpuEngine.mth(mirror, 65536)));
  for (let round = 0; round < 12; round++) {
    const at = (round * 1_234_567) % (size - 70_000);
    const patch = randomBytes(1 + ((round * 7919) % 65_600), 100 + round);
    mirror.set(patch, at);
    await a.upload(at, patch);
    const leaf = Math.floor(at / 65536);
    assert.equal(
      hex(await a.chosenLeafHashes(65536, [leaf])),
      hex(oracleLeafHashes(mirror.subarray(leaf * 65536, (leaf + 1) * 65536), 65536)),
      `round ${round}: leaf after upload`,
    );
    assert.equal(
      hex(await a.root(65536)),
      hex(await native.cpuEngine.mth(mirror, 65536)),
      `round ${round}: root after upload`,
    );
  }
  const clean = hex(await a.root(65536));
  for (const offset of [0, 1, 65535, 65536, size - 1]) {
    await a.flipBits(offset, 0x01);
    assert.notEqual(hex(await a.root(65536)), clean, `flip at ${offset} seen`);
    await a.flipBits(offset, 0x01);
  }
  assert.equal(hex(await a.root(65536)), clean, 'restored');
  assert.deepEqual(await a.free(), { zeroed: true });
});

test('8 parallel uploads of one file agree with the oracle', async () => {
  const data = randomBytes(12 * MiB + 99, 8);
  const file = join(dir, 'parallel.bin');
  writeFileSync(file, data);
  const expected = hex(oracleLeafHashes(data, 65536));
  const root = hex(await native.cpuEngine.mth(data, 65536));
  const results = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const a = await target.allocate(data.length);
      const r = await a.uploadFile(file, { leafSize: 65536, chunkBytes: 2 * MiB });
      const out = { leaves: hex(r.leafHashes), root: hex(await a.root(65536)) };
      await a.free();
      return out;
    }),
  );
  for (const r of results) assert.deepEqual(r, { leaves: expected, root });
});

test('no leaked device memory', () => {
  const free = target.memInfo().free;
  // Lanes keep their scratch and pinned buffers; allocations must all be back.
  assert.ok(
    free >= freeAtStart - 256 * MiB,
    `free ${free} vs ${freeAtStart} at start (lanes keep < 256 MiB of scratch)`,
  );
});
