// SPEC §8 through real CLI processes: `audit prove` / `audit verify-proof` on a 3,000-record log
// (proofs for every seq are made and verified through the library the commands call; a spread of
// seqs goes through the processes), each tampering refused with its reason and exit 1, usage
// errors exit 2, witness quorum, `audit verify` with several notes (consistency by proof, the
// inconsistent note named), and `audit tiles` (incremental, tiles equal to a rebuild).
import t from 'tap';
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { proveRecord } from '../../lib/audit/verify/prove.js';
import { verifyRecordProof } from '../../lib/audit/tlog/verify-record-proof.js';
import { cosignatureLine, MemoryTree, tileBytes, tilePath, tilesFor } from '../../lib/audit/tlog/index.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { cliIn } from '../helpers/run-cli.js';

const sha256 = nodeSealingCrypto.sha256;
const base = mkdtempSync(join(tmpdir(), 'tlog-cli-'));
t.teardown(() => rmSync(base, { recursive: true, force: true }));
const cli = cliIn(base);
const dir = join(base, 'log');

const keyPair = () => {
  const k = generateKeyPairSync('ed25519');
  return {
    key: k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pub: k.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    raw: new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)),
  };
};
const log = keyPair();
const other = keyPair();
const witness = keyPair();
writeFileSync(join(base, 'log.pub'), log.pub);
writeFileSync(join(base, 'other.pub'), other.pub);
writeFileSync(join(base, 'w.pub'), witness.pub);

async function write(n: number, from: number): Promise<void> {
  const logger = AuditLogger.open({
    dir,
    service: 'worker-7',
    flush: { mode: 'batched' },
    rotateBytes: 128 * 1024,
    checkpoints: { privateKey: log.key, everySeconds: 3600 },
  });
  for (let i = 0; i < n; i++)
    logger.emit({
      type: 'seal.verified',
      data: { timestamp: '2026-12-01T00:00:00.000Z', shard_id: `s-${from + i}`, worker_id: 'w7' },
    });
  await logger.close();
}

const notes = () => readdirSync(join(dir, 'checkpoints')).sort();
const lines = () =>
  listSegments(dir).flatMap((s) => readFileSync(join(dir, s.name), 'utf8').split('\n').filter(Boolean));

t.test('a proof for every seq of a 3,000-record log verifies; processes prove and verify a spread', async (t) => {
  await write(2998, 0); // + audit.log_opened and audit.log_closed = 3,000 records
  t.equal(notes().length, 1);
  const all = lines();
  t.equal(all.length, 3000);
  t.ok(listSegments(dir).length > 3, 'several segments');
  for (let seq = 0; seq < 3000; seq++) {
    const proof = proveRecord(dir, { seq });
    const v = await verifyRecordProof(proof.text, { publicKey: log.pub, sha256 });
    if (!v.ok || v.record.seq !== seq || JSON.stringify(v.record) !== JSON.stringify(JSON.parse(all[seq]!))) {
      t.fail(`seq ${seq}: ${JSON.stringify(v)}`);
      return;
    }
  }
  t.pass('3,000 proofs made and verified');
  for (const seq of [0, 1, 255, 256, 1234, 2047, 2048, 2999]) {
    const out = join(base, `r${seq}.tlog-proof`);
    const p = cli(['audit', 'prove', 'log', '--seq', String(seq), '--out', out, '--json']);
    t.equal(p.status, 0, p.stderr);
    t.match(p.json, { ok: true, seq, size: 3000 });
    const v = cli(['audit', 'verify-proof', out, '--pubkey', 'log.pub', '--json']);
    t.equal(v.status, 0, `seq ${seq} verifies: ${v.stderr}`);
    const rec = JSON.parse(all[seq]!);
    t.match(v.json, {
      ok: true,
      record: { seq, type: rec.type, ts: rec.ts, data: rec.data },
      checkpoint: { size: 3000 },
    });
  }
  const human = cli(['audit', 'verify-proof', 'r1234.tlog-proof', '--pubkey', 'log.pub']);
  t.match(
    human.stdout,
    /seal\.verified\t\{"timestamp":"2026-12-01T00:00:00.000Z","shard_id":"s-1233"/,
    'prints type, ts, data',
  );
});

t.test('each tampering fails with its reason (exit 1); usage errors exit 2', async (t) => {
  const good = readFileSync(join(base, 'r1234.tlog-proof'), 'utf8');
  const lines = good.split('\n');
  const variants: [string, string, string[]][] = [];
  const flipped = [...lines];
  const h = Buffer.from(flipped[3]!, 'base64');
  h[0]! ^= 1;
  flipped[3] = h.toString('base64');
  variants.push(['flipped path hash', flipped.join('\n'), []]);
  const rec = JSON.parse(Buffer.from(lines[1]!.slice(6), 'base64').toString());
  rec.data.shard_id = 'forged';
  const edited = [...lines];
  edited[1] = `extra ${Buffer.from(JSON.stringify(rec)).toString('base64')}`;
  variants.push(['edited extra', edited.join('\n'), []]);
  variants.push(['wrong index', good.replace('\nindex 1234\n', '\nindex 1235\n'), []]);
  const reasons = ['inclusion proof invalid', 'record hash mismatch', 'index mismatch'];
  for (const [i, [what, text]] of variants.entries()) {
    writeFileSync(join(base, 'bad.tlog-proof'), text);
    const r = cli(['audit', 'verify-proof', 'bad.tlog-proof', '--pubkey', 'log.pub', '--json']);
    t.equal(r.status, 1, what);
    t.match(r.json, { ok: false, reason: reasons[i] }, what);
  }
  const foreign = cli(['audit', 'verify-proof', 'r1234.tlog-proof', '--pubkey', 'other.pub']);
  t.equal(foreign.status, 1, 'foreign key');
  t.match(foreign.stderr, /log signature invalid/);
  const quorum = cli([
    'audit',
    'verify-proof',
    'r1234.tlog-proof',
    '--pubkey',
    'log.pub',
    '--witness-key',
    'w.pub',
    '--quorum',
    '1',
    '--json',
  ]);
  t.equal(quorum.status, 1, 'no cosignature under quorum 1');
  t.match(quorum.json, { ok: false, reason: 'quorum not met' });

  // Cosigned by the witness: passes quorum 1.
  const [head, note] = [good.slice(0, good.indexOf('\n\n') + 2), good.slice(good.indexOf('\n\n') + 2)];
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const wKey = createPrivateKey(witness.key);
  const cosig = cosignatureLine(sha256, 'witness.test/w', witness.raw, 1767225600, body, (m) => sign(null, m, wKey));
  writeFileSync(join(base, 'cosigned.tlog-proof'), head + note + cosig);
  const ok = cli([
    'audit',
    'verify-proof',
    'cosigned.tlog-proof',
    '--pubkey',
    'log.pub',
    '--witness-key',
    'w.pub',
    '--quorum',
    '1',
    '--json',
  ]);
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.json, { ok: true, cosigners: [{ name: 'witness.test/w', time: 1767225600 }] });

  t.equal(cli(['audit', 'verify-proof', 'missing.tlog-proof', '--pubkey', 'log.pub']).status, 2, 'missing file');
  t.equal(
    cli(['audit', 'prove', 'log', '--seq', '3000', '--out', 'x.tlog-proof']).status,
    2,
    'seq past the checkpoint',
  );
  t.equal(
    cli(['audit', 'prove', 'log', '--seq', '1', '--size', '5', '--out', 'x.tlog-proof']).status,
    2,
    'no note of that size',
  );
  t.equal(cli(['audit', 'verify-proof', 'r1.tlog-proof', '--pubkey', 'w.key']).status, 2, 'unreadable key');
});

