// VramManager on the host-simulated device: the full lifecycle, read back from the audit log.
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { SealedShard } from '../../lib/manager/sealed-shard.js';
import { validateSealRecord } from '../../lib/seal/record.js';
import { verifySealRecord } from '../../lib/seal/offline.js';
import { oracleMth } from '../helpers/oracle.js';
import { openSimManager } from '../helpers/sim-manager.js';

const TOKEN = 'test-worker-token-0123456789abcdef';
const LEAF = 4096;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vrr-manager-'));
}

async function openManager(dir: string, extra: Partial<Parameters<typeof VramManager.open>[0]> = {}) {
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await openSimManager(audit, extra);
  return { audit, manager };
}

t.test('seal → verify (full, sample) → release, audited exactly', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const bytes = randomBytes(5 * LEAF + 123);
  const file = join(dir, 'shard.bin');
  writeFileSync(file, bytes);
  const progress: number[] = [];
  const shard = await manager.sealFile(file, {
    modelRef: 'm/shard-0',
    shardIndex: 0,
    shardCount: 2,
    computeContentSha256: true,
    onProgress: (p) => progress.push(p.bytes),
  });
  t.ok(shard instanceof SealedShard);
  t.equal(
    shard.digest,
    Buffer.from(oracleMth(bytes, LEAF)).toString('hex'),
    'digest of what the device holds equals the oracle',
  );
  t.equal(progress.at(-1), bytes.length, 'progress reaches the size');
  const record = shard.toRecord();
  t.same(validateSealRecord(record), record);
  t.equal(record.contentSha256, createHash('sha256').update(bytes).digest('hex'));
  t.equal(record.backend, 'host-sim');
  t.match(record.shardId, /^shard-[0-9a-f]{32}$/);
  await verifySealRecord(record, { token: TOKEN });
  t.same(await manager.verify(shard, { mode: 'full' }), {
    shardId: shard.id,
    mode: 'full',
    leavesChecked: 6,
    ok: true,
  });
  t.same(await manager.verify(shard, { mode: 'sample', samples: 3 }), {
    shardId: shard.id,
    mode: 'sample',
    leavesChecked: 3,
    ok: true,
  });
  t.equal(manager.capacity().used, bytes.length);
  t.same(manager.shards(), [shard]);
  await manager.release(shard);
  t.equal(shard.state, 'released');
  await t.rejects(manager.release(shard), { code: 'E_FREED' }, 'releasing twice is a clean error');
  t.equal(manager.capacity().used, 0);
  await manager.close();
  await audit.close();

  const records = await queryAuditLogAll(join(dir, 'audit'));
  const types = records.map((r) => r.type);
  t.same(types, [
    'audit.log_opened',
    'vram.allocated',
    'vram.sealed',
    'seal.verified',
    'seal.verified',
    'vram.deallocated',
    'audit.log_closed',
  ]);
  const sealed = records.find((r) => r.type === 'vram.sealed')!;
  t.match(sealed.data, {
    shard_id: shard.id,
    vram_bytes: bytes.length,
    digest: shard.digest,
    worker_id: 'worker-1',
    gpu_device: 0,
  });
  t.match(records.find((r) => r.type === 'vram.deallocated')!.data, {
    shard_id: shard.id,
    freed_bytes: bytes.length,
    remaining_used: 0,
  });
  t.ok((await verifyAuditLog(join(dir, 'audit'))).intact, 'the log verifies');
  t.notMatch(JSON.stringify(records), TOKEN, 'the token is nowhere in the log');
});

t.test('sealing the same bytes twice gives independent shards', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const bytes = randomBytes(3 * LEAF);
  const a = await manager.sealBytes(bytes);
  const b = await manager.sealBytes(bytes);
  t.not(a.id, b.id);
  t.equal(a.digest, b.digest);
  await manager.injectFaultForTesting(a, 10, 0x80);
  await t.rejects(manager.verify(a), { code: 'E_SEAL_VERIFICATION' });
  t.same(await manager.verify(b), { shardId: b.id, mode: 'full', leavesChecked: 3, ok: true }, 'the twin is untouched');
  await manager.close();
  await audit.close();
});

t.test('full verification catches a bit flip at any offset; the failure is on disk first', async () => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const bytes = randomBytes(4 * LEAF + 77);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: bytes.length - 1 }),
      fc.integer({ min: 0, max: 7 }),
      async (offset, bit) => {
        const shard = await manager.sealBytes(bytes);
        await manager.injectFaultForTesting(shard, offset, 1 << bit);
        const error = await manager.verify(shard, { mode: 'full' }).then(
          () => null,
          (e) => e,
        );
        // The failure record must already be on disk when verify rejects (no flush/close here).
        const onDisk = await queryAuditLogAll(join(dir, 'audit'), {
          types: ['seal.verification_failed'],
          shardId: shard.id,
        });
        await manager.release(shard);
        return (
          error?.code === 'E_SEAL_VERIFICATION' &&
          shard.state === 'released' &&
          onDisk.length === 1 &&
          onDisk[0]!.severity === 'critical'
        );
      },
    ),
    { numRuns: 25 },
  );
  await manager.close();
  await audit.close();
});

