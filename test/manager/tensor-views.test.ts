// Tensor views of leased shards on host-sim: the bytes at each view's DLPack data pointer are the
// file's tensor bytes, per-tensor digests computed on the device equal the SPEC §1 oracle, and
// verify({tensors}) re-hashes exactly the leaves those tensors (and the header) span.
import t, { type Test } from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { readAtAddressForTesting } from '../../lib/native/ipc-testing.js';
import type { Lease } from '../../lib/manager/lease.js';
import { makeGguf, makeSafetensors, type GeneratedTensor } from '../helpers/model-files.js';
import { oracleMth } from '../helpers/oracle.js';
import { openSimManager } from '../helpers/sim-manager.js';

const LEAF = 4096;

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-tensors-'));
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await openSimManager(audit, { simulatedCapacityBytes: 1 << 24 });
  t.teardown(async () => {
    await manager.close();
    await audit.close();
  });
  return manager;
}

async function checkViews(t: Test, lease: Lease, tensors: GeneratedTensor[]) {
  const views = await lease.tensors();
  t.equal(views.length, tensors.length);
  for (const want of tensors) {
    const view = views.find((v) => v.name === want.name)!;
    t.match(view, { dtype: want.dtype, shape: want.shape, offset: want.offset, length: want.data.length }, want.name);
    if (want.data.length === 0) continue;
    const address = view.dlpack ? view.dlpack.data : lease.address + BigInt(view.offset);
    const bytes = readAtAddressForTesting(lease.allocationForTesting(), address, view.length);
    t.same(Buffer.from(bytes), want.data, `${want.name}: the bytes at the view are the file's`);
  }
  return views;
}

t.test('safetensors with several dtypes: views equal the file bytes, DLPack fields, digests', async (t) => {
  const manager = await setup(t);
  const { file, tensors } = makeSafetensors([
    { name: 'model.embed.weight', dtype: 'BF16', shape: [100, 30] },
    { name: 'model.norm', dtype: 'F32', shape: [30] },
    { name: 'model.ids', dtype: 'I64', shape: [2, 3] },
    { name: 'model.mask', dtype: 'BOOL', shape: [7] },
    { name: 'model.f16', dtype: 'F16', shape: [3000] },
    { name: 'model.empty', dtype: 'U8', shape: [0] },
  ]);
  const shard = await manager.sealBytes(file);
  const lease = await manager.lease(shard, { purpose: 'inference' });
  const views = await checkViews(t, lease, tensors);
  const embed = views.find((v) => v.name === 'model.embed.weight')!;
  t.same(embed.dlpack, {
    data: lease.address + BigInt(embed.offset),
    device: { type: 1, id: 0 },
    dtype: { code: 4, bits: 16, lanes: 1 },
    shape: [100, 30],
    strides: [30, 1],
    byteOffset: 0,
  });
  t.match(views.find((v) => v.name === 'model.ids')!.dlpack, { dtype: { code: 0, bits: 64 }, strides: [3, 1] });
  t.equal(await lease.tensors(), views, 'parsed once per shard');
  const digests = await lease.tensorDigests();
  for (const want of tensors) {
    t.equal(digests.get(want.name), Buffer.from(oracleMth(want.data, LEAF)).toString('hex'), `${want.name} digest`);
  }
  t.same([...(await lease.tensorDigests(['model.norm'])).keys()], ['model.norm']);
  await t.rejects(lease.tensorDigests(['nope']), { code: 'E_ARG' });
  await lease.release();
});

t.test('GGUF (quantized and float tensors): views equal the file bytes', async (t) => {
  const manager = await setup(t);
  const { file, tensors } = makeGguf([
    { name: 'token_embd.weight', type: 'Q4_0', dims: [256, 40] },
    { name: 'output_norm.weight', type: 'F32', dims: [256] },
    { name: 'blk.0.attn_q.weight', type: 'Q8_0', dims: [64, 64] },
    { name: 'blk.0.ffn.weight', type: 'F16', dims: [64, 8] },
  ]);
  const shard = await manager.sealBytes(file);
  const lease = await manager.lease(shard, { purpose: 'inference' });
  const views = await checkViews(t, lease, tensors);
  t.equal(views.find((v) => v.name === 'token_embd.weight')!.dlpack, null, 'quantized blocks have no DLPack dtype');
  t.match(views.find((v) => v.name === 'blk.0.ffn.weight')!.dlpack, { dtype: { code: 2, bits: 16 }, shape: [8, 64] });
  await lease.release();
});

