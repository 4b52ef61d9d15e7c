// SPEC §5 vectors from the independent implementation (attest.json): PAE, key hints, every good
// bundle and every tamper class through every engine and the browser-safe path (each good one
// returning the vector's record, whose digests equal node:crypto and the test oracle), and
// Ed25519 bundles signed here byte-identical to the vectors.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pae, parseBundle } from '../../lib/attest/dsse.js';
import { loadSigningKey } from '../../lib/attest/node-keys.js';
import { parsePublicKeyPem } from '../../lib/attest/public-key.js';
import * as web from '../../lib/attest/seal-bundle.js';
import { serializeBundle, signSealRecord, verifySealBundle, verifySealBundleFile } from '../../lib/attest/seal-node.js';
import { ENGINES } from '../../lib/engines/digest-with-engine.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { patternBytes, readVectorJson, sealFailure, vectorSources } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-attest-vectors-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const dataPath = join(dir, 'data.bin');
const data = patternBytes(200000);
writeFileSync(dataPath, data);
const oracleSha256 = createHash('sha256').update(data).digest('hex');

for (const source of vectorSources()) {
  t.test(`attest vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const v = readVectorJson(source, 'attest.json');
    t.match(v.data, /200000-byte input is i mod 251/, 'data rule as assumed');
    t.equal(
      new TextDecoder().decode(pae(v.pae.payloadType, new TextEncoder().encode(v.pae.payload))),
      v.pae.pae,
      'PAE',
    );
    for (const [name, key] of Object.entries<any>(v.keys)) {
      const info = await parsePublicKeyPem(key.public);
      if (key.hint) t.equal(info.hint, key.hint, `hint of ${name}`);
      t.equal(info.pem, key.public, `${name} public key PEM is canonical`);
      const signing = await loadSigningKey(key.private);
      t.equal(signing.publicKey.hint, info.hint, `${name} private key pairs with its public key`);
    }

    for (const good of v.good) {
      const publicKey = v.keys[good.publicKey].public;
      const statement = JSON.parse(Buffer.from(good.bundle.dsseEnvelope.payload, 'base64').toString());
      const signedRecord = statement.predicate;
      // The vector's own values, checked against node:crypto and the test oracle, not against an engine.
      t.equal(signedRecord.contentSha256, oracleSha256, `vector ${good.note}: contentSha256 = node:crypto`);
      t.equal(signedRecord.digest, hex(oracleMth(data, signedRecord.leafSize)), `vector ${good.note}: digest = oracle`);
      t.same(statement.subject[0].digest, { sha256: oracleSha256, 'mth-sha256': signedRecord.digest });
      for (const engine of ENGINES) {
        const record = await verifySealBundleFile(dataPath, good.bundle, { publicKey, engine });
        t.same(record, signedRecord, `good (${good.note}) verifies with ${engine} and returns the vector's record`);
      }
      const viaWeb = await web.verifySealBundleBytes(data, JSON.stringify(good.bundle), { publicKey });
      t.same(viaWeb, signedRecord, `good (${good.note}) verifies on the browser path and returns the signed record`);
      if (good.publicKey.startsWith('ed25519')) {
        const record = await verifySealBundle(good.bundle, { publicKey });
        const signed = signSealRecord(record, await loadSigningKey(v.keys[good.publicKey].private));
        t.same(signed, good.bundle, `Ed25519 bundle signed here is byte-identical (${good.note})`);
        t.equal(serializeBundle(signed), JSON.stringify(good.bundle) + '\n', 'same JSON text');
      }
    }

    for (const bad of v.bad) {
      const publicKey = v.keys[bad.publicKey].public;
      for (const engine of ENGINES) {
        await t.rejects(
          verifySealBundleFile(dataPath, bad.bundle, { publicKey, engine }),
          sealFailure(bad.expect),
          `${bad.what}: ${bad.expect} (${engine})`,
        );
      }
      await t.rejects(
        web.verifySealBundleBytes(data, bad.bundle, { publicKey }),
        sealFailure(bad.expect),
        `${bad.what}: ${bad.expect} (browser path)`,
      );
    }
    t.ok(v.bad.length >= 10 && v.good.length >= 3, 'all vectors seen');
    t.equal(parseBundle(v.good[0].bundle, { requireHint: true }).hint, v.keys.ed25519.hint, 'hint read from a bundle');
  });
}
