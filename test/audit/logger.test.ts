// AuditLogger behaviour on a real directory: flush modes, rotation, resume, lock, queue bounds.
import t from 'tap';
import { appendFileSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll, verifyAuditLog, type AuditRecord } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { hostname } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { AuditBufferFullError, AuditError, AuditLockedError, AuditLogCorruptError } from '../../lib/errors.js';
import { criticalEvent, freshDir, quietLog, verifiedEvent } from './helpers.js';

function lastLineSeq(dir: string): number {
  const segs = listSegments(dir);
  const text = readFileSync(join(dir, segs[segs.length - 1]!.name), 'utf8')
    .trimEnd()
    .split('\n');
  return (JSON.parse(text[text.length - 1]!) as AuditRecord).seq;
}

t.test('a critical emit is on disk when emit returns (immediate and hybrid), not in batched', async (t) => {
  for (const mode of ['immediate', 'hybrid', 'batched'] as const) {
    const dir = freshDir(t);
    const flush = mode === 'immediate' ? { mode } : { mode, maxEvents: 1000, maxDelayMs: 10_000 };
    const log = AuditLogger.open({ dir, service: 'w1', flush, operationalLog: quietLog });
    for (let i = 0; i < 5; i++) log.emit(verifiedEvent(i));
    const r = log.emit(criticalEvent(9));
    if (mode === 'batched') {
      t.equal(listSegments(dir).length, 0, 'batched: nothing written synchronously');
      t.equal(log.health().queueDepth, 7);
    } else {
      t.equal(lastLineSeq(dir), r.seq, `${mode}: the critical record and all before it are in the file`);
      t.equal(log.health().durableSeq, r.seq);
    }
    await log.flush();
    t.equal(lastLineSeq(dir), r.seq, `${mode}: flush writes everything`);
    t.equal(log.health().queueDepth, 0);
    await log.close();
    const v = await verifyAuditLog(dir);
    t.ok(v.intact, v.summary);
    t.equal(v.records, 8, 'opened + 5 + critical + closed');
  }
});

t.test('batched mode writes a partial batch after maxDelayMs without a flush call', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    flush: { mode: 'batched', maxEvents: 1000, maxDelayMs: 20 },
    operationalLog: quietLog,
  });
  const r = log.emit(verifiedEvent(1));
  await new Promise<void>((resolve) => {
    const poll = () => (log.health().durableSeq >= r.seq ? resolve() : setTimeout(poll, 5));
    poll();
  });
  t.equal(lastLineSeq(dir), r.seq, 'the last batch did not wait for another event');
  await log.close();
});

t.test('rotation by size: chain continues, closed segments get sidecars, names are first seqs', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    rotateBytes: 4096,
    flush: { mode: 'batched', maxEvents: 7, maxDelayMs: 5 },
    operationalLog: quietLog,
  });
  for (let i = 0; i < 200; i++) {
    log.emit(verifiedEvent(i));
    if (i % 50 === 0) await log.flush();
  }
  await log.close();
  const segs = listSegments(dir);
  t.ok(segs.length > 5, `${segs.length} segments`);
  for (const s of segs) {
    t.ok(s.hasSidecar, `${s.name} has a sidecar`);
    t.ok(statSync(join(dir, s.name)).size <= 4096, `${s.name} within rotateBytes`);
    const first = JSON.parse(readFileSync(join(dir, s.name), 'utf8').split('\n')[0]!) as AuditRecord;
    t.equal(first.seq, s.firstSeq);
  }
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
  t.equal(v.records, 202);
  t.equal((statSync(dir).mode & 0o777).toString(8), '700', 'directory 0700');
  for (const f of readdirSync(dir)) t.equal((statSync(join(dir, f)).mode & 0o777).toString(8), '600', `${f} is 0600`);
});

