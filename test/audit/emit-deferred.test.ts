// emit() queues a copy of the event and leaves the line and hash to the write loop: the returned
// hash, the copy, the size bound and the record size limit must all behave as if built in emit().
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { InvalidAuditEventError } from '../../lib/errors.js';
import { freshDir, quietLog, verifiedEvent } from './helpers.js';

const batched = { mode: 'batched' as const, maxEvents: 100_000, maxDelayMs: 60_000 };

t.test('the hash emit returns is the record hash on disk, read before or after the write', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', flush: batched, operationalLog: quietLog });
  const early = log.emit(verifiedEvent(1));
  const late = log.emit(verifiedEvent(2));
  const third = log.emit(verifiedEvent(3));
  const earlyHash = early.hash; // read while nothing is written: builds 1 (and what came before)
  t.match(earlyHash, /^[0-9a-f]{64}$/);
  t.same(JSON.parse(JSON.stringify(third)), { seq: third.seq, id: third.id, hash: third.hash }, 'JSON has the hash');
  await log.flush();
  const lateHash = late.hash;
  await log.close();
  const bySeq = new Map((await queryAuditLogAll(dir)).map((r) => [r.seq, r]));
  t.equal(bySeq.get(early.seq)?.hash, earlyHash);
  t.equal(bySeq.get(late.seq)?.hash, lateHash);
  t.equal(bySeq.get(third.seq)?.prev, lateHash, 'chained in emit order');
  t.equal(bySeq.get(early.seq)?.id, early.id);
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
});

t.test('changing the event after emit does not change what is logged (flat and nested data)', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', flush: batched, operationalLog: quietLog });
  const flat = verifiedEvent(7);
  log.emit(flat);
  flat.data.shard_id = 'mutated';
  const nested = { type: 'app.thing', data: { outer: { inner: 'before' }, list: ['a', 'b'] } };
  log.emit(nested);
  nested.data.outer.inner = 'after';
  nested.data.list.push('c');
  const listed = { type: 'app.listed', data: { names: ['x', 'y'] } };
  log.emit(listed);
  listed.data.names[0] = 'changed';
  await log.close();
  const recs = await queryAuditLogAll(dir);
  t.equal(recs.find((r) => r.type === 'seal.verified')?.data.shard_id, 'shard-7');
  t.same(recs.find((r) => r.type === 'app.thing')?.data, { outer: { inner: 'before' }, list: ['a', 'b'] });
  t.same(recs.find((r) => r.type === 'app.listed')?.data, { names: ['x', 'y'] });
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
});

t.test('the queue counts at least the bytes the lines take, and exactly them once built', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', flush: batched, operationalLog: quietLog });
  void log.emit(verifiedEvent(0)).hash; // builds audit.log_opened: what is queued before is counted exactly
  const before = log.health().queueBytes;
  const results = [
    log.emit(verifiedEvent(1)),
    log.emit({ type: 'app.text', data: { note: 'größe ✓ "quoted"\ttab', n: -12 } }),
    log.emit({ type: 'app.deep', data: { a: { b: { c: ['é', 1, null, true] } } } }),
  ];
  const bound = log.health().queueBytes - before;
  void results[2]!.hash; // builds every queued record: the count becomes exact
  const exact = log.health().queueBytes - before;
  await log.close();
  const lines = listSegments(dir)
    .flatMap((s) => readFileSync(join(dir, s.name), 'utf8').split('\n'))
    .filter((line) => line && results.some((e) => e.seq === (JSON.parse(line) as { seq: number }).seq));
  t.equal(lines.length, 3);
  const onDisk = lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
  t.equal(exact, onDisk, `built: the exact UTF-8 size of the lines (${exact} vs ${onDisk}, bound ${bound})`);
  t.ok(bound >= onDisk, `the bound (${bound}) covers the lines (${onDisk})`);
});

t.test('a record over 64 KiB is refused by emit itself and takes no seq', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', flush: batched, operationalLog: quietLog });
  const a = log.emit(verifiedEvent(1));
  const big = { type: 'app.big', data: { parts: Array.from({ length: 70 }, () => 'x'.repeat(1000)) } };
  t.throws(() => log.emit(big), InvalidAuditEventError);
  const nested = { type: 'app.big', data: { n: { parts: Array.from({ length: 70 }, () => 'y'.repeat(1000)) } } };
  t.throws(() => log.emit(nested), InvalidAuditEventError);
  // Just under the limit in UTF-16 units but over it in UTF-8 bytes (3 bytes per character).
  const wide = { type: 'app.big', data: { n: { parts: Array.from({ length: 30 }, () => '€'.repeat(1000)) } } };
  t.throws(() => log.emit(wide), InvalidAuditEventError);
  const ok = log.emit({ type: 'app.fits', data: { n: { parts: Array.from({ length: 50 }, () => 'z'.repeat(1000)) } } });
  t.equal(ok.seq, a.seq + 1, 'refused events took no seq');
  await log.close();
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
  t.equal((await queryAuditLogAll(dir, { types: ['app.fits'] })).length, 1);
});
