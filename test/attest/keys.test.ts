// The small parts under the attestations, each against node:crypto or Buffer: DER ECDSA signatures
// to r ‖ s, SPKI algorithm detection, PEM and hint, base64 both ways, and key errors that never
// quote the key.
import t from 'tap';
import fc from 'fast-check';
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { EC_SIZE, ecdsaDerToRaw, spkiAlgorithm } from '../../lib/attest/der.js';
import { loadSigningKey } from '../../lib/attest/node-keys.js';
import { parsePublicKeyPem } from '../../lib/attest/public-key.js';
import { decodeBase64, encodeBase64 } from '../../lib/wasm/base64.js';

const curves = { p256: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' } as const;

t.test('DER ECDSA signatures become the r ‖ s that node:crypto verifies as ieee-p1363', async (t) => {
  for (const [alg, namedCurve] of Object.entries(curves) as [keyof typeof curves, string][]) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    const hash = { p256: 'sha256', p384: 'sha384', p521: 'sha512' }[alg];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (msg) => {
        const raw = ecdsaDerToRaw(sign(hash, msg, { key: privateKey, dsaEncoding: 'der' }), EC_SIZE[alg]);
        return (
          raw !== null &&
          raw.length === 2 * EC_SIZE[alg] &&
          verify(hash, msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)
        );
      }),
      { numRuns: 40 },
    );
  }
  t.equal(ecdsaDerToRaw(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01), 32), null, 'a negative integer');
  t.equal(
    ecdsaDerToRaw(Uint8Array.of(0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01), 32),
    null,
    'a non-minimal integer',
  );
  t.equal(
    ecdsaDerToRaw(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00), 32),
    null,
    'trailing bytes',
  );
  t.equal(ecdsaDerToRaw(new Uint8Array(64), 32), null, 'raw bytes are not DER');
});

t.test('SPKI algorithms, canonical PEM and hint', async (t) => {
  const pairs = {
    ed25519: generateKeyPairSync('ed25519'),
    ...Object.fromEntries(Object.entries(curves).map(([a, c]) => [a, generateKeyPairSync('ec', { namedCurve: c })])),
  };
  for (const [alg, pair] of Object.entries(pairs)) {
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const info = await parsePublicKeyPem(`some text before\n${pem.replace(/\n/g, '\r\n')}trailing`);
    t.equal(info.algorithm, alg);
    t.equal(info.pem, pem, `${alg}: PEM re-written canonically`);
    t.equal(info.hint, createHash('sha256').update(pem).digest('hex'), `${alg}: hint = SHA-256 of the canonical PEM`);
    t.equal(spkiAlgorithm(new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }))), alg);
  }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
  await t.rejects(parsePublicKeyPem(rsa), { code: 'E_KEY', message: /neither an Ed25519 nor an ECDSA/ });
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
  await t.rejects(parsePublicKeyPem(k1), { code: 'E_KEY', message: /other than P-256/ });
  await t.rejects(parsePublicKeyPem('nothing here'), { code: 'E_KEY' });
  await t.rejects(parsePublicKeyPem(rsa + rsa), { code: 'E_KEY', message: /exactly one/ });
});

t.test('signing keys: errors never quote the key', async (t) => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const body = pem.split('\n')[1]!;
  const broken = pem.replace(body, body.slice(0, 30));
  const error = await loadSigningKey(broken).then(
    () => null,
    (e) => e,
  );
  t.match(error, { code: 'E_KEY' });
  t.notOk(
    `${error.message}${JSON.stringify(error)}${String(error.cause ?? '')}`.includes(body.slice(0, 20)),
    'no key text in the error',
  );
  const encrypted = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-123456' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  await t.rejects(loadSigningKey(encrypted), { code: 'E_KEY', message: /encrypted/ });
  const key = await loadSigningKey(pem);
  t.notMatch(
    JSON.stringify(key) + String(key),
    new RegExp(body.slice(0, 20).replace(/[+/]/g, '.')),
    'toJSON and toString carry the hint only',
  );
});

t.test('base64: standard and URL-safe, padded or not, as Buffer reads them', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const std = Buffer.from(bytes).toString('base64');
      const url = Buffer.from(bytes).toString('base64url');
      return (
        encodeBase64(bytes) === std &&
        Buffer.from(decodeBase64(std)).equals(Buffer.from(bytes)) &&
        Buffer.from(decodeBase64(url)).equals(Buffer.from(bytes))
      );
    }),
  );
  t.throws(() => decodeBase64('abcde'), /length/);
  t.throws(() => decodeBase64('ab=c'), /invalid/);
});
