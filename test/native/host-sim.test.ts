// The host-simulated device runs the CUDA kernels' phase functions on a CPU grid walker; its
// leaf hashes, roots and chosen-leaf hashes must equal the node:crypto oracle.
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openDevice } from '../../lib/native/index.js';
import { hex, oracleLeafHashes, oracleMth } from '../helpers/oracle.js';
import { randomBytes, splitAt } from '../helpers/random-bytes.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-hostsim-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const device = await openDevice({
  backend: 'host-sim',
  capacityBytes: 256 * 1024 * 1024,
  faultInjection: true,
  threads: 2,
});
const leafSizeArb = fc.integer({ min: 12, max: 20 }).map((e) => 2 ** e);

t.test('the device says what it is', async (t) => {
  const p = device.properties();
  t.equal(p.backend, 'host-sim');
  t.match(p.name, /not VRAM/);
  t.equal(p.uuid, null);
  t.equal(p.totalMemory, 256 * 1024 * 1024);
  t.equal(p.driverVersion, null);
  t.same(device.memInfo(), { free: 256 * 1024 * 1024, total: 256 * 1024 * 1024 });
  const a = await device.allocate(1000);
  t.equal(a.isDeviceMemory(), false, 'host memory is never reported as device memory');
  t.equal(device.memInfo().free, 256 * 1024 * 1024 - 1000);
  t.equal(JSON.stringify(a), '{"size":1000,"backend":"host-sim"}', 'no address in JSON');
  await a.free();
  t.equal(device.memInfo().free, 256 * 1024 * 1024);
});

