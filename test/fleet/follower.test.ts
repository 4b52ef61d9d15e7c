// The follower and the in-place record reader, without a server: torn tails are never handed
// out, rotation is followed, the fast reader agrees with JSON.parse and falls back on other layouts.
import t from 'tap';
import fc from 'fast-check';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRecordLine } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { LogFollower } from '../../lib/fleet/follower.js';
import { recordAt } from '../../lib/fleet/stored-record.js';
import { freshDir, localLines, writeLog } from './helpers.js';

t.test('recordAt reads the writer layout in place, and anything else through JSON.parse', async (t) => {
  const dir = freshDir();
  await writeLog(dir, 300, 'svc.a:b-c');
  for (const line of localLines(dir)) {
    const r = JSON.parse(line);
    t.strictSame(recordAt(Buffer.from(line)), { seq: r.seq, hash: r.hash, prev: r.prev, service: r.service, ts: r.ts });
  }
  const one = JSON.parse(localLines(dir)[5]!);
  const reordered = JSON.stringify({ hash: one.hash, ...one });
  t.match(recordAt(Buffer.from(reordered)), { seq: 5, hash: one.hash, service: 'svc.a:b-c' }, 'another member order');
  const spaced = localLines(dir)[5]!.replace('"seq":5', '"seq": 5');
  t.match(recordAt(Buffer.from(spaced)), { seq: 5 }, 'whitespace');
  t.equal(recordAt(Buffer.from(localLines(dir)[5]!.replace(one.hash, 'X'.repeat(64)))), null, 'a hash that is not hex');
  t.equal(recordAt(Buffer.from('hello')), null);
  t.equal(recordAt(Buffer.from('{"seq":-1,"hash":"' + 'a'.repeat(64) + '","service":"x"}')), null);
});

t.test('the follower hands out complete lines only, follows rotation and seeks by seq', async (t) => {
  const dir = freshDir();
  await writeLog(dir, 2000, 'w1', 16 * 1024);
  const lines = localLines(dir);
  const segs = listSegments(dir);
  t.ok(segs.length > 5);
  const f = new LogFollower(dir);
  t.equal(await f.seek(0, null), 'ok');
  const got: string[] = [];
  for (let batch = f.take(100); batch.length > 0; batch = f.take(100)) got.push(...batch.map((r) => r.line.toString()));
  t.strictSame(got, lines, 'every line across every segment, in order');

  // A torn tail in a new segment is held back until its LF arrives.
  const last = segs[segs.length - 1]!;
  const next = JSON.parse(lines[lines.length - 1]!);
  const fake = JSON.stringify({ ...next, seq: next.seq + 1, prev: next.hash, hash: 'c'.repeat(64) });
  appendFileSync(join(dir, last.name), fake.slice(0, 50));
  t.strictSame(f.take(10), [], 'half a line is not a record');
  appendFileSync(join(dir, last.name), fake.slice(50) + '\n');
  t.strictSame(
    f.take(10).map((r) => r.seq),
    [next.seq + 1],
    'the completed line is',
  );

  // Seek to the middle, checking the stream's copy of the record before.
  t.equal(await f.seek(1000, { seq: 999, line: Buffer.from(lines[999]!) }), 'ok');
  t.equal(f.take(1)[0]!.seq, 1000);
  await t.rejects(f.seek(1000, { seq: 999, line: Buffer.from(lines[998]!) }), /differs/);
  t.equal(await f.seek(5000, { seq: 4999, line: Buffer.from('x') }), 'behind', 'the local log does not reach it');

  // A broken local chain stops the follower with E_AUDIT_CORRUPT.
  const first = join(dir, segs[0]!.name);
  writeFileSync(first, readFileSync(first, 'utf8').replace(/"prev":"0{64}"/, `"prev":"${'1'.repeat(64)}"`));
  const g = new LogFollower(dir);
  await t.rejects(g.seek(0, null), { code: 'E_AUDIT_CORRUPT', message: /prev does not link/ });
  f.close();
  g.close();
});

t.test('the vram-residency/fleet entry exports the shipper and the stream verifier', async (t) => {
  const fleet = await import('vram-residency/fleet');
  t.type(fleet.AuditShipper.start, 'function');
  t.type(fleet.verifyFleet, 'function');
  t.equal(fleet.DEFAULT_STREAM, 'VRAM_AUDIT');
  const main = await import('vram-residency');
  t.notOk('AuditShipper' in main, 'the main entry does not load the NATS client');
});

t.test('recordAt reads any seq a line can hold, up to 2^53 - 1, and the writer layout in place', async (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.nat(), fc.maxSafeNat()), (seq) => {
      const fields = {
        seq,
        id: '0192f3a4-5678-7abc-8def-0123456789ab',
        ts: '2026-12-07T16:00:00.000Z',
        service: 'svc',
        type: 'app.probe',
        severity: 'info' as const,
        data: { n: seq },
        prev: 'ab'.repeat(32),
      };
      const { line, hash } = buildRecordLine(fields);
      const place = recordAt(Buffer.from(line.slice(0, -1)));
      return place !== null && place.seq === seq && place.hash === hash;
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 seqs');
});