t.test('audit verify with several notes checks their consistency by proof and names a bad one', async (t) => {
  await write(500, 2998);
  const [first, second] = notes();
  t.ok(first && second, 'two v2 notes');
  const both = [
    '--checkpoint',
    join('log', 'checkpoints', first!),
    '--checkpoint',
    join('log', 'checkpoints', second!),
  ];
  const r = cli(['audit', 'verify', 'log', ...both, '--pubkey', 'log.pub', '--json']);
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.match(r.json, { intact: true, consistency: [{ from: first, to: second, m: 3000 }] });
  // A validly signed note for size 3000 with another root: a fork the writer's key signed.
  const text = readFileSync(join(dir, 'checkpoints', first!), 'utf8');
  const ls = text.split('\n');
  ls[2] = createHash('sha256').update('another tree').digest('base64');
  const forgedBody = `${ls.slice(0, 3).join('\n')}\n`;
  const sigLine = ls[4]!.split(' ');
  const blob = Buffer.concat([
    Buffer.from(sigLine[2]!, 'base64').subarray(0, 4),
    sign(null, Buffer.from(forgedBody), createPrivateKey(log.key)),
  ]);
  writeFileSync(join(base, 'fork.note'), `${forgedBody}\n— ${sigLine[1]} ${blob.toString('base64')}\n`);
  const bad = cli([
    'audit',
    'verify',
    'log',
    '--checkpoint',
    'fork.note',
    '--checkpoint',
    both[3]!,
    '--pubkey',
    'log.pub',
  ]);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /fork\.note/, 'the inconsistent note is named');
});

t.test('audit tiles writes the tiles of the newest checkpoint, incrementally', async (t) => {
  const first = cli(['audit', 'tiles', 'log', '--out', 'tiles', '--json']);
  t.equal(first.status, 0, first.stderr);
  const size = first.json.size as number;
  const tree = new MemoryTree(sha256);
  for (const line of lines().slice(0, size)) tree.appendEntry(Buffer.from(JSON.parse(line).hash, 'hex'));
  for (const tile of tilesFor(size))
    t.ok(
      Buffer.from(tileBytes(tree.source, tile)).equals(readFileSync(join(base, 'tiles', tilePath(tile)))),
      tilePath(tile),
    );
  t.equal(
    readFileSync(join(base, 'tiles', 'checkpoint'), 'utf8'),
    readFileSync(join(dir, 'checkpoints', notes().at(-1)!), 'utf8'),
  );
  await write(300, 3498);
  const again = cli(['audit', 'tiles', 'log', '--out', 'tiles', '--json']);
  t.equal(again.status, 0, again.stderr);
  t.ok(again.json.kept > 0 && again.json.written < first.json.written + again.json.kept, 'full tiles kept');
  t.ok(again.json.size > size);
});