for (const source of vectorSources()) {
  t.test(`device roots match the tree vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const { cases } = readVectorJson<{ cases: Array<{ leafSize: number; size: number; digest: string }> }>(
      source,
      'tree.json',
    );
    const data = patternBytes(Math.max(...cases.map((c) => c.size)));
    for (const c of cases) {
      const a = await device.allocate(c.size);
      await a.upload(0, data.subarray(0, c.size));
      t.equal(hex(await a.root(c.leafSize)), c.digest, `${c.size}/${c.leafSize}`);
      await a.free();
    }
  });
}

t.test('uploads split at arbitrary offsets, then leaf hashes, root and chosen leaves equal the oracle', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 * 1024 * 1024 }),
      leafSizeArb,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
      fc.integer(),
      fc.array(fc.nat(), { maxLength: 20 }),
      async (size, leafSize, cuts, seed, picks) => {
        const data = randomBytes(size, seed);
        const a = await device.allocate(size);
        try {
          let offset = 0;
          // Upload the pieces in reverse order, so each lands at its own offset independently.
          const pieces = splitAt(data, cuts).map((piece) => {
            const at = offset;
            offset += piece.length;
            return { at, piece };
          });
          await Promise.all(pieces.reverse().map(({ at, piece }) => a.upload(at, piece)));
          const expectedLeaves = oracleLeafHashes(data, leafSize);
          const count = expectedLeaves.length / 32;
          if (hex(await a.leafHashes(leafSize, 0, count)) !== hex(expectedLeaves)) return false;
          if (hex(await a.root(leafSize)) !== hex(oracleMth(data, leafSize))) return false;
          const first = picks.length > 0 ? picks[0]! % count : 0;
          const some = await a.leafHashes(leafSize, first, count - first);
          if (hex(some) !== hex(expectedLeaves.subarray(first * 32))) return false;
          const indices = picks.map((p) => p % count);
          const chosen = await a.chosenLeafHashes(leafSize, indices);
          return indices.every(
            (leaf, i) =>
              hex(chosen.subarray(i * 32, i * 32 + 32)) === hex(expectedLeaves.subarray(leaf * 32, leaf * 32 + 32)),
          );
        } finally {
          await a.free();
        }
      },
    ),
    { numRuns: 40 },
  );
  t.pass('40 random cases');
});

t.test('short last leaves of every length near block boundaries hash like the oracle', async (t) => {
  const leafSize = 4096;
  const data = randomBytes(3 * leafSize, 5);
  for (const tail of [1, 2, 3, 4, 5, 54, 55, 56, 57, 62, 63, 64, 65, 119, 120, 127, 128, 4095]) {
    const bytes = data.subarray(0, 2 * leafSize + tail);
    const a = await device.allocate(bytes.length);
    await a.upload(0, bytes);
    t.equal(hex(await a.leafHashes(leafSize, 0, 3)), hex(oracleLeafHashes(bytes, leafSize)), `tail ${tail}`);
    await a.free();
  }
});

t.test('uploadFile hashes from device memory as chunks land and equals the oracle', async (t) => {
  const data = randomBytes(5 * 1024 * 1024 + 123, 42);
  const file = join(dir, 'shard.bin');
  writeFileSync(file, data);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: data.length - 1 }),
      fc.integer({ min: 1, max: data.length }),
      leafSizeArb,
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 5000 }),
      async (fileOffset, wanted, leafSize, leavesPerChunk, deviceOffset) => {
        const length = Math.min(wanted, data.length - fileOffset);
        const bytes = data.subarray(fileOffset, fileOffset + length);
        const a = await device.allocate(deviceOffset + length);
        try {
          const progress: number[] = [];
          const r = await a.uploadFile(file, {
            fileOffset,
            length,
            deviceOffset,
            leafSize,
            sha256: true,
            chunkBytes: leavesPerChunk * leafSize,
            onProgress: (n) => progress.push(n),
          });
          const sorted = progress.every((n, i) => i === 0 || n > progress[i - 1]!);
          return (
            r.length === length &&
            hex(r.leafHashes) === hex(oracleLeafHashes(bytes, leafSize)) &&
            r.sha256 !== null &&
            hex(r.sha256) === createHash('sha256').update(bytes).digest('hex') &&
            sorted &&
            progress.at(-1) === length &&
            // the bytes really landed at deviceOffset: a root over an allocation of exactly them
            (deviceOffset > 0 || hex(await a.root(leafSize)) === hex(oracleMth(bytes, leafSize)))
          );
        } finally {
          await a.free();
        }
      },
    ),
    { numRuns: 25 },
  );
  t.pass('25 random uploads');
});

t.test('uploadFile defaults: whole file at offset 0, no content hash', async (t) => {
  const data = randomBytes(300_000, 3);
  const file = join(dir, 'whole.bin');
  writeFileSync(file, data);
  const a = await device.allocate(data.length);
  const r = await a.uploadFile(file, { leafSize: 65536 });
  t.equal(r.sha256, null);
  t.equal(r.length, data.length);
  t.equal(hex(r.leafHashes), hex(oracleLeafHashes(data, 65536)));
  t.equal(hex(await a.root(65536)), hex(oracleMth(data, 65536)));
  await a.free();
});

t.test('flipping bits at any byte changes exactly that leaf and the root', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 600_000 }),
      leafSizeArb,
      fc.integer(),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      fc.integer({ min: 1, max: 255 }),
      async (size, leafSize, seed, where, mask) => {
        const data = randomBytes(size, seed);
        const offset = Math.floor(where * size);
        const a = await device.allocate(size);
        try {
          await a.upload(0, data);
          const count = Math.ceil(size / leafSize);
          const before = await a.leafHashes(leafSize, 0, count);
          const rootBefore = await a.root(leafSize);
          await a.flipBits(offset, mask);
          const after = await a.leafHashes(leafSize, 0, count);
          const changed: number[] = [];
          for (let i = 0; i < count; i++) {
            if (hex(before.subarray(i * 32, i * 32 + 32)) !== hex(after.subarray(i * 32, i * 32 + 32))) changed.push(i);
          }
          const tampered = data.slice();
          tampered[offset]! ^= mask;
          const rootAfter = await a.root(leafSize);
          return (
            changed.length === 1 &&
            changed[0] === Math.floor(offset / leafSize) &&
            hex(rootAfter) !== hex(rootBefore) &&
            hex(rootAfter) === hex(oracleMth(tampered, leafSize))
          );
        } finally {
          await a.free();
        }
      },
    ),
    { numRuns: 30 },
  );
  t.pass('30 random faults');
});

t.test('a throwing progress callback does not stop the upload; its error surfaces at the end', async (t) => {
  const data = randomBytes(200_000, 8);
  const file = join(dir, 'progress.bin');
  writeFileSync(file, data);
  const a = await device.allocate(data.length);
  const seen: number[] = [];
  await t.rejects(
    a.uploadFile(file, {
      leafSize: 4096,
      chunkBytes: 4096 * 4,
      onProgress: (n) => {
        seen.push(n);
        throw new Error('callback failed');
      },
    }),
    { message: 'callback failed' },
  );
  t.ok(seen.length >= 1, 'the callback ran');
  t.equal(hex(await a.root(4096)), hex(oracleMth(data, 4096)), 'all bytes landed');
  await a.upload(0, new Uint8Array(0));
  await a.upload(data.length, new Uint8Array(0));
  t.equal(hex(await a.root(4096)), hex(oracleMth(data, 4096)), 'empty uploads change nothing');
  await a.free();
});

t.test('many concurrent operations on one allocation and across allocations stay correct', async (t) => {
  const leafSize = 4096;
  const data = randomBytes(1024 * 1024 + 5, 21);
  const a = await device.allocate(data.length);
  const b = await device.allocate(data.length);
  await Promise.all([a.upload(0, data), b.upload(0, data)]);
  const expectedRoot = hex(oracleMth(data, leafSize));
  const expectedLeaves = oracleLeafHashes(data, leafSize);
  const count = expectedLeaves.length / 32;
  const ops: Array<Promise<boolean>> = [];
  for (let i = 0; i < 12; i++) {
    const target = i % 2 === 0 ? a : b;
    ops.push(target.root(leafSize).then((r) => hex(r) === expectedRoot));
    const pick = (i * 37) % count;
    ops.push(
      target
        .chosenLeafHashes(leafSize, [pick])
        .then((h) => hex(h) === hex(expectedLeaves.subarray(pick * 32, pick * 32 + 32))),
    );
    // Re-uploading identical bytes concurrently must not disturb the readers.
    ops.push(target.upload(pick * leafSize, data.subarray(pick * leafSize, pick * leafSize + 100)).then(() => true));
  }
  const results = await Promise.all(ops);
  t.equal(results.filter((ok) => !ok).length, 0, `${results.length} concurrent ops correct`);
  await Promise.all([a.free(), b.free()]);
});