t.test('sampled verification catches the damaged leaf when sampled, and the failure sticks', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const shard = await manager.sealBytes(randomBytes(8 * LEAF));
  await manager.injectFaultForTesting(shard, 3 * LEAF + 5, 0x01);
  const err = await manager.verify(shard, { mode: 'sample', samples: 8 }).catch((e) => e);
  t.equal(err.code, 'E_SEAL_VERIFICATION', 'all 8 leaves sampled: the damaged one is among them');
  t.match(err.reason, /leaf mismatch/);
  t.equal(shard.state, 'failed');
  await t.rejects(
    manager.verify(shard, { mode: 'full' }),
    { code: 'E_SEAL_VERIFICATION' },
    'a failed shard stays failed',
  );
  const failures = await queryAuditLogAll(join(dir, 'audit'), { types: ['seal.verification_failed'] });
  t.equal(failures.length, 2);
  t.equal(failures[0]!.data.expected_digest, shard.digest);
  await manager.close();
  await audit.close();
});

t.test('released, foreign and unknown shards fail verification, audited', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const other = await openManager(tempDir());
  const mine = await manager.sealBytes(randomBytes(LEAF));
  const theirs = await other.manager.sealBytes(randomBytes(LEAF));
  await t.rejects(manager.verify(theirs), { code: 'E_SEAL_VERIFICATION' });
  await manager.release(mine);
  await t.rejects(manager.verify(mine), { code: 'E_SEAL_VERIFICATION' });
  const failures = await queryAuditLogAll(join(dir, 'audit'), { types: ['seal.verification_failed'] });
  t.equal(failures.length, 2);
  await Promise.all([manager.close(), other.manager.close()]);
  await Promise.all([audit.close(), other.audit.close()]);
});

t.test('expectedSha256 mismatch aborts the seal and frees the memory', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const bytes = randomBytes(2 * LEAF);
  await t.rejects(manager.sealBytes(bytes, { expectedSha256: '0'.repeat(64) }), { code: 'E_CONTENT_MISMATCH' });
  t.same(manager.capacity().used, 0);
  t.same(manager.shards(), []);
  const good = await manager.sealBytes(bytes, { expectedSha256: createHash('sha256').update(bytes).digest('hex') });
  t.equal(good.toRecord().contentSha256, createHash('sha256').update(bytes).digest('hex'));
  await manager.close();
  await audit.close();
  const types = (await queryAuditLogAll(join(dir, 'audit'))).map((r) => r.type);
  t.same(types.slice(1, 3), ['vram.allocated', 'vram.deallocated'], 'the aborted allocation is audited as freed');
});

t.test('capacity: concurrent seals never over-commit; out of memory is retriable and audited', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir, { simulatedCapacityBytes: 10 * LEAF });
  const sizes = [3, 3, 3, 3, 2, 1].map((n) => n * LEAF);
  const results = await Promise.allSettled(sizes.map((n) => manager.sealBytes(randomBytes(n))));
  const sealed = results
    .filter((r) => r.status === 'fulfilled')
    .map((r) => (r as PromiseFulfilledResult<SealedShard>).value);
  const failed = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
  const used = sealed.reduce((a, s) => a + s.size, 0);
  t.ok(used <= 10 * LEAF, `used ${used} ≤ capacity`);
  t.ok(failed.length > 0);
  for (const e of failed) t.match(e, { code: 'E_INSUFFICIENT_VRAM', retriable: true });
  t.equal(manager.capacity().used, used);
  t.equal(manager.capacity().reserved, 0, 'no reservation leaks');
  await audit.flush();
  const fails = await queryAuditLogAll(join(dir, 'audit'), { types: ['vram.allocation_failed'] });
  t.equal(fails.length, failed.length);
  for (const s of sealed) await manager.release(s);
  t.same(manager.capacity().used, 0);
  await manager.close();
  await audit.close();
});

