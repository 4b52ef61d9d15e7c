// SPEC §6 vectors from the independent implementation (both sources): the epoch-key ratchet and
// tags, the sealed log with its verification key, the checkpoint note (our signer reproduces it
// byte for byte: Ed25519 is deterministic), and the same verification through the browser path
// (WASM SHA-256/HMAC, Web Crypto Ed25519) fed from plain lines.
import t from 'tap';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditLog } from '../../lib/audit/index.js';
import { epochTag, ratchet } from '../../lib/audit/format/epochs.js';
import { CheckpointWriter } from '../../lib/audit/write/checkpoint-writer.js';
import { noteKeyId, parseCheckpointNote } from '../../lib/audit/format/checkpoint-note.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { verifySealedRecordLines } from '../../lib/audit/verify/epoch-seal-verify.js';
import { sha256HexFrom } from '../../lib/audit/verify/chain-verifier.js';
import { nodeFileLayer } from '../../lib/audit/write/file-layer.js';
import { loadWasm } from '../../lib/wasm/index.js';
import { readVectorJson, vectorSources } from '../helpers/vectors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

for (const source of vectorSources()) {
  t.test(`sealing vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const vec = readVectorJson(source, 'sealing.json');
    let key = Buffer.from(vec.k0, 'hex') as Uint8Array;
    vec.epochKeys.forEach((expected: string, e: number) => {
      t.equal(hex(key), expected, `K${e}`);
      key = ratchet(nodeSealingCrypto.hmacSha256, key);
    });
    for (const { epoch, prev, tag } of vec.tags) {
      t.equal(
        epochTag(nodeSealingCrypto.hmacSha256, Buffer.from(vec.epochKeys[epoch], 'hex'), epoch, prev),
        tag,
        `tag of epoch ${epoch}`,
      );
    }
  });

  t.test(`the sealed log and its checkpoint from ${source.label} verify`, { skip: source.skip }, async (t) => {
    const vec = readVectorJson(source, 'sealing.json');
    const cp = readVectorJson(source, 'checkpoint.json');
    const attest = readVectorJson(source, 'attest.json');
    const vkeyText = readFileSync(join(source.dir, vec.log.verificationKey), 'utf8');
    const dir = join(source.dir, vec.log.dir);
    const r = await verifyAuditLog(dir, {
      verificationKey: vkeyText,
      checkpoint: cp.note,
      publicKey: attest.keys.ed25519.public,
    });
    t.equal(r.intact, true, r.summary);
    t.match(r.sealing, { epochsSealed: vec.log.epochsSealed, unsealedTail: vec.log.unsealedTail, stale: true });
    t.match(r.checkpoint, { size: 9, signer: cp.keyName, consistent: true });

    // The C2SP verifier-key form of the same public key, with the vector's key ID.
    const raw = Buffer.from(cp.publicKeyRawBase64, 'base64');
    t.equal(hex(noteKeyId(nodeSealingCrypto.sha256, cp.keyName, raw)), cp.keyId4Hex, 'key ID');
    const c2sp = `${cp.keyName}+${cp.keyId4Hex}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
    t.match(await verifyAuditLog(dir, { checkpoint: cp.note, publicKey: c2sp }), {
      intact: true,
      checkpoint: { consistent: true },
    });

    // Our signer, given the vector's private key, writes the very same note.
    const log = mkdtempSync(join(tmpdir(), 'vr-cp-'));
    const writer = CheckpointWriter.open(
      log,
      'worker-9',
      { privateKey: attest.keys.ed25519.private, keyName: cp.keyName, everySeconds: 60 },
      nodeFileLayer,
    );
    const note = parseCheckpointNote(cp.note);
    t.equal(writer.note(note.size, note.hash), cp.note, 'byte-identical checkpoint note');
    t.equal(
      hex(createPublicKey(attest.keys.ed25519.public).export({ format: 'der', type: 'spki' }).subarray(12)),
      hex(raw),
    );

    // The same checks through the browser-safe path: WASM SHA-256 and HMAC, Web Crypto Ed25519, lines from memory.
    const wasm = await loadWasm();
    const lines = readFileSync(join(dir, 'audit-000000000000.jsonl'), 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((text, i) => ({ source: 'dropped.jsonl', line: i + 1, text }));
    const browser = {
      sha256Hex: sha256HexFrom((b) => wasm.sha256(b)),
      sha256: (b: Uint8Array) => wasm.sha256(b),
      hmacSha256: (k: Uint8Array, d: Uint8Array) => wasm.hmacSha256(k, d),
    };
    const viaWasm = await verifySealedRecordLines(
      lines,
      { verificationKey: vkeyText, checkpoint: cp.note, publicKey: c2sp },
      browser,
    );
    t.match(viaWasm, {
      intact: true,
      records: 9,
      sealing: { epochsSealed: 4, unsealedTail: 1 },
      checkpoint: { consistent: true },
    });
    const forged = lines.map((l) => (l.line === 2 ? { ...l, text: l.text.replace('shard-a', 'shard-b') } : l));
    t.match(await verifySealedRecordLines(forged, { verificationKey: vkeyText }, browser), {
      intact: false,
      firstError: { file: 'dropped.jsonl', line: 2, reason: 'hash mismatch' },
    });
  });
}

t.test('a checkpoint signed by another key, or altered, is reported as such', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const cp = readVectorJson(source!, 'checkpoint.json');
  const attest = readVectorJson(source!, 'attest.json');
  const dir = join(source!.dir, 'audit-sealed');
  const other = await verifyAuditLog(dir, {
    checkpoint: { name: 'cp.note', text: cp.note },
    publicKey: attest.keys['ed25519-other'].public,
  });
  t.match(other.firstError, {
    file: 'cp.note',
    line: 0,
    reason: 'checkpoint signature invalid',
    detail: /no signature line is by this key/,
  });
  const altered = cp.note.replace('\n9\n', '\n8\n');
  const bad = await verifyAuditLog(dir, { checkpoint: altered, publicKey: attest.keys.ed25519.public });
  t.match(bad.firstError, { reason: 'checkpoint signature invalid', detail: /does not verify/ });
  await t.rejects(
    verifyAuditLog(dir, { checkpoint: cp.note }),
    { code: 'E_ARG' },
    'a checkpoint without its public key is a usage error',
  );
  await t.rejects(verifyAuditLog(dir, { checkpoint: cp.note, publicKey: 'not a key' }), { code: 'E_KEY' });
  await t.rejects(verifyAuditLog(dir, { verificationKey: '{"format":"x"}' }), { code: 'E_KEY' });
});
