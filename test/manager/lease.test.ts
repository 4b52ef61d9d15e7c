// Leases on the host-simulated device, with real second processes: a lease blocks release, a
// flipped bit fails the holder's lease, a child maps the export read-only, hashes it and matches
// the seal, the OS refuses its writes, a stale handle is a clean error, and it is all audited.
import t, { type Test } from 'tap';
import { constants } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { Lease } from '../../lib/manager/lease.js';
import { readAtAddressForTesting } from '../../lib/native/ipc-testing.js';
import { openIpcLease, parseIpcHandle } from '../../lib/native/ipc.js';
import { startConsumer } from '../helpers/ipc-consumer.js';
import { TEST_TOKEN, openSimManager } from '../helpers/sim-manager.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { nativeStatus } from '../../lib/native/index.js';
import type { SealVerificationError } from '../../lib/errors.js';

const LEAF = 4096;

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-lease-'));
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await openSimManager(audit);
  t.teardown(async () => {
    await manager.close();
    await audit.close();
  });
  return { dir, audit, manager };
}

/** Lets the event loop turn a few times: a promise still pending then is waiting on something. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

t.test('a lease names the device, address, length and digest; the address is the sealed bytes', async (t) => {
  const { manager } = await setup(t);
  const bytes = randomBytes(3 * LEAF + 77);
  const shard = await manager.sealBytes(bytes);
  const lease = await manager.lease(shard, { purpose: 'inference' });
  t.ok(lease instanceof Lease);
  t.match(lease, { shardId: shard.id, device: 0, deviceUuid: null, length: bytes.length, digest: shard.digest });
  t.equal(lease.leafSize, LEAF);
  t.equal(typeof lease.address, 'bigint');
  t.equal(lease.state, 'open');
  // Raw host memory at the address (host-sim: a host pointer) is exactly what was sealed.
  const at = (offset: number, length: number) =>
    Buffer.from(readAtAddressForTesting(lease.allocationForTesting(), lease.address + BigInt(offset), length));
  t.same(at(0, 4096), bytes.subarray(0, 4096));
  t.same(at(bytes.length - 100, 100), bytes.subarray(bytes.length - 100));
  t.throws(() => at(bytes.length - 10, 11), { code: 'E_BOUNDS' }, 'no read past the allocation');
  t.match(manager.status(), { shards: 1, leases: { open: 1, failed: 0, shardsLeased: 1 } });
  t.notMatch(JSON.stringify(lease), /address/, 'the address is not in JSON');
  await t.rejects(manager.lease(shard, { purpose: '' }), { code: 'E_ARG' });
  await lease.release();
  await lease.release(); // idempotent
  t.equal(lease.state, 'released');
  t.throws(() => lease.exportIpc(), { code: 'E_FREED' });
  t.match(manager.status(), { leases: { open: 0 } });
});

t.test('an open lease blocks release: refused by default, waited for with whenLeased', async (t) => {
  const { manager } = await setup(t);
  const shard = await manager.sealBytes(randomBytes(2 * LEAF));
  const a = await manager.lease(shard, { purpose: 'batch-a' });
  const b = await manager.lease(shard, { purpose: 'batch-b' });
  await t.rejects(manager.release(shard), { code: 'E_LEASED', openLeases: 2 });
  t.equal(shard.state, 'resident');
  let released = false;
  const releasing = manager.release(shard, { whenLeased: 'wait' }).then(() => {
    released = true;
  });
  await a.release();
  await turns();
  t.equal(released, false, 'still waiting: one lease is open');
  t.equal(shard.state, 'resident');
  await t.rejects(manager.lease(shard, { purpose: 'late' }), { code: 'E_FREED' }, 'no new lease while a release waits');
  const closedEvent = new Promise((resolve) => b.once('released', resolve));
  await b.release();
  t.equal(await closedEvent, 'released');
  await releasing;
  t.equal(released, true);
  t.equal(shard.state, 'released');
});

t.test('a flipped bit fails the next verification and every open lease hears it', async (t) => {
  const { manager } = await setup(t);
  const shard = await manager.sealBytes(randomBytes(4 * LEAF));
  const lease = await manager.lease(shard, { purpose: 'inference' });
  const heard = new Promise<SealVerificationError>((resolve) => lease.once('failed', resolve));
  await manager.verify(shard);
  await manager.injectFaultForTesting(shard, 2 * LEAF + 5, 0x10);
  await t.rejects(manager.verify(shard, { mode: 'full' }), { code: 'E_SEAL_VERIFICATION' });
  const error = await heard;
  t.equal(error.code, 'E_SEAL_VERIFICATION');
  t.equal(lease.state, 'failed');
  t.equal(lease.failure, error);
  t.match(manager.status(), { leases: { open: 1, failed: 1 } });
  t.throws(() => lease.exportIpc(), { code: 'E_SEAL_VERIFICATION' }, 'a failed lease exports nothing');
  await t.rejects(manager.lease(shard, { purpose: 'again' }), { code: 'E_POLICY' });
  await lease.release();
  await manager.release(shard);
});

t.test('a child process maps the export read-only, hashes it on the device and matches the seal', async (t) => {
  const { manager } = await setup(t);
  const bytes = randomBytes(5 * LEAF + 1234);
  const shard = await manager.sealBytes(bytes);
  const lease = await manager.lease(shard, { purpose: 'ipc' });
  const handle = lease.exportIpc();
  t.match(handle, { format: 'vram-residency.ipc.v1', kind: 'host-memfd', backend: 'host-sim', pid: process.pid });
  t.same(parseIpcHandle(JSON.stringify(handle)), handle, 'the handle survives JSON');
  const child = startConsumer();
  t.teardown(() => child.end());
  t.match(await child.send({ op: 'open', handle }), { opened: true, length: bytes.length });
  t.same(await child.send({ op: 'hash' }), { hash: shard.digest, matches: true });
  t.same(await child.send({ op: 'peek', length: 64 }), { hex: bytes.subarray(0, 64).toString('hex') });
  // Every other way to write is refused by the kernel: the mapping cannot become writable, and the
  // sealed memfd refuses write() and writable mappings even through a read-write descriptor.
  const probe = await child.send({ op: 'probe' });
  t.equal(probe.mprotect, constants.errno.EACCES, 'mprotect(PROT_WRITE) on the read-only mapping: EACCES');
  if (probe.openReadWrite === 0) {
    t.equal(probe.pwrite, constants.errno.EPERM, 'pwrite on the sealed memfd: EPERM');
    t.equal(probe.mmapWrite, constants.errno.EPERM, 'a writable shared mapping of the sealed memfd: EPERM');
  } else {
    t.pass(`opening the exporter's memfd read-write was refused outright (errno ${probe.openReadWrite})`);
  }
  t.match(await child.send({ op: 'close' }), { closed: true });
  await lease.release();
  t.same(await manager.verify(shard), { shardId: shard.id, mode: 'full', leavesChecked: 6, ok: true });
});

t.test('a write through the mapping is refused by the OS: the child dies with SIGSEGV', async (t) => {
  const { manager } = await setup(t);
  const bytes = randomBytes(2 * LEAF);
  const shard = await manager.sealBytes(bytes);
  const lease = await manager.lease(shard, { purpose: 'ipc' });
  const child = startConsumer();
  t.match(await child.send({ op: 'open', handle: lease.exportIpc() }), { opened: true });
  const reply = await child.send({ op: 'store' });
  t.same(reply, { exited: { code: null, signal: 'SIGSEGV' } });
  t.same(await manager.verify(shard), { shardId: shard.id, mode: 'full', leavesChecked: 2, ok: true }, 'bytes intact');
  await lease.release();
});

t.test('a stale handle is a clean error, never old bytes', async (t) => {
  const { manager } = await setup(t);
  const bytes = randomBytes(3 * LEAF);
  const shard = await manager.sealBytes(bytes);
  const lease = await manager.lease(shard, { purpose: 'ipc' });
  const handle = lease.exportIpc();
  const holder = startConsumer(); // maps before the release
  t.teardown(() => holder.end());
  t.match(await holder.send({ op: 'open', handle }), { opened: true });
  await lease.release();
  await manager.release(shard);
  const hashed = await holder.send({ op: 'hash' });
  t.equal(hashed.error, 'E_STALE_HANDLE', 'hash() after the release says the handle is stale');
  const peek = await holder.send({ op: 'peek', length: 64 });
  t.equal(peek.hex, '00'.repeat(64), 'the mapping holds zeros (zeroed on release), not the sealed bytes');
  const late = startConsumer(); // opens after the release
  t.teardown(() => late.end());
  t.match(await late.send({ op: 'open', handle }), { error: 'E_STALE_HANDLE' });
  // A new shard may reuse the descriptor number: the token still tells them apart.
  const other = await manager.sealBytes(bytes);
  const otherLease = await manager.lease(other, { purpose: 'ipc' });
  const otherHandle = otherLease.exportIpc();
  t.match(await late.send({ op: 'open', handle: { ...otherHandle, token: handle.token } }), {
    error: 'E_STALE_HANDLE',
  });
  await t.rejects(openIpcLease({ ...handle, format: 'other' } as never), { code: 'E_ARG' });
  await otherLease.release();
});

t.test('lease events are in the audit log, and it verifies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-lease-audit-'));
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await openSimManager(audit);
  const shard = await manager.sealBytes(randomBytes(2 * LEAF));
  const first = await manager.lease(shard, { purpose: 'inference' });
  first.exportIpc();
  await first.release();
  const second = await manager.lease(shard, { purpose: 'engine:test' });
  await manager.close(); // revokes the open lease
  await audit.close();
  t.equal(second.state, 'released');
  const records = await queryAuditLogAll(join(dir, 'audit'), {
    types: ['vram.lease_opened', 'vram.lease_exported', 'vram.lease_closed'],
  });
  t.same(
    records.map((r) => r.type),
    ['vram.lease_opened', 'vram.lease_exported', 'vram.lease_closed', 'vram.lease_opened', 'vram.lease_closed'],
  );
  t.match(records[0]!.data, {
    shard_id: shard.id,
    lease_id: first.id,
    purpose: 'inference',
    digest: shard.digest,
    gpu_device: 0,
    worker_id: 'worker-1',
  });
  t.match(records[1]!.data, { lease_id: first.id, handle_kind: 'host-memfd' });
  t.match(records[2]!.data, { lease_id: first.id, state: 'open', reason: 'released' });
  t.match(records[4]!.data, { lease_id: second.id, reason: 'manager_closed' });
  t.ok((await verifyAuditLog(join(dir, 'audit'))).intact, 'the log verifies');
});

// On a machine with a GPU the same flow runs on real VRAM through CUDA IPC (skipped elsewhere).
const cudaDevices = nativeStatus().cudaDeviceCount;
t.test(
  'cuda: a child process opens the export, hashes it on the GPU and matches the seal',
  {
    skip: cudaDevices > 0 ? false : 'no CUDA device here',
  },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vrr-lease-cuda-'));
    const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
    const manager = await VramManager.open({ token: TEST_TOKEN, workerId: 'worker-1', audit, backend: 'cuda' });
    t.teardown(async () => {
      await manager.close();
      await audit.close();
    });
    const shard = await manager.sealBytes(randomBytes(8 * 1024 * 1024 + 123));
    const lease = await manager.lease(shard, { purpose: 'ipc' });
    t.match(lease.deviceUuid, /^(GPU|MIG)-/);
    const handle = lease.exportIpc();
    t.match(handle.kind, /^cuda-(mempool|legacy)$/);
    t.equal(handle.handle.length, 128);
    const child = startConsumer();
    t.teardown(() => child.end());
    t.match(await child.send({ op: 'open', handle }), { opened: true });
    t.same(await child.send({ op: 'hash' }), { hash: shard.digest, matches: true });
    t.match(await child.send({ op: 'close' }), { closed: true });
    await lease.release();
    await manager.release(shard);
    t.match(await child.send({ op: 'open', handle }), { error: 'E_STALE_HANDLE' }, 'stale after release');
  },
);

t.test('a lease dropped without release() is closed by the GC, audited as dropped', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'vrr-lease-gc-'));
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await openSimManager(audit);
  const shard = await manager.sealBytes(randomBytes(LEAF));
  await (async () => {
    await manager.lease(shard, { purpose: 'forgotten' }); // never released, never kept
  })();
  for (let i = 0; i < 100 && manager.status().leases.open > 0; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.equal(manager.status().leases.open, 0, 'the collected lease no longer holds the shard');
  await manager.release(shard);
  await manager.close();
  await audit.close();
  const closed = await queryAuditLogAll(join(dir, 'audit'), { types: ['vram.lease_closed'] });
  t.match(
    closed.map((r) => r.data),
    [{ reason: 'dropped', state: 'open' }],
  );
});