t.test('input validation: typed errors, nothing allocated', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir, { maxShardBytes: 2 * LEAF });
  await t.rejects(manager.sealBytes(new Uint8Array(0)), { code: 'E_ARG' });
  await t.rejects(manager.sealBytes(new Uint8Array(2 * LEAF + 1)), { code: 'E_ARG' });
  await t.rejects(manager.sealBytes(new Uint8Array(10), { shardId: '../x' }), { code: 'E_ARG' });
  await t.rejects(manager.sealBytes(new Uint8Array(10), { modelRef: 'a\u202eb' }), { code: 'E_ARG' });
  await t.rejects(manager.sealBytes(new Uint8Array(10), { shardIndex: 2, shardCount: 2 }), { code: 'E_ARG' });
  await t.rejects(manager.sealBytes(new Uint8Array(10), { shardIndex: 0 }), { code: 'E_ARG' });
  await t.rejects(manager.sealFile(join(dir, 'missing.bin')), { code: 'E_IO' });
  writeFileSync(join(dir, 'empty.bin'), '');
  await t.rejects(manager.sealFile(join(dir, 'empty.bin')), { code: 'E_ARG' });
  t.same(manager.capacity().used, 0);
  await manager.close();
  await audit.close();
  await t.rejects(manager.sealBytes(new Uint8Array(10)), { code: 'E_CLOSED' });
});

t.test('the token never shows: inspect, JSON, toString, errors', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const shard = await manager.sealBytes(randomBytes(100));
  const { inspect } = await import('node:util');
  for (const text of [
    inspect(manager),
    JSON.stringify(manager),
    String(manager),
    inspect(shard),
    JSON.stringify(shard),
    String(shard),
  ]) {
    t.notMatch(text, TOKEN);
  }
  const err = await VramManager.open({
    token: 'short',
    workerId: 'w',
    audit,
    backend: 'host-sim',
    policy: { allowSimulatedDevice: true },
  }).catch((e) => e);
  t.equal(err.code, 'E_ARG');
  t.notMatch(String(err.message), 'short');
  await manager.close();
  await audit.close();
});

t.test('a shard dropped without release is freed and audited', async (t) => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  await (async () => {
    await manager.sealBytes(randomBytes(2 * LEAF)); // dropped on the floor
  })();
  t.equal(manager.capacity().used, 2 * LEAF);
  for (let i = 0; i < 50 && manager.capacity().used > 0; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(manager.capacity().used, 0, 'the finalizer freed the memory');
  await manager.close();
  await audit.close();
  const types = (await queryAuditLogAll(join(dir, 'audit'))).map((r) => r.type);
  t.same(types.slice(-3), ['security.suspicious_activity', 'vram.deallocated', 'audit.log_closed']);
});

t.test('sampled verification on the device catches damage at the predicted rate', async (t) => {
  const { detectionProbability } = await import('../../lib/manager/sampling.js');
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const bytes = randomBytes(16 * LEAF);
  // 1500 trials: the 5-sigma band is 0.25 ± 0.056, so rates of 3 or 5 samples in 16 (0.19, 0.31),
  // let alone 0.11 or 0.39, fall outside it; chance alone leaves it once in ~2 million runs.
  const trials = 1500;
  const samples = 4;
  let caught = 0;
  for (let i = 0; i < trials; i++) {
    const shard = await manager.sealBytes(bytes);
    await manager.injectFaultForTesting(shard, 9 * LEAF + (i % LEAF), 0x04);
    const failed = await manager.verify(shard, { mode: 'sample', samples }).then(
      () => false,
      (e) => e.code === 'E_SEAL_VERIFICATION',
    );
    if (failed) caught++;
    await manager.release(shard);
  }
  const p = detectionProbability(16, 1, samples); // 0.25
  const sigma = Math.sqrt(trials * p * (1 - p));
  t.ok(
    Math.abs(caught - trials * p) < 5 * sigma,
    `caught ${caught} of ${trials}; predicted ${trials * p} ± ${sigma.toFixed(1)}`,
  );
  t.ok(5 * sigma < 0.06 * trials, `the band (±${((5 * sigma) / trials).toFixed(3)}) separates 0.19 and 0.31 from 0.25`);
  await manager.close();
  await audit.close();
});

