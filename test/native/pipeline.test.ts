// The two-stream lane pipeline (csrc/lane_ops.cpp) on host-sim, whose streams are real threads.
// With simulatedLateCopies every copy lands as late as the stream ordering allows (no sleeps):
// hashes must still be of the landed bytes (events order the hash stream after the copy stream),
// and the same check fails every time when the ordering is planted out, so it is the events
// that make it pass. Device loss: a lost device refuses work and free() reports that
// the memory could not be zeroed.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DeviceLostError, openDevice } from '../../lib/native/index.js';
import { hex, oracleLeafHashes, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-pipeline-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const LEAF = 4096;
const data = randomBytes(3 * 1024 * 1024 + 777, 99); // many chunks, a short last leaf
const file = join(dir, 'shard.bin');
writeFileSync(file, data);

async function uploadWith(opts: { simulatedOrderingBug?: boolean }) {
  const device = await openDevice({
    backend: 'host-sim',
    capacityBytes: 8 << 20,
    faultInjection: true,
    threads: 2,
    simulatedLateCopies: true,
    ...opts,
  });
  const a = await device.allocate(data.length);
  const progress: number[] = [];
  const r = await a.uploadFile(file, {
    leafSize: LEAF,
    chunkBytes: 64 * 1024,
    sha256: true,
    onProgress: (n) => progress.push(n),
  });
  const root = hex(await a.root(LEAF));
  await a.free();
  device.close();
  return { leaves: hex(r.leafHashes), root, progress };
}

t.test('upload-then-hash ordering: late copies are hashed after they land', async (t) => {
  const r = await uploadWith({});
  t.equal(r.leaves, hex(oracleLeafHashes(data, LEAF)), 'every leaf hash is of the uploaded bytes');
  t.equal(r.root, hex(oracleMth(data, LEAF)));
  t.same(
    r.progress,
    [...r.progress].sort((x, y) => x - y),
    'progress is monotonic',
  );
  t.equal(r.progress.at(-1), data.length);
});

t.test('the same upload with the copy->hash wait planted out hashes stale bytes, every time', async (t) => {
  // Late copies land only once nothing queued after them can run first, so without the wait the
  // leaves of the copies still in flight at a launch are hashed as the fresh (zeroed) memory.
  const right = oracleLeafHashes(data, LEAF);
  const stale = oracleLeafHashes(new Uint8Array(data.length), LEAF);
  const counts = new Set<number>();
  for (let round = 0; round < 5; round++) {
    const r = await uploadWith({ simulatedOrderingBug: true });
    const leaves = Buffer.from(r.leaves, 'hex');
    let wrong = 0;
    let notStale = 0;
    for (let i = 0; i < leaves.length; i += 32) {
      const leaf = leaves.subarray(i, i + 32);
      if (Buffer.compare(leaf, right.subarray(i, i + 32)) === 0) continue;
      wrong++;
      if (Buffer.compare(leaf, stale.subarray(i, i + 32)) !== 0) notStale++;
    }
    t.ok(wrong > 0, `round ${round}: ${wrong} leaves hashed before their copy landed`);
    counts.add(wrong);
    t.equal(notStale, 0, `round ${round}: each wrong leaf is the hash of the zeroed memory`);
    t.equal(r.root, hex(oracleMth(data, LEAF)), `round ${round}: the bytes did land, only the ordering was wrong`);
  }
  t.equal(counts.size, 1, 'the same leaves are stale in every round: no timing decides it');
});

t.test('upload() of pageable bytes is ordered before a following hash on another lane', async (t) => {
  const device = await openDevice({
    backend: 'host-sim',
    capacityBytes: 32 << 20,
    faultInjection: true,
    threads: 2,
    simulatedLateCopies: true,
  });
  const bytes = randomBytes(20 * 1024 * 1024 + 5, 7); // 3 staging pieces of 8 MiB, reused slots
  const a = await device.allocate(bytes.length);
  await a.upload(0, bytes);
  t.equal(hex(await a.root(LEAF)), hex(oracleMth(bytes, LEAF)));
  await a.flipBits(12345, 0x10);
  t.not(hex(await a.root(LEAF)), hex(oracleMth(bytes, LEAF)), 'a flipped bit is seen by the next hash');
  await a.flipBits(12345, 0x10);
  t.equal(hex(await a.root(LEAF)), hex(oracleMth(bytes, LEAF)), 'and restored');
  t.same(await a.free(), { zeroed: true });
  device.close();
});

t.test('8 parallel uploads on one device take separate lanes and all hash right', async (t) => {
  const device = await openDevice({
    backend: 'host-sim',
    capacityBytes: 64 << 20,
    faultInjection: true,
    threads: 2,
    simulatedLateCopies: true,
  });
  const results = await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const a = await device.allocate(data.length + i);
      const r = await a.uploadFile(file, { leafSize: LEAF, chunkBytes: 128 * 1024, deviceOffset: i });
      const root = hex(await a.root(LEAF));
      await a.free();
      return { leaves: hex(r.leafHashes), root, i };
    }),
  );
  for (const r of results) {
    t.equal(r.leaves, hex(oracleLeafHashes(data, LEAF)), `upload ${r.i}: leaf hashes (device offset ${r.i})`);
    const expected = new Uint8Array(data.length + r.i);
    expected.set(data, r.i);
    t.equal(r.root, hex(oracleMth(expected, LEAF)), `upload ${r.i}: root of the allocation`);
  }
  t.same(device.memInfo().free, 64 << 20, 'nothing leaked');
  device.close();
});

t.test('a lost device refuses work, and free() says the memory could not be zeroed', async (t) => {
  const device = await openDevice({ backend: 'host-sim', capacityBytes: 1 << 20, faultInjection: true });
  const a = await device.allocate(10_000);
  await a.upload(0, randomBytes(10_000, 3));
  device.simulateLoss();
  const err = await a.root(LEAF).catch((e: unknown) => e);
  t.ok(err instanceof DeviceLostError, 'a DeviceLostError');
  t.match(err, { code: 'E_DEVICE_LOST', message: /sticky error/ });
  await t.rejects(device.allocate(10), { code: 'E_DEVICE_LOST' });
  await t.rejects(a.upload(0, new Uint8Array(1)), { code: 'E_DEVICE_LOST' });
  t.throws(() => device.memInfo(), { code: 'E_DEVICE_LOST' });
  t.same(await a.free(), { zeroed: false }, 'reported, not silently dropped');
});

t.test('test hooks are refused outside fault-injection host-sim devices', async (t) => {
  await t.rejects(openDevice({ backend: 'host-sim', simulatedLateCopies: true }), { code: 'E_POLICY' });
  await t.rejects(openDevice({ backend: 'host-sim', simulatedOrderingBug: true }), { code: 'E_POLICY' });
  const plain = await openDevice({ backend: 'host-sim', capacityBytes: 1 << 20 });
  t.throws(() => plain.simulateLoss(), { code: 'E_POLICY' });
  plain.close();
});