t.test('rotation at UTC midnight, and ts never decreases when the clock steps back', async (t) => {
  const dir = freshDir(t);
  const times = [
    Date.parse('2026-11-23T23:59:59.990Z'),
    Date.parse('2026-11-23T23:59:59.995Z'),
    Date.parse('2026-11-23T23:59:59.900Z'),
    Date.parse('2026-11-24T00:00:00.010Z'),
  ];
  let i = 0;
  const clock = () => times[Math.min(i, times.length - 1)]!;
  const log = AuditLogger.open({ dir, service: 'w1', clock, flush: { mode: 'immediate' }, operationalLog: quietLog });
  for (i = 1; i < 4; i++) {
    log.emit(verifiedEvent(i));
    await log.flush();
  }
  await log.close();
  const recs = await queryAuditLogAll(dir);
  t.same(
    recs.map((r) => r.ts),
    [
      '2026-11-23T23:59:59.990Z',
      '2026-11-23T23:59:59.995Z',
      '2026-11-23T23:59:59.995Z',
      '2026-11-24T00:00:00.010Z',
      '2026-11-24T00:00:00.010Z',
    ],
    'the step back repeats the previous ts',
  );
  const segs = listSegments(dir);
  t.same(
    segs.map((s) => s.firstSeq),
    [0, 3],
    'a new segment starts with the first record of the new day',
  );
  t.ok((await verifyAuditLog(dir)).intact);
});

t.test('reopen resumes seq and prev; a torn tail is cut and reported', async (t) => {
  const dir = freshDir(t);
  let log = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  log.emit(verifiedEvent(1));
  await log.close();
  // Pretend the process died mid-write: the segment is still open (no sidecar) and ends in a partial line.
  const seg = listSegments(dir)[0]!;
  unlinkSync(join(dir, seg.name + '.sha256'));
  const torn = '{"v":1,"seq":3,"id":"01a2';
  appendFileSync(join(dir, seg.name), torn);
  t.equal((await verifyAuditLog(dir)).firstError?.reason, 'torn line');
  log = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  const r = log.emit(verifiedEvent(2));
  await log.close();
  const recs = await queryAuditLogAll(dir);
  t.same(
    recs.map((x) => x.type),
    [
      'audit.log_opened',
      'seal.verified',
      'audit.log_closed',
      'audit.log_opened',
      'audit.recovered',
      'seal.verified',
      'audit.log_closed',
    ],
  );
  t.same(recs[3]!.data, { format: 'vram-residency.audit.v1', resumed_at_seq: 3 });
  t.same(recs[4]!.data, { segment: seg.name, bytes_dropped: Buffer.byteLength(torn) });
  t.equal(r.seq, 5);
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
});

t.test('one writer per directory', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  t.throws(() => AuditLogger.open({ dir, service: 'w2', operationalLog: quietLog }), AuditLockedError);
  try {
    AuditLogger.open({ dir, service: 'w2', operationalLog: quietLog });
  } catch (err) {
    t.equal((err as AuditLockedError).code, 'E_AUDIT_LOCKED');
    t.match((err as Error).message, /locked by process \d+/);
  }
  await log.close();
  // Unlocked now, but the log belongs to w1: one service per log (issue 20).
  t.throws(() => AuditLogger.open({ dir, service: 'w2', operationalLog: quietLog }), { code: 'E_ARG' });
  const again = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  await again.close();
  t.throws(() => again.emit(verifiedEvent(1)), AuditError, 'a closed logger refuses events');
});

t.test('a full queue refuses with AuditBufferFullError and later writes an audit.gap', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    maxQueueEvents: 5,
    flush: { mode: 'batched', maxEvents: 100, maxDelayMs: 60_000 },
    operationalLog: quietLog,
  });
  // log_opened occupies one slot.
  for (let i = 0; i < 4; i++) log.emit(verifiedEvent(i));
  for (let i = 0; i < 3; i++) t.throws(() => log.emit(verifiedEvent(100 + i)), AuditBufferFullError);
  const h = log.health();
  t.equal(h.dropped, 3);
  t.equal(h.pendingGap, 3);
  t.equal(h.queueDepth, 5);
  await log.flush();
  const after = log.emit(verifiedEvent(200));
  t.equal(log.health().pendingGap, 0);
  await log.close();
  const recs = await queryAuditLogAll(dir);
  const gap = recs.find((r) => r.type === 'audit.gap');
  t.ok(gap, 'an audit.gap record');
  t.equal(gap!.data.count, 3);
  t.equal(gap!.seq, after.seq - 1, 'the gap precedes the next accepted event');
  t.same(
    recs.filter((r) => r.type === 'seal.verified').map((r) => r.data.shard_id),
    ['shard-0', 'shard-1', 'shard-2', 'shard-3', 'shard-200'],
  );
  t.ok((await verifyAuditLog(dir)).intact);
});

