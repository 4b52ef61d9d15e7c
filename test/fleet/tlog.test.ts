// SPEC §8 in the fleet: writers ship v2 checkpoints (Merkle roots), central verify checks the
// stream's records against them by root (and against witness cosignatures with a quorum), and
// `audit prove --nats` proves a record from the stream alone; the proof verifies offline.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { event, freshDir, localLines, noServer, quietLog, server } from './helpers.js';
import { cliWith } from './identities.js';

const keys = generateKeyPairSync('ed25519');
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pubFile = `${freshDir('pub')}.pem`;
writeFileSync(pubFile, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
const witnessPub = `${freshDir('witness')}.pem`;
writeFileSync(witnessPub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());

t.test('v2 checkpoints on the stream: verified by root, proofs from the stream', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const dir = freshDir();
  const log = AuditLogger.open({
    dir,
    service: 'w2',
    operationalLog: quietLog,
    checkpoints: { privateKey, everySeconds: 3600 },
  });
  for (let i = 0; i < 40; i++) log.emit(event(i));
  await log.close();
  const note = readdirSync(join(dir, 'checkpoints')).find((n) => n.endsWith('.note'))!;
  t.match(
    readFileSync(join(dir, 'checkpoints', note), 'utf8'),
    /^vram-residency\.audit\.v2\/w2\n/,
    'the writer writes v2',
  );
  t.equal(cliWith({}, 'audit', 'ship', dir, '--nats', srv.url, '--once').status, 0);
  const size = localLines(dir).length;

  const verified = cliWith({}, 'audit', 'verify', '--nats', srv.url, '--pubkey', pubFile, '--json');
  t.equal(verified.status, 0, verified.stdout + verified.stderr);
  t.match(verified.json().services[0], { verifiedSize: size, unauthenticatedTail: { count: 0 }, ok: true });
  t.ok(verified.json().services[0].verifiedBy.root, 'the checkpoint that covers them is a v2 root');

  const out = `${freshDir('proof')}.tlog-proof`;
  const proved = cliWith(
    {},
    'audit',
    'prove',
    '--nats',
    srv.url,
    '--service',
    'w2',
    '--seq',
    '7',
    '--pubkey',
    pubFile,
    '--out',
    out,
    '--json',
  );
  t.equal(proved.status, 0, proved.stdout + proved.stderr);
  t.match(proved.json(), { ok: true, seq: 7, size });
  const checked = cliWith({}, 'audit', 'verify-proof', out, '--pubkey', pubFile, '--json');
  t.equal(checked.status, 0, checked.stdout + checked.stderr);
  t.match(checked.json(), { ok: true });
  const local = JSON.parse(localLines(dir)[7]!);
  t.same(
    checked.json().record,
    { seq: 7, type: local.type, ts: local.ts, service: 'w2', severity: local.severity, data: local.data },
    'it proves record 7 as the local log holds it',
  );

  const missing = cliWith(
    {},
    'audit',
    'prove',
    '--nats',
    srv.url,
    '--service',
    'w2',
    '--seq',
    String(size + 5),
    '--pubkey',
    pubFile,
    '--out',
    out,
  );
  t.equal(missing.status, 2, 'a seq beyond the stream is a usage error');

  const verifyWithWitness = (...flags: string[]) =>
    cliWith(
      {},
      'audit',
      'verify',
      '--nats',
      srv.url,
      '--pubkey',
      pubFile,
      '--witness-key',
      witnessPub,
      '--quorum',
      '1',
      ...flags,
    );
  const quorum = verifyWithWitness('--json');
  t.equal(quorum.status, 0, 'reported, not failed, without a tail policy');
  const s = quorum.json().services[0];
  t.match(
    s,
    { verifiedSize: 0, unauthenticatedTail: { count: size } },
    'a note no trusted witness cosigned is not trusted',
  );
  t.match(s.checkpoints.unverified.firstReason, /quorum/);
  const strict = verifyWithWitness('--max-unsigned-records', '0');
  t.equal(strict.status, 1, 'and under a policy of 0 unsigned records the verdict fails');
});
