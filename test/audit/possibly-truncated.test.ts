// Issue 21 item 7: with only the verification key, records after the last seal that lie in epochs
// which ended long ago cannot be told from a log cut before a seal (and its last epoch rewritten):
// the verdict is not "intact" but `possibly truncated` (exit 1 on the CLI) unless the caller accepts
// staleness (--accept-stale / acceptStale) or a checkpoint covering every record vouches for them.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, verifyAuditLog } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { runCli } from '../helpers/cli.js';
import { quietLog, verifiedEvent } from './helpers.js';

const E = 10;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const pubPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();

/** A sealed log written an hour ago over three epochs: seals of 0 and 1, epoch 2's records unsealed. */
async function stoppedWriter(): Promise<{ base: string; dir: string; vkey: string }> {
  const base = mkdtempSync(join(tmpdir(), 'vrr-truncated-'));
  const dir = join(base, 'log');
  let now = Date.now() - 3_600_000;
  const log = AuditLogger.open({
    dir,
    service: 'svc',
    operationalLog: quietLog,
    clock: () => now,
    sealing: { epochSeconds: E, verificationKeyOut: join(base, 'vkey.json') },
    checkpoints: { privateKey: keyPem, keyName: 'svc.audit', everySeconds: 3600 },
  });
  for (let e = 0; e < 3; e++) {
    log.emit(verifiedEvent(e));
    now += E * 1000;
  }
  now -= E * 1000 - 1; // still in epoch 2 at close
  await log.close();
  writeFileSync(join(base, 'pub.pem'), pubPem);
  return { base, dir, vkey: join(base, 'vkey.json') };
}

t.test('a stopped writer and a log cut before a seal both fail as possibly truncated', async (t) => {
  const w = await stoppedWriter();
  const vkeyText = readFileSync(w.vkey, 'utf8');
  const v = await verifyAuditLog(w.dir, { verificationKey: vkeyText });
  t.equal(v.intact, false);
  t.match(v.firstError, {
    reason: 'possibly truncated',
    detail: /^unsealed records from ended epochs: possibly truncated; compare with a checkpoint or the fleet stream/,
  });
  t.match(v.sealing, { stale: true, lastSealedEpoch: 1 });
  const accepted = await verifyAuditLog(w.dir, { verificationKey: vkeyText, acceptStale: true });
  t.equal(accepted.intact, true, accepted.summary);
  t.match(accepted.limits.join('\n'), /stale/);
  t.equal(
    (await verifyAuditLog(w.dir)).intact,
    true,
    'without the key the chain alone is intact (and says its limits)',
  );

  const cli = runCli(w.base, ['audit', 'verify', w.dir, '--vkey', w.vkey, '--json']);
  t.equal(cli.status, 1, cli.stderr);
  t.match(cli.json, { intact: false, firstError: { reason: 'possibly truncated' } });
  const human = runCli(w.base, ['audit', 'verify', w.dir, '--vkey', w.vkey]);
  t.equal(human.status, 1);
  t.match(human.stderr + human.stdout, /unsealed records from ended epochs: possibly truncated/);
  t.equal(runCli(w.base, ['audit', 'verify', w.dir, '--vkey', w.vkey, '--accept-stale']).status, 0);

  // The checkpoint written at close covers every record: it vouches for the tail.
  const note = readdirSync(join(w.dir, 'checkpoints'))
    .filter((n) => n.endsWith('.note'))
    .sort()
    .at(-1)!;
  const withNote = runCli(w.base, [
    'audit',
    'verify',
    w.dir,
    '--vkey',
    w.vkey,
    '--checkpoint',
    join(w.dir, 'checkpoints', note),
    '--pubkey',
    join(w.base, 'pub.pem'),
    '--json',
  ]);
  t.equal(withNote.status, 0, withNote.stdout.slice(0, 600));

  // The attack: cut just before the seal of epoch 1 (a record boundary; the chain stays whole).
  const seg = listSegments(w.dir).at(-1)!.name;
  const lines = readFileSync(join(w.dir, seg), 'utf8').split('\n');
  const seal1 = lines.findIndex((l) => l.includes('"audit.epoch_sealed"') && l.includes('"epoch":1'));
  writeFileSync(join(w.dir, seg), lines.slice(0, seal1).join('\n') + '\n');
  unlinkSync(join(w.dir, `${seg}.sha256`));
  const cut = await verifyAuditLog(w.dir, { verificationKey: vkeyText });
  t.match(cut, { intact: false, firstError: { reason: 'possibly truncated' }, sealing: { lastSealedEpoch: 0 } });
});

t.test('a tail in the running epoch, or one just ended, is not flagged', async (t) => {
  const w = await stoppedWriter();
  const vkey = JSON.parse(readFileSync(w.vkey, 'utf8'));
  const tailEpochStart = vkey.start + 2 * E * 1000;
  for (const now of [tailEpochStart + 5000, tailEpochStart + E * 1000 + 5000]) {
    const v = await verifyAuditLog(w.dir, { verificationKey: vkey, now });
    t.equal(v.intact, true, v.summary);
  }
});
