// Seal attestations against an independent node:crypto implementation (test/helpers/independent-dsse):
// bundles signed here verify there and the other way round, for every key type; every tamper class
// fails here with its SPEC reason, and there too.
import t from 'tap';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, loadSigningKey } from '../../lib/attest/node-keys.js';
import * as web from '../../lib/attest/seal-bundle.js';
import { signSealRecord, verifySealBundle, verifySealBundleFile } from '../../lib/attest/seal-node.js';
import { ENGINES } from '../../lib/engines/digest-with-engine.js';
import { indepSealStatement, indepSign, indepVerifySeal } from '../helpers/independent-dsse.js';
import { patternBytes, readVectorJson, sealFailure, vectorSources } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-attest-interop-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const data = patternBytes(200000);
const dataPath = join(dir, 'data.bin');
writeFileSync(dataPath, data);
const vectors = readVectorJson(vectorSources()[1]!, 'attest.json');
const record = JSON.parse(Buffer.from(vectors.good[0].bundle.dsseEnvelope.payload, 'base64').toString()).predicate;

function nodePair(alg: string): { privatePem: string; publicPem: string } {
  const p =
    alg === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: { p256: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' }[alg]! });
  return {
    privatePem: p.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: p.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

const reasonOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as Error).message.split(':')[0]!;
  }
};

for (const alg of ['ed25519', 'p256', 'p384', 'p521']) {
  t.test(`${alg}: both directions, every engine, every tamper class`, async (t) => {
    const ours = generateKeyPair(alg as any);
    const bundle = signSealRecord(record, await loadSigningKey(ours.privatePem));
    t.same(indepVerifySeal(bundle, ours.publicPem, data), record, 'ours verifies with the independent checker');

    const theirs = nodePair(alg);
    const theirBundle = indepSign(indepSealStatement(record), theirs.privatePem);
    for (const engine of ENGINES) {
      t.same(
        await verifySealBundleFile(dataPath, theirBundle, { publicKey: theirs.publicPem, engine }),
        record,
        `theirs verifies here (${engine})`,
      );
    }
    t.same(
      await web.verifySealBundleBytes(data, theirBundle, { publicKey: theirs.publicPem }),
      record,
      'theirs verifies on the browser path',
    );

    const other = nodePair(alg);
    const flipSig = structuredClone(bundle);
    const sig = Buffer.from(flipSig.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 5]! ^= 0x01;
    flipSig.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    const changed = { ...record, workerId: 'worker-2' };
    const resigned = structuredClone(bundle);
    resigned.dsseEnvelope.payload = Buffer.from(JSON.stringify(indepSealStatement(changed))).toString('base64');
    const noSubject = indepSign({ ...(indepSealStatement(record) as object), subject: [] }, ours.privatePem);
    const badSubject = indepSign(
      {
        ...(indepSealStatement(record) as any),
        subject: [{ name: 'x', digest: { sha256: record.contentSha256, 'mth-sha256': record.digest } }],
      },
      ours.privatePem,
    );
    const shorter = data.subarray(0, data.length - 1);
    const flipped = data.slice();
    flipped[12345]! ^= 0x40;
    const cases: { what: string; bundle: any; key: string; bytes: Uint8Array; reason: string }[] = [
      { what: 'another key', bundle, key: other.publicPem, bytes: data, reason: 'wrong key' },
      { what: 'flipped signature', bundle: flipSig, key: ours.publicPem, bytes: data, reason: 'signature mismatch' },
      {
        what: 'payload changed, signature kept',
        bundle: resigned,
        key: ours.publicPem,
        bytes: data,
        reason: 'signature mismatch',
      },
      { what: 'no subject', bundle: noSubject, key: ours.publicPem, bytes: data, reason: 'malformed' },
      { what: 'subject disagrees', bundle: badSubject, key: ours.publicPem, bytes: data, reason: 'malformed' },
      { what: 'one byte short', bundle, key: ours.publicPem, bytes: shorter, reason: 'size mismatch' },
      { what: 'one bit flipped in the data', bundle, key: ours.publicPem, bytes: flipped, reason: 'digest mismatch' },
    ];
    for (const c of cases) {
      const path = join(dir, `case-${alg}-${c.what.replace(/\W+/g, '-')}.bin`);
      writeFileSync(path, c.bytes);
      for (const engine of ENGINES) {
        await t.rejects(
          verifySealBundleFile(path, c.bundle, { publicKey: c.key, engine }),
          sealFailure(c.reason),
          `${c.what}: ${c.reason} (${engine})`,
        );
      }
      await t.rejects(
        web.verifySealBundleBytes(c.bytes, c.bundle, { publicKey: c.key }),
        sealFailure(c.reason),
        `${c.what}: ${c.reason} (browser path)`,
      );
      t.equal(
        reasonOf(() => indepVerifySeal(c.bundle, c.key, c.bytes)),
        c.reason,
        `${c.what}: the independent checker agrees`,
      );
    }
  });
}

t.test('any change to the signed payload is refused by both', async () => {
  const ours = generateKeyPair('p256');
  const bundle = signSealRecord(record, await loadSigningKey(ours.privatePem));
  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: payload.length - 1 }),
      fc.integer({ min: 1, max: 255 }),
      async (i, x) => {
        const copy = structuredClone(bundle);
        const p = Buffer.from(payload);
        p[i]! ^= x;
        copy.dsseEnvelope.payload = p.toString('base64');
        const error = await verifySealBundle(copy, { publicKey: ours.publicPem }).then(
          () => null,
          (e) => e,
        );
        return (
          error !== null &&
          ['malformed', 'signature mismatch'].includes(error.reason) &&
          reasonOf(() => indepVerifySeal(copy, ours.publicPem, data)) !== 'ok'
        );
      },
    ),
    { numRuns: 200 },
  );
});
