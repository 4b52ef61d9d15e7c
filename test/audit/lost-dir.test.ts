// Issue 10 item 5 on real files: the log directory is deleted under a running logger. Nothing may
// count as durable that went into an unlinked file; flush() and close() report E_AUDIT_IO (never a
// raw ENOENT), the records stay queued, and writing resumes if the directory comes back.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogger, queryAuditLogAll } from '../../lib/audit/index.js';
import { AuditIoError } from '../../lib/errors.js';
import { Logger, type ILogObj } from 'tslog';
import { criticalEvent, freshDir, quietLog, tsLoaderArgs, verifiedEvent, waitFor } from './helpers.js';

const fast = { initial: 1, max: 20 };

function open(dir: string) {
  return AuditLogger.open({
    dir,
    service: 'w1',
    retryBackoffMs: fast,
    flush: { mode: 'hybrid', maxEvents: 100, maxDelayMs: 1 },
    operationalLog: quietLog,
  });
}

t.test('deleted directory: flush rejects with E_AUDIT_IO, durableSeq stays, close is clean and typed', async (t) => {
  const dir = freshDir(t);
  const log = open(dir);
  for (let i = 0; i < 3; i++) log.emit(verifiedEvent(i));
  await log.flush();
  const durable = log.health().durableSeq;
  rmSync(dir, { recursive: true, force: true });
  for (let i = 3; i < 6; i++) log.emit(verifiedEvent(i));
  const flushed = await log.flush().then(
    () => null,
    (e: unknown) => e,
  );
  t.type(flushed, AuditIoError, 'flush() reports that the records are not durable');
  t.equal((flushed as AuditIoError | null)?.code, 'E_AUDIT_IO');
  t.equal((flushed as AuditIoError | null)?.retriable, true);
  const h = log.health();
  t.equal(h.durableSeq, durable, 'nothing written into the deleted file counts as durable');
  t.ok(h.queueDepth >= 3, `the records stay queued (${h.queueDepth})`);
  t.equal(h.state, 'retrying');
  t.throws(() => log.emit(criticalEvent(6)), AuditIoError, 'a critical emit is not durable either');
  const closed = await log.close().then(
    () => null,
    (e: unknown) => e,
  );
  t.type(closed, AuditIoError, 'close() rejects with the typed error, not a raw ENOENT');
  t.equal((closed as AuditIoError | null)?.code, 'E_AUDIT_IO');
  t.match((closed as Error | null)?.message, /records? (were|was) not written/);
  t.equal(log.health().state, 'closed');
});

t.test('deleted directory with periodic checkpoints: the skipped checkpoint is no unhandled rejection', async (t) => {
  const dir = freshDir(t);
  const { privateKey } = generateKeyPairSync('ed25519');
  // The operational log tells when the checkpoint timer fired and skipped its checkpoint.
  const said: string[] = [];
  const opLog = new Logger<ILogObj>({ type: 'hidden' });
  opLog.attachTransport((o) => said.push(String((o as Record<string, unknown>)['0'])));
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    retryBackoffMs: fast,
    flush: { mode: 'hybrid', maxEvents: 100, maxDelayMs: 1 },
    operationalLog: opLog,
    checkpoints: {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      keyName: 'w1.audit',
      everySeconds: 1,
    },
  });
  log.emit(verifiedEvent(0));
  await log.flush();
  rmSync(dir, { recursive: true, force: true });
  log.emit(verifiedEvent(1));
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  const skipped = () => said.filter((m) => m.startsWith('audit checkpoint skipped')).length;
  // The timer fires once a second; wait until it has fired (and skipped) twice while the directory is gone.
  t.ok(await waitFor(() => skipped() >= 2, 30_000), `the checkpoint timer fired and skipped (${skipped()} times)`);
  await new Promise((r) => setImmediate(r)); // let a rejection from that tick surface
  process.off('unhandledRejection', onRejection);
  t.same(rejections, [], 'no unhandled rejection from the checkpoint timer');
  mkdirSync(dir, { mode: 0o700 });
  await log.close();
  t.equal(log.health().durableSeq, log.health().nextSeq - 1, 'every record written once the directory is back');
});

t.test('the directory comes back: the queued records are written, in order', async (t) => {
  const dir = freshDir(t);
  const log = open(dir);
  log.emit(verifiedEvent(0));
  await log.flush();
  rmSync(dir, { recursive: true, force: true });
  for (let i = 1; i < 4; i++) log.emit(verifiedEvent(i));
  await t.rejects(log.flush(), { code: 'E_AUDIT_IO' });
  mkdirSync(dir, { mode: 0o700 });
  await log.flush();
  t.equal(log.health().durableSeq, log.health().nextSeq - 1, 'everything accepted is durable again');
  await log.close();
  const got = (await queryAuditLogAll(dir, { types: ['seal.verified'] })).map((r) => r.data.shard_id);
  t.same(
    got,
    ['shard-1', 'shard-2', 'shard-3'],
    'the records emitted after the deletion are in the new directory, once each',
  );
});

t.test('a real process whose log directory is deleted closes with E_AUDIT_IO and exits by itself', async (t) => {
  const dir = freshDir(t);
  const here = dirname(fileURLToPath(import.meta.url));
  const r = spawnSync(process.execPath, [...tsLoaderArgs, join(here, 'fixtures', 'lost-dir-child.ts'), dir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(r.signal, null, 'exited by itself (not killed by the timeout)');
  t.equal(r.status, 0, r.stderr.slice(0, 500));
  t.equal(r.stdout.trim(), 'closed AuditIoError E_AUDIT_IO');
});