t.test('the byte bound also applies', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    maxQueueBytes: 2000,
    flush: { mode: 'batched', maxDelayMs: 60_000 },
    operationalLog: quietLog,
  });
  let accepted = 0;
  t.throws(() => {
    for (;;) {
      log.emit(verifiedEvent(accepted));
      accepted++;
    }
  }, AuditBufferFullError);
  t.ok(log.health().queueBytes <= 2000);
  t.ok(accepted >= 3 && accepted < 10, `${accepted} accepted`);
  await log.close();
  const gap = (await queryAuditLogAll(dir, { types: ['audit.gap'] }))[0];
  t.equal(gap?.data.count, 1, 'close accounts for pending drops');
});

t.test('query filters', async (t) => {
  const dir = freshDir(t);
  let now = Date.parse('2026-11-23T10:00:00.000Z');
  const log = AuditLogger.open({ dir, service: 'w1', clock: () => (now += 1000), operationalLog: quietLog });
  for (let i = 0; i < 6; i++) log.emit(verifiedEvent(i % 2));
  log.emit(criticalEvent(1));
  log.emit({ type: 'billing.charged', data: { worker_id: 'other', amount: 3 } });
  await log.close();
  t.equal((await queryAuditLogAll(dir, { shardId: 'shard-1' })).length, 4);
  t.equal((await queryAuditLogAll(dir, { types: ['seal.*'] })).length, 7);
  t.equal((await queryAuditLogAll(dir, { severity: 'critical' })).length, 1);
  t.equal((await queryAuditLogAll(dir, { workerId: 'other' })).length, 1);
  t.equal((await queryAuditLogAll(dir, { types: ['seal.verified'], limit: 2 })).length, 2);
  const window = await queryAuditLogAll(dir, {
    since: '2026-11-23T10:00:03.000Z',
    until: new Date('2026-11-23T10:00:05.000Z'),
  });
  t.same(
    window.map((r) => r.seq),
    [2, 3, 4],
  );
});

t.test('stale locks of dead processes are taken over; foreign-host locks are not', async (t) => {
  const dir = freshDir(t);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // pid 2^22 + 1 is above Linux's pid_max limit, so certainly not alive.
  writeFileSync(join(dir, 'audit.lock'), JSON.stringify({ pid: 4194305, host: hostname(), token: 'dead' }));
  const log = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  await log.close();
  writeFileSync(join(dir, 'audit.lock'), JSON.stringify({ pid: 4194305, host: 'some-other-host', token: 'far' }));
  t.throws(
    () => AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog }),
    AuditLockedError,
    'liveness cannot be checked across hosts',
  );
  unlinkSync(join(dir, 'audit.lock'));
  t.ok((await verifyAuditLog(dir)).intact);
});

t.test('a last record that does not verify is refused on open, not repaired', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  log.emit(verifiedEvent(1));
  await log.close();
  const seg = listSegments(dir)[0]!;
  unlinkSync(join(dir, seg.name + '.sha256'));
  const path = join(dir, seg.name);
  const text = readFileSync(path, 'utf8');
  const tampered = text.replace(/"records_written":\d+/, '"records_written":999');
  writeFileSync(path, tampered);
  t.throws(() => AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog }), AuditLogCorruptError);
  t.equal(readFileSync(path, 'utf8'), tampered, 'the file was not touched');
  // The lock was released: after moving the damaged log aside, the directory is usable again.
  unlinkSync(path);
  const again = AuditLogger.open({ dir, service: 'w1', operationalLog: quietLog });
  await again.close();
});
