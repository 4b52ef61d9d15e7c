// Issue 10 item 7 on a real (small) tmpfs: with less free space than the backlog, the writer
// writes the whole records that fit, cuts any torn tail, and keeps the rest queued; durableSeq
// only covers fsynced records, the file stays chain-valid at every step, and the backlog drains
// as space returns. A child process killed mid-drain leaves a log that recovers and verifies.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { mountFillableTmpfs, tmpfsSkip } from '../helpers/tmpfs.js';

const skip = tmpfsSkip;
import { freshDir, quietLog, tsLoaderArgs, verifiedEvent, waitFor } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

function segmentText(dir: string): string {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('');
}

t.test('a backlog larger than the free space drains as space returns', { skip }, async (t) => {
  const fs = mountFillableTmpfs(t, 2 * 1024 * 1024);
  const dir = join(fs.dir, 'log');
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    retryBackoffMs: { initial: 2, max: 20 },
    flush: { mode: 'batched', maxEvents: 100_000, maxDelayMs: 1 },
    operationalLog: quietLog,
  });
  log.emit(verifiedEvent(0));
  await log.flush();
  fs.fill();
  const start = log.health().durableSeq;
  const total = 4000; // about 1.2 MB of records: more than will be free at first
  for (let i = 1; i < total; i++) log.emit(verifiedEvent(i));
  t.ok(await waitFor(() => log.health().state === 'retrying', 5000), 'the full disk is reported');

  fs.free(256 * 1024);
  const progressed = await waitFor(() => log.health().durableSeq > start + 100, 10_000);
  t.ok(progressed, `whole records that fit are written and fsynced (durableSeq ${start} → ${log.health().durableSeq})`);
  const h = log.health();
  t.ok(h.queueDepth > 0, 'the rest stays queued');
  // Every durable record is on disk, and they form a valid chain by themselves. (The writer may
  // be between a short write and its truncate right now; the crash test below covers that.)
  const lines = segmentText(dir).split('\n');
  t.ok(lines.length - 1 >= h.durableSeq + 1, 'every durable record is on disk');
  const copy = freshDir(t, 'prefix');
  mkdirSync(copy);
  writeFileSync(join(copy, 'audit-000000000000.jsonl'), lines.slice(0, h.durableSeq + 1).join('\n') + '\n');
  const mid = await verifyAuditLog(copy);
  t.ok(mid.intact, `the durable prefix verifies: ${mid.summary}`);

  fs.free();
  await log.flush();
  await log.close();
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
  const got = (await queryAuditLogAll(dir, { types: ['seal.verified'] })).map((r) => r.data.shard_id);
  t.same(
    got,
    Array.from({ length: total }, (_, i) => `shard-${i}`),
    'every accepted record exactly once, in order',
  );
});

t.test(
  'killed while draining onto a full disk: the log recovers, verifies and keeps every durable record',
  { skip },
  async (t) => {
    const fs = mountFillableTmpfs(t, 2 * 1024 * 1024);
    const dir = join(fs.dir, 'log');
    const child = spawn(
      process.execPath,
      [...tsLoaderArgs, join(here, 'fixtures', 'disk-full-child.ts'), dir, '4000'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const durable = () => Math.max(-1, ...[...out.matchAll(/^D (\d+)$/gm)].map((m) => Number(m[1])));
    t.ok(await waitFor(() => out.includes('open\n'), 30_000), `child opened the log ${err.slice(0, 300)}`);
    fs.fill();
    child.stdin!.write('go\n');
    t.ok(await waitFor(() => out.includes('queued\n'), 10_000), 'child queued its backlog');
    t.ok(await waitFor(() => durable() >= 0, 5000), 'child reports durableSeq');
    const first = durable();
    // Give 64 KiB back (room for a few hundred records) and wait until the child reports records
    // made durable in it; then give a little more and kill it while it drains.
    fs.free(64 * 1024);
    const progressed = await waitFor(() => durable() > first, 30_000);
    t.ok(progressed, `the child made progress on the returning space (${first} → ${durable()})`);
    fs.free(64 * 1024);
    child.kill('SIGKILL');
    await exited;
    const confirmed = durable();
    fs.free();
    const log = AuditLogger.open({ dir, service: 'disk-full-child', operationalLog: quietLog }); // one service per log
    await log.close();
    const v = await verifyAuditLog(dir);
    t.ok(v.intact, v.summary);
    const got = (await queryAuditLogAll(dir, { types: ['seal.verified'] })).map((r) => r.data.shard_id);
    const reached = (await queryAuditLogAll(dir, { types: ['seal.verified'] })).at(-1)?.seq ?? -1;
    t.ok(
      reached >= confirmed,
      `every record the child saw durable survived (durable ${confirmed}, on disk up to ${reached})`,
    );
    t.same(
      got,
      Array.from({ length: got.length }, (_, i) => `shard-${i}`),
      'a gapless prefix of the backlog, in order',
    );
  },
);
