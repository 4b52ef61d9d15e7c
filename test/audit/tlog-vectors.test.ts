// SPEC §8 vectors from Go's sumdb/tlog and sumdb/note (tlog.json, tlog/): tree hashing, roots,
// inclusion and consistency proofs, the v2 note and the cosigned note (byte for byte: Ed25519 is
// deterministic), the .tlog-proof file (written byte for byte, verified, and every bad variant
// refused with its reason), and the tiles-1000 directory byte for byte.
import t from 'tap';
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  checkpointV2Text,
  consistencyProof,
  cosignatureLine,
  emptyRoot,
  entryBundleBytes,
  entryBundlePath,
  entryBundlesFor,
  formatRecordProof,
  inclusionProof,
  leafHash,
  MemoryTree,
  nodeHash,
  noteKeyIdOf,
  parseWitnessKey,
  signNote,
  tileBytes,
  tilePath,
  tilesFor,
  treeRoot,
  verifyCheckpointV2,
  verifyConsistency,
  verifyInclusion,
  verifyRecordProofText,
  type NoteSigner,
} from '../../lib/audit/tlog/index.js';
import { verifyRecordProof } from '../../lib/audit/tlog/verify-record-proof.js';
import { parseNotePublicKey } from '../../lib/audit/format/checkpoint-note.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { readVectorJson, vectorSources } from '../helpers/vectors.js';

const sha256 = nodeSealingCrypto.sha256;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function syntheticTree(count: number): MemoryTree {
  const tree = new MemoryTree(sha256);
  for (let i = 0; i < count; i++) tree.appendEntry(sha256(Buffer.from(String(i))));
  return tree;
}

function signerOf(pem: string, name: string): NoteSigner {
  const key = createPrivateKey(pem);
  const raw = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12));
  return { name, keyId: noteKeyIdOf(sha256, name, 0x01, raw), sign: (m) => new Uint8Array(sign(null, m, key)) };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