t.test('records the manager writes verify under an independent SPEC §2–3 implementation (node:crypto)', async (t) => {
  const { createHmac, hkdfSync } = await import('node:crypto');
  const dir = tempDir();
  const { audit, manager } = await openManager(dir);
  const shard = await manager.sealBytes(randomBytes(3 * LEAF + 5), {
    modelRef: 'modèle/ünïcode ✓',
    shardIndex: 1,
    shardCount: 3,
    computeContentSha256: true,
  });
  const record = shard.toRecord();
  const key = Buffer.from(
    hkdfSync('sha256', Buffer.from(TOKEN, 'utf8'), Buffer.alloc(32), Buffer.from('vram-residency/seal-key/v1'), 32),
  );
  t.equal(createHmac('sha256', key).update('vram-residency/key-id/v1').digest('hex').slice(0, 16), record.kid);
  const parts: Buffer[] = [Buffer.from('vram-residency.seal.v1\0', 'latin1')];
  for (const m of [
    'shardId',
    'digestAlg',
    'leafSize',
    'size',
    'digest',
    'contentSha256',
    'device',
    'deviceUuid',
    'backend',
    'sealedAt',
    'workerId',
    'modelRef',
    'shardIndex',
    'shardCount',
    'kid',
  ] as const) {
    const v = record[m];
    if (v === null) {
      parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    } else {
      const text = Buffer.from(String(v), 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(text.length);
      parts.push(len, text);
    }
  }
  t.equal(createHmac('sha256', key).update(Buffer.concat(parts)).digest('hex'), record.mac);
  await manager.close();
  await audit.close();
});

t.test('two concurrent seals cannot share a shard id', async (t) => {
  const { audit, manager } = await openManager(tempDir());
  const bytes = randomBytes(100_000);
  const [a, b] = await Promise.allSettled([
    manager.sealBytes(bytes, { shardId: 'dup' }),
    manager.sealBytes(bytes, { shardId: 'dup' }),
  ]);
  t.equal(a.status, 'fulfilled');
  t.match((b as PromiseRejectedResult).reason, { code: 'E_ARG', message: /already named dup/ });
  t.equal(manager.capacity().used, 100_000, 'only one allocation exists');
  await manager.close();
  await audit.close();
});

t.test('close() is one operation: concurrent calls, a racing release, seals in flight', async (t) => {
  const dir = tempDir();
  const { audit, manager } = await openManager(dir, { simulatedCapacityBytes: 64 << 20 });
  const a = await manager.sealBytes(randomBytes(3 * LEAF));
  const inFlight = manager.sealBytes(randomBytes(32 << 20)); // still uploading when close() starts
  const [c1, c2, rel] = await Promise.allSettled([manager.close(), manager.close(), manager.release(a)]);
  t.same(
    [c1.status, c2.status],
    ['fulfilled', 'fulfilled'],
    'both close() calls succeed: no E_FREED from racing frees',
  );
  t.match(
    (rel as PromiseRejectedResult).reason,
    { code: 'E_CLOSED' },
    'a release after close() began is refused; close() releases it',
  );
  t.equal(a.state, 'released');
  const sealed = await inFlight;
  t.equal(sealed.state, 'released', 'the in-flight seal finished and close() then released it');
  await t.rejects(manager.sealBytes(randomBytes(10)), { code: 'E_CLOSED' });
  t.throws(() => manager.capacity(), { code: 'E_CLOSED' });
  await audit.close();
  const types = (await queryAuditLogAll(join(dir, 'audit'))).map((r) => r.type);
  t.equal(types.filter((x) => x === 'vram.allocated').length, 2);
  t.equal(types.filter((x) => x === 'vram.deallocated').length, 2, 'every allocation is matched by a deallocation');
});

t.test('an audit log that refuses records fails the seal without leaking memory', async (t) => {
  const dir = tempDir();
  const audit = AuditLogger.open({
    dir: join(dir, 'audit'),
    service: 'worker-1',
    flush: { mode: 'batched', maxEvents: 1000, maxDelayMs: 60_000 },
    maxQueueEvents: 2,
  });
  const manager = await VramManager.open({
    token: TOKEN,
    workerId: 'worker-1',
    audit,
    backend: 'host-sim',
    policy: { allowSimulatedDevice: true },
    leafSize: LEAF,
    simulatedCapacityBytes: 1 << 22,
  });
  const freeBefore = manager.capacity().free;
  for (let i = 0; i < 4; i++) {
    await t.rejects(manager.sealBytes(randomBytes(200_000)), { code: 'E_AUDIT_BUFFER_FULL' }, `seal ${i} refused`);
  }
  t.equal(manager.capacity().used, 0, 'no bytes held');
  t.equal(manager.capacity().free, freeBefore, 'the device got every allocation back');
  t.same(manager.shards(), [], 'no shard was left behind');
  await manager.close();
  await audit.close();
  const records = await queryAuditLogAll(join(dir, 'audit'));
  t.ok(
    records.some((r) => r.type === 'audit.gap'),
    'the refused records are accounted for as a gap',
  );
});

t.test('limits are validated at open', async (t) => {
  const { audit } = await openManager(tempDir());
  for (const maxTotalBytes of [0, -5, 1.5, Number.NaN, '1000' as unknown as number]) {
    await t.rejects(
      VramManager.open({
        token: TOKEN,
        workerId: 'w',
        audit,
        backend: 'host-sim',
        policy: { allowSimulatedDevice: true },
        maxTotalBytes,
      }),
      { code: 'E_ARG', argument: 'maxTotalBytes' },
      String(maxTotalBytes),
    );
  }
  await audit.close();
});