t.test('a hostile header sealed into a shard gives E_MALFORMED, never a view', async (t) => {
  const manager = await setup(t);
  const json = '{"a":{"dtype":"U8","shape":[64],"data_offsets":[0,64]}}';
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  const shard = await manager.sealBytes(Buffer.concat([size, Buffer.from(json), Buffer.alloc(10)]));
  const lease = await manager.lease(shard, { purpose: 'inference' });
  await t.rejects(lease.tensors(), { code: 'E_MALFORMED', message: /past the 10 bytes/ });
  const plain = await manager.sealBytes(Buffer.alloc(100, 7));
  const plainLease = await manager.lease(plain, { purpose: 'inference' });
  await t.rejects(plainLease.tensors(), { code: 'E_MALFORMED', message: /neither safetensors nor GGUF/ });
  await lease.release();
  await plainLease.release();
});

t.test('verify({tensors}) checks the leaves those tensors and the header span', async (t) => {
  const manager = await setup(t);
  const { file, tensors } = makeSafetensors([
    { name: 'a', dtype: 'F32', shape: [4096] }, // 16 KiB: leaves 0..4 with the header
    { name: 'b', dtype: 'F32', shape: [8192] }, // 32 KiB
    { name: 'c', dtype: 'U8', shape: [100] },
  ]);
  const [a, b] = tensors as [GeneratedTensor, GeneratedTensor];
  const leaves = (x: GeneratedTensor) => {
    const out = new Set<number>();
    for (let l = 0; l <= Math.floor((a.offset - 1) / LEAF); l++) out.add(l); // the header's
    for (let l = Math.floor(x.offset / LEAF); l <= Math.floor((x.offset + x.data.length - 1) / LEAF); l++) out.add(l);
    return out.size;
  };
  const shard = await manager.sealBytes(file);
  t.same(await manager.verify(shard, { tensors: ['b'] }), {
    shardId: shard.id,
    mode: 'full',
    leavesChecked: leaves(b),
    tensors: 1,
    ok: true,
  });
  t.match(await manager.verify(shard, { tensors: ['a', 'b'], mode: 'sample', samples: 3 }), { leavesChecked: 3 });
  await t.rejects(manager.verify(shard, { tensors: ['missing'] }), { code: 'E_ARG' });
  t.equal(shard.state, 'resident', 'an unknown name is an argument error, not a failure');
  // Damage inside b, in a leaf a does not share: aiming at a passes, aiming at b fails.
  const hit = b.offset + b.data.length - 10;
  await manager.injectFaultForTesting(shard, hit, 0x01);
  t.match(await manager.verify(shard, { tensors: ['a'] }), { ok: true, leavesChecked: leaves(a) });
  await t.rejects(manager.verify(shard, { tensors: ['b'] }), { code: 'E_SEAL_VERIFICATION', message: /named tensors/ });
  t.equal(shard.state, 'failed');
});

t.test('readRange copies device memory to the host in pieces, bounds-checked', async (t) => {
  const manager = await setup(t);
  const bytes = Buffer.alloc(9 * 1024 * 1024 + 5);
  for (let o = 0; o < bytes.length; o += 65536) bytes.fill(o / 65536, o, Math.min(o + 65536, bytes.length));
  const shard = await manager.sealBytes(bytes);
  const lease = await manager.lease(shard, { purpose: 'read' });
  const allocation = lease.allocationForTesting();
  t.same(Buffer.from(await allocation.readRange(0, bytes.length)), bytes, 'more than one 8 MiB piece');
  t.same(Buffer.from(await allocation.readRange(bytes.length - 3, 3)), bytes.subarray(bytes.length - 3));
  await t.rejects(allocation.readRange(bytes.length - 3, 4), { code: 'E_BOUNDS' });
  await lease.release();
});