for (const source of vectorSources()) {
  t.test(`tlog vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const vec = readVectorJson(source, 'tlog.json');
    const attest = readVectorJson(source, 'attest.json');
    const h = vec.hashing;
    t.equal(hex(leafHash(sha256, Buffer.from(h.entryHex, 'hex'))), h.leafHashHex, 'leaf hash');
    t.equal(
      hex(nodeHash(sha256, Buffer.from(h.node.leftHex, 'hex'), Buffer.from(h.node.rightHex, 'hex'))),
      h.node.nodeHashHex,
      'node hash',
    );
    t.equal(b64(emptyRoot(sha256)), h.emptyRoot, 'empty root');

    const tree = syntheticTree(vec.synthetic.count);
    for (const { size, root } of vec.synthetic.roots) {
      t.equal(b64(tree.root(size)), root, `root of ${size}`);
      t.equal(b64(treeRoot(sha256, tree.source, size)), root, `root of ${size} from stored hashes`);
    }
    for (const c of vec.synthetic.inclusion) {
      const path = inclusionProof(sha256, tree.source, c.index, c.size);
      t.same(path.map(b64), c.path, `inclusion ${c.index} in ${c.size}`);
      t.ok(verifyInclusion(sha256, unb64(c.leafHash), c.index, c.size, c.path.map(unb64), unb64(c.root)));
    }
    for (const c of vec.synthetic.consistency) {
      const proof = consistencyProof(sha256, tree.source, c.m, c.n);
      t.same(proof.map(b64), c.proof, `consistency ${c.m} → ${c.n}`);
      t.ok(verifyConsistency(sha256, c.m, c.n, unb64(c.oldRoot), unb64(c.newRoot), c.proof.map(unb64)));
      if (c.proof.length > 0) {
        const bad = c.proof.map(unb64);
        bad[0]![0]! ^= 1;
        t.notOk(verifyConsistency(sha256, c.m, c.n, unb64(c.oldRoot), unb64(c.newRoot), bad), 'flipped proof fails');
      }
    }

    // The §4 vector log as a tree, its checkpoint, the witness's cosignature and the proof file.
    const a = vec.auditSealed;
    const logTree = new MemoryTree(sha256);
    for (const e of a.entriesHex) logTree.appendEntry(Buffer.from(e, 'hex'));
    for (const { size, root } of a.roots) t.equal(b64(logTree.root(size)), root, `audit-sealed root of ${size}`);
    const logSigner = signerOf(attest.keys.ed25519.private, a.logKey.keyName);
    t.equal(hex(logSigner.keyId), a.logKey.keyId4Hex, 'log key ID');
    const text = checkpointV2Text('worker-9', 9, logTree.root());
    t.equal(text, a.checkpoint.text, 'checkpoint text');
    const note = signNote(text, [logSigner]);
    t.equal(note, a.checkpoint.note, 'v2 note byte for byte');
    t.equal(note, readFileSync(join(source.dir, a.checkpoint.file), 'utf8'), 'the note file');

    const w = a.witness;
    const wKey = createPrivateKey(readFileSync(join(source.dir, w.privateKeyPemFile), 'utf8'));
    const wRaw = unb64(w.publicKeyRawBase64);
    t.equal(hex(noteKeyIdOf(sha256, w.name, 0x04, wRaw)), w.keyId4Hex, 'witness key ID');
    const cosig = cosignatureLine(sha256, w.name, wRaw, w.timestamp, text, (m) => new Uint8Array(sign(null, m, wKey)));
    t.equal(cosig, w.cosignatureLine, 'cosignature line byte for byte');
    t.equal(note + cosig, w.cosignedNote, 'cosigned note');

    const logPem = readFileSync(join(source.dir, a.logKey.publicKeyPemFile), 'utf8');
    const witnessPem = readFileSync(join(source.dir, w.publicKeyPemFile), 'utf8');
    const logKey = parseNotePublicKey(logPem, sha256);
    const logVkey = parseNotePublicKey(a.logKey.vkey, sha256);
    const witness = parseWitnessKey(witnessPem, sha256);
    t.match(await verifyCheckpointV2(w.cosignedNote, { logKey, witnesses: [witness], quorum: 1, sha256 }), {
      ok: true,
      signer: 'worker-9.audit',
      cosigners: [{ name: w.name, time: w.timestamp }],
    });
    t.match(await verifyCheckpointV2(note, { logKey, witnesses: [witness], quorum: 1, sha256 }), {
      ok: false,
      reason: 'quorum not met',
    });

    const p = a.proof;
    const line = readFileSync(join(source.dir, a.log, 'audit-000000000000.jsonl'), 'utf8').split('\n')[p.seq]!;
    t.equal(line, p.extraLine, 'extra is the stored line');
    const path = inclusionProof(sha256, logTree.source, p.seq, 9);
    t.same(path.map(b64), p.path, 'audit path');
    const proofText = formatRecordProof({ extra: Buffer.from(line), index: p.seq, path, checkpoint: note });
    t.equal(proofText, p.text, '.tlog-proof byte for byte');
    t.equal(proofText, readFileSync(join(source.dir, p.file), 'utf8'), 'the proof file');
    const cosignedProof = formatRecordProof({ extra: Buffer.from(line), index: p.seq, path, checkpoint: note + cosig });
    t.equal(cosignedProof, readFileSync(join(source.dir, p.fileCosigned), 'utf8'), 'the cosigned proof file');

    const trust = { logKey, sha256, sha256Hex: nodeSealingCrypto.sha256Hex };
    for (const key of [logKey, logVkey]) {
      const ok = await verifyRecordProofText(proofText, { ...trust, logKey: key });
      t.match(ok, { ok: true, record: { seq: 3, type: 'seal.verified', service: 'worker-9' } }, 'proof verifies');
    }
    t.match(await verifyRecordProofText(proofText, { ...trust, witnesses: [witness], quorum: 1 }), {
      ok: false,
      reason: 'quorum not met',
    });
    t.match(await verifyRecordProofText(cosignedProof, { ...trust, witnesses: [witness], quorum: 1 }), {
      ok: true,
      cosigners: [{ name: w.name }],
    });

    const reasons: Record<string, string> = {
      'extra-edited': 'record hash mismatch',
      'extra-other-record': 'index mismatch',
      'index-changed': 'index mismatch',
      'path-flipped': 'inclusion proof invalid',
      'path-short': 'inclusion proof invalid',
      'other-log-key': 'log signature invalid',
      'other-origin': 'service mismatch',
      'no-extra': 'no record',
      'cosig-flipped': 'cosignature invalid',
    };
    t.equal(a.badProofs.cases.length, Object.keys(reasons).length, 'every bad case has an expected reason');
    for (const c of a.badProofs.cases) {
      const kind = /audit-sealed-3\.(.+)\.tlog-proof$/.exec(c.file)![1]!;
      const bad = readFileSync(join(source.dir, c.file), 'utf8');
      for (const quorum of [1, 0]) {
        const v = await verifyRecordProofText(bad, { ...trust, witnesses: [witness], quorum });
        t.match(v, { ok: false, reason: reasons[kind] }, `${kind} (quorum ${quorum}): ${c.why}`);
      }
    }

    // The browser path: verifyRecordProof with the WASM core's SHA-256 (its default) and Web Crypto.
    t.match(
      await verifyRecordProof(cosignedProof, { publicKey: a.logKey.vkey, witnessKeys: [witnessPem], quorum: 1 }),
      {
        ok: true,
        record: { seq: 3 },
      },
    );
    t.match(await verifyRecordProof(readFileSync(join(source.dir, a.badProofs.cases[3].file)), { publicKey: logPem }), {
      ok: false,
      reason: 'inclusion proof invalid',
    });

    // The witness requests' consistency proofs (what a witness checks before cosigning).
    for (const c of vec.witness.cases.filter((c: { name: string }) => ['step', 'bad-proof'].includes(c.name))) {
      const [head, rest] = [
        c.request.slice(0, c.request.indexOf('\n\n')),
        c.request.slice(c.request.indexOf('\n\n') + 2),
      ];
      const [oldLine, ...proofLines] = head.split('\n');
      const m = Number(oldLine.slice(4));
      const n = Number(rest.split('\n')[1]);
      const ok = verifyConsistency(sha256, m, n, tree.root(m), unb64(rest.split('\n')[2]), proofLines.map(unb64));
      t.equal(ok, c.expectStatus === 200, `witness case ${c.name}: the consistency proof ${ok ? 'verifies' : 'fails'}`);
    }

    // tiles-1000, byte for byte, and nothing more or less.
    const ti = vec.tiles;
    const tilesDir = join(source.dir, ti.dir);
    const made = new Map<string, Uint8Array>();
    made.set(
      'checkpoint',
      Buffer.from(signNote(checkpointV2Text('synthetic', ti.size, tree.root(ti.size)), [logSigner])),
    );
    for (const tile of tilesFor(ti.size)) made.set(tilePath(tile), tileBytes(tree.source, tile));
    for (const b of entryBundlesFor(ti.size)) {
      const entries = [];
      for (let i = b.index * 256; i < b.index * 256 + b.width; i++) entries.push(sha256(Buffer.from(String(i))));
      made.set(entryBundlePath(b.index, b.width), entryBundleBytes(entries));
    }
    t.same([...made.keys()].sort(), filesUnder(tilesDir), 'the same files');
    t.same(filesUnder(tilesDir), ti.files.map((f: { path: string }) => f.path).sort(), 'the listed files');
    for (const f of ti.files) {
      const bytes = made.get(f.path)!;
      t.equal(bytes.length, f.bytes, `${f.path} size`);
      t.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256Hex, `${f.path} sha256`);
      t.ok(Buffer.from(bytes).equals(readFileSync(join(tilesDir, f.path))), `${f.path} byte for byte`);
    }
  });
}
