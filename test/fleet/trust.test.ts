// An open server (no permissions): every probe of issue 20 is still caught by central verify and
// the shipper (SPEC §7). A forged append is an unauthenticated tail (exit 1 under a policy of 0
// unsigned records); a forged checkpoint is reported and changes nothing the shipper does; a junk
// subject is foreign while the real services get verdicts; bad stream settings are refused first.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { AuditLogger, buildRecordLine, Uuid7Generator } from '../../lib/audit/index.js';
import { streamConfigProblem } from '../../lib/fleet/stream.js';
import { event, freshDir, localLines, noServer, quietLog, server } from './helpers.js';
import { cliWith, shipOnce } from './identities.js';

const keys = generateKeyPairSync('ed25519');
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pubFile = `${freshDir('pub')}.pem`;
writeFileSync(pubFile, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());

/** Appends n records to a log that writes a signed checkpoint when it closes. */
async function writeSigned(dir: string, n: number, service = 'w1'): Promise<void> {
  const log = AuditLogger.open({
    dir,
    service,
    operationalLog: quietLog,
    checkpoints: { privateKey, keyName: `${service}.audit`, everySeconds: 3600 },
  });
  for (let i = 0; i < n; i++) log.emit(event(i));
  await log.close();
}

/** A record that extends the chain: right seq, prev = head, a hash that recomputes. Anyone can make one. */
function forgedNext(head: string, tsMs: number): string {
  const h = JSON.parse(head);
  return buildRecordLine({
    v: 1,
    seq: h.seq + 1,
    id: new Uuid7Generator().next(tsMs),
    ts: new Date(tsMs).toISOString(),
    service: h.service,
    type: 'seal.verified',
    severity: 'info',
    data: { timestamp: '2026-11-23T19:01:46.000Z', shard_id: 'forged', worker_id: 'worker-1' },
    prev: h.hash,
  } as Parameters<typeof buildRecordLine>[0]).line.trimEnd();
}

const verify = (url: string, ...more: string[]) =>
  cliWith({}, 'audit', 'verify', '--nats', url, '--pubkey', pubFile, ...more);

t.test('a forged append is an unauthenticated tail, never verified', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const dir = freshDir();
  await writeSigned(dir, 20);
  t.equal(cliWith({}, 'audit', 'ship', dir, '--nats', srv.url, '--once').status, 0);
  const size = localLines(dir).length;
  const clean = verify(srv.url, '--max-unsigned-records', '0', '--json');
  t.equal(clean.status, 0, clean.stdout + clean.stderr);
  t.match(clean.json().services[0], { verifiedSize: size, unauthenticatedTail: { count: 0 }, ok: true });

  const lines = localLines(dir);
  const forgedTs = Date.parse(JSON.parse(lines[lines.length - 1]!).ts) + 1;
  const nc = await connect({ servers: srv.url });
  await jetstream(nc).publish('vram.audit.w1', forgedNext(lines[lines.length - 1]!, forgedTs));
  await nc.close();

  const report = verify(srv.url, '--json');
  t.equal(report.status, 0, 'no policy: reported, not failed');
  const s = report.json().services[0];
  t.match(s, {
    intact: true,
    verifiedSize: size,
    unauthenticatedTail: {
      count: 1,
      firstTs: new Date(forgedTs).toISOString(),
      lastTs: new Date(forgedTs).toISOString(),
    },
  });
  t.match(s.warnings.join('\n'), /unauthenticated tail: 1 records/);
  const text = verify(srv.url);
  t.match(text.stdout, /verified up to size \d+ \(checkpoint signed by w1\.audit\); 1 unauthenticated/);
  t.match(text.stdout, /warning: unauthenticated tail: 1 records/, 'the text shows the warning the JSON has');

  const strict = verify(srv.url, '--max-unsigned-records', '0', '--json');
  t.equal(strict.status, 1, 'a policy of 0 unsigned records fails');
  t.match(strict.json(), { ok: false, services: [{ ok: false, intact: true }] });
  await new Promise((r) => setTimeout(r, 5)); // the forged record is now older than 0 s
  const byAge = verify(srv.url, '--max-unsigned-age', '0');
  t.equal(byAge.status, 1, 'an unsigned record older than the policy allows fails');
  t.match(byAge.stderr, /FAILED: stream VRAM_AUDIT: 1 of 1 service failed \(w1\)/);
  t.equal(verify(srv.url, '--max-unsigned-age', '86400').status, 0);

  // No key at all: nothing is verified, the whole chain is the tail.
  const noKey = cliWith({}, 'audit', 'verify', '--nats', srv.url, '--json');
  t.match(noKey.json().services[0], { verifiedSize: 0, unauthenticatedTail: { count: size + 1 } });
});

t.test(
  'a forged checkpoint is reported, ignored by verify, and changes nothing the shipper does',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeSigned(dir, 10);
    t.equal(cliWith({}, 'audit', 'ship', dir, '--nats', srv.url, '--once').status, 0);
    const first = localLines(dir).length;

    // A note with any key and a huge size on the service's checkpoint subject.
    const other = generateKeyPairSync('ed25519');
    const otherPriv = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const bogusDir = freshDir();
    const bogus = AuditLogger.open({
      dir: bogusDir,
      service: 'w1',
      operationalLog: quietLog,
      checkpoints: { privateKey: otherPriv, keyName: 'w1.audit', everySeconds: 3600 },
    });
    bogus.emit(event(0));
    await bogus.close();
    const noteName = readdirSync(`${bogusDir}/checkpoints`)[0]!;
    const { readFileSync } = await import('node:fs');
    const note = readFileSync(`${bogusDir}/checkpoints/${noteName}`, 'utf8').replace(/\n\d+\n/, '\n999999999\n');
    const nc = await connect({ servers: srv.url });
    const ack = await jetstream(nc).publish('vram.checkpoint.w1', note);
    await nc.close();

    const v = verify(srv.url, '--max-unsigned-records', '0', '--json');
    t.equal(v.status, 0, v.stdout);
    t.match(v.json().services[0], {
      verifiedSize: first,
      checkpoints: { count: 2, verified: 1, consistent: 1, unverified: { count: 1, firstStreamSeq: ack.seq } },
    });
    t.match(v.json().services[0].warnings.join('\n'), /1 checkpoint notes ignored: their signature does not verify/);

    // More records and a new real checkpoint: the shipper ships both, and reports the forged note.
    await writeSigned(dir, 10);
    const again = shipOnce({}, dir, srv.url);
    t.equal(again.status, 0, again.stdout + again.stderr);
    t.match(again.json(), { ok: true, checkpoints: 1, foreignCheckpoints: { count: 1, firstStreamSeq: ack.seq } });
    const after = verify(srv.url, '--max-unsigned-records', '0', '--json');
    t.equal(after.status, 0, after.stdout);
    t.match(after.json().services[0], { verifiedSize: localLines(dir).length, unauthenticatedTail: { count: 0 } });
  },
);

t.test('a junk subject is a foreign finding; the real services still get verdicts', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const dir = freshDir();
  await writeSigned(dir, 5);
  t.equal(cliWith({}, 'audit', 'ship', dir, '--nats', srv.url, '--once').status, 0);
  const nc = await connect({ servers: srv.url });
  await jetstream(nc).publish('vram.audit.ünïcode', 'junk');
  await jetstream(nc).publish('vram.audit.ünïcode', 'junk');
  await jetstream(nc).publish('vram.checkpoint.ünïcode', 'junk');
  await nc.close();
  const r = verify(srv.url, '--json');
  t.equal(r.status, 1, 'a foreign subject is a failed check, not a usage error');
  t.match(r.json(), {
    ok: false,
    foreign: [
      { subject: 'vram.audit.ünïcode', count: 2 },
      { subject: 'vram.checkpoint.ünïcode', count: 1 },
    ],
    services: [{ service: 'w1', ok: true, intact: true }],
  });
  const text = verify(srv.url);
  t.match(text.stdout, /ok {2}w1: /);
  t.match(text.stdout, /FOREIGN {2}"vram\.audit\.ünïcode": 2 messages/);
});

const GOOD: Partial<StreamConfig> = {
  subjects: ['vram.audit.>', 'vram.checkpoint.>'],
  storage: 'file' as StreamConfig['storage'],
  deny_delete: true,
  deny_purge: true,
};

t.test(
  'stream settings that lose, refuse or never confirm records are refused before publishing',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeSigned(dir, 5);
    const cases: [string, Partial<StreamConfig>, RegExp][] = [
      ['no_ack', { no_ack: true }, /no_ack is on/],
      ['max_msg_size', { max_msg_size: 1024 }, /max_msg_size is 1024, below the largest record \(65536 bytes\)/],
      ['extra subjects', { subjects: ['vram.audit.>', 'vram.checkpoint.>', 'other.>'] }, /also takes \["other\.>"\]/],
      ['discard new', { discard: 'new' as StreamConfig['discard'], max_msgs: 1000 }, /discard is new with limits/],
      ['rollup', { allow_rollup_hdrs: true, deny_purge: false }, /allow_rollup_hdrs/],
    ];
    const nc = await connect({ servers: srv.url });
    const jsm = await jetstreamManager(nc);
    for (const [name, change, reason] of cases) {
      await jsm.streams.add({ name: 'VRAM_AUDIT', ...GOOD, ...change } as StreamConfig);
      const r = shipOnce({}, dir, srv.url);
      t.equal(r.status, 2, `${name}: refused at once (no retrying)`);
      t.match(r.json().error, { code: 'E_FLEET_STREAM_CONFIG', message: reason }, name);
      t.equal((await jsm.streams.info('VRAM_AUDIT')).state.messages, 0, `${name}: nothing published`);
      await jsm.streams.delete('VRAM_AUDIT');
    }
    await nc.close();
    t.equal(
      streamConfigProblem({ ...GOOD, duplicate_window: 1 } as StreamConfig),
      null,
      "the shipper's own settings pass",
    );
  },
);
