// OpenSSF model signatures (SPEC §5 OMS): sigstore/model-transparency's own signed test models
// (fixtures/model-transparency, see its README) verify here, tampered copies are refused with the
// right reason, and models signed here verify with an independent implementation of
// model_signing's verifier (test/helpers/independent-dsse.ts) and the other way round.
import t from 'tap';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashModelFiles, listModelFiles } from '../../lib/attest/model-files.js';
import { signModel, verifyModel } from '../../lib/attest/model-sign.js';
import { generateKeyPair, loadSigningKey } from '../../lib/attest/node-keys.js';
import { cpuEngine } from '../../lib/native/index.js';
import { indepHint, indepSignModel, indepVerifyModel } from '../helpers/independent-dsse.js';
import { sealFailure } from '../helpers/vectors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'model-transparency');
const theirPublic = readFileSync(join(fixtures, 'keys', 'signing-key-pub.pem'), 'utf8');
const theirPrivate = readFileSync(join(fixtures, 'keys', 'signing-key.pem'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'vrr-oms-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const sigOf = (dir: string) => readFileSync(join(dir, 'model.sig'), 'utf8');

// As their scripts/tests/test-verify-v*-elliptic-key.sh call `model_signing verify key`.
const theirModels = [
  { version: 'v0.3.1', model: 'signme-1', ignore: [] as string[], files: ['.'] },
  { version: 'v1.0.0', model: 'signme-1', ignore: [], files: ['.'] },
  { version: 'v1.0.1', model: '', ignore: ['ignore-me', 'model.sig'], files: ['signme-1', 'signme-2'] },
  { version: 'v1.1.0', model: '', ignore: ['ignore-me'], files: ['signme-1', 'signme-2'] },
];

for (const m of theirModels) {
  t.test(`model-transparency ${m.version}-elliptic-key`, async (t) => {
    const dir = join(work, m.version);
    cpSync(join(fixtures, `${m.version}-elliptic-key`), dir, { recursive: true });
    const modelPath = m.model ? join(dir, m.model) : dir;
    const signature = sigOf(dir);
    const opts = { signature, publicKey: theirPublic, ignorePaths: m.ignore };
    const ok = await verifyModel(modelPath, opts);
    t.same([...ok.manifest.files.keys()].sort(), m.files, 'verifies; the signed files');
    t.doesNotThrow(
      () => indepVerifyModel(modelPath, JSON.parse(signature), theirPublic, m.ignore),
      'the independent checker agrees',
    );

    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string;
    await t.rejects(
      verifyModel(modelPath, { ...opts, publicKey: other }),
      sealFailure('wrong key'),
      'another key: wrong key',
    );
    const bundle = JSON.parse(signature);
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 3]! ^= 0x10;
    bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    await t.rejects(
      verifyModel(modelPath, { ...opts, signature: bundle }),
      sealFailure('signature mismatch'),
      'flipped signature',
    );
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await t.rejects(
      verifyModel(modelPath, { ...opts, publicKey: ed }),
      { code: 'E_ARG', message: /Ed25519.*ECDSA only/ },
      'an Ed25519 key is a usage error that says why',
    );

    const target = m.model ? modelPath : join(dir, 'signme-1');
    appendFileSync(target, 'x');
    await t.rejects(
      verifyModel(modelPath, opts),
      sealFailure('digest mismatch', { code: 'E_DIGEST_MISMATCH', path: m.model ? '.' : 'signme-1' }),
      'a changed file',
    );
    if (!m.model) {
      writeFileSync(target, readFileSync(join(fixtures, `${m.version}-elliptic-key`, 'signme-1')));
      writeFileSync(join(dir, 'added.bin'), 'new');
      await t.rejects(
        verifyModel(modelPath, opts),
        sealFailure('unlisted file', { path: 'added.bin' }),
        'an added file',
      );
      unlinkSync(join(dir, 'added.bin'));
      unlinkSync(join(dir, 'signme-2'));
      await t.rejects(
        verifyModel(modelPath, opts),
        sealFailure('missing file', { path: 'signme-2' }),
        'a removed file',
      );
    }
  });
}

t.test('a certificate-signed model.sig is refused with a reason, not mistaken for a key-signed one', async (t) => {
  const dir = join(fixtures, 'v1.1.0-certificate');
  await t.rejects(
    verifyModel(dir, { signature: sigOf(dir), publicKey: theirPublic, ignorePaths: ['ignore-me', 'model.sig'] }),
    { reason: 'malformed', message: /certificate/ },
  );
});

function makeModel(root: string): string {
  const dir = join(root, 'tiny-llm');
  mkdirSync(join(dir, 'shards', 'a'), { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{"layers":2}\n');
  writeFileSync(join(dir, 'shards', 'a', 'w-0.bin'), Buffer.alloc(300000, 7));
  writeFileSync(join(dir, 'shards', 'w-1.bin'), Buffer.alloc(70000, 9));
  writeFileSync(join(dir, 'shards-index.txt'), 'w-0\nw-1\n');
  writeFileSync(join(dir, 'empty'), '');
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(dir, 'NOTES.md'), 'not signed');
  return dir;
}

for (const alg of ['p256', 'p384', 'p521'] as const) {
  t.test(`${alg}: signed here, verified by the independent checker, and back`, async (t) => {
    const root = mkdtempSync(join(work, `${alg}-`));
    const dir = makeModel(root);
    const ours = generateKeyPair(alg);
    const { bundle, manifest } = await signModel(dir, await loadSigningKey(ours.privatePem), {
      ignorePaths: ['NOTES.md', 'model.sig'],
    });
    t.same(
      [...manifest.files.keys()],
      ['config.json', 'empty', 'shards/a/w-0.bin', 'shards/w-1.bin', 'shards-index.txt'],
      'every file but git, ignored and the signature, in path order',
    );
    t.equal(bundle.verificationMaterial.publicKey.hint, indepHint(ours.publicPem), 'hint as model_signing computes it');
    writeFileSync(join(dir, 'model.sig'), JSON.stringify(bundle));
    t.doesNotThrow(
      () => indepVerifyModel(dir, bundle, ours.publicPem, []),
      'ours verifies with the independent model_signing verifier (ignore paths from the signature)',
    );
    await verifyModel(dir, { signature: bundle, publicKey: ours.publicPem });

    const theirs = generateKeyPairSync('ec', {
      namedCurve: { p256: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' }[alg],
    });
    const theirPem = theirs.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const theirPub = theirs.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const theirBundle = indepSignModel(dir, theirPem, ['NOTES.md', 'model.sig']);
    const checked = await verifyModel(dir, { signature: JSON.stringify(theirBundle, null, 2), publicKey: theirPub });
    t.equal(checked.manifest.files.size, 5, 'theirs verifies here');
    writeFileSync(join(dir, 'shards', 'a', 'w-0.bin'), Buffer.alloc(300000, 8));
    await t.rejects(
      verifyModel(dir, { signature: theirBundle, publicKey: theirPub }),
      sealFailure('digest mismatch', { path: 'shards/a/w-0.bin' }),
      'a changed file, named',
    );
    t.throws(
      () => indepVerifyModel(dir, bundle, ours.publicPem, []),
      /digest mismatch/,
      'the independent checker agrees',
    );
  });
}

t.test('their key pair (SEC1 PEM) signs here; single files; symlinks', async (t) => {
  const root = mkdtempSync(join(work, 'their-key-'));
  const file = join(root, 'model.safetensors');
  writeFileSync(file, Buffer.alloc(5000, 1));
  const { bundle, manifest } = await signModel(file, await loadSigningKey(theirPrivate));
  t.same([...manifest.files.keys()], ['.'], 'a single file is the resource "."');
  t.equal(
    bundle.verificationMaterial.publicKey.hint,
    'e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e',
    'the hint their v1.1.0 signature carries',
  );
  t.doesNotThrow(() => indepVerifyModel(file, bundle, theirPublic, []), 'independent checker');
  await t.rejects(
    signModel(file, await loadSigningKey(generateKeyPair('ed25519').privatePem)),
    { code: 'E_ARG', message: /Ed25519/ },
    'Ed25519 cannot sign models',
  );

  const dir = makeModel(root);
  symlinkSync(join(dir, 'config.json'), join(dir, 'link.json'));
  await t.rejects(
    listModelFiles(dir),
    { path: 'link.json', reason: 'unlisted file', message: /symbolic link/ },
    'a symlink is refused when verifying',
  );
  await t.rejects(
    signModel(dir, await loadSigningKey(theirPrivate)),
    { code: 'E_ARG', message: /link\.json is a symbolic link.*ignorePaths/ },
    'and is a usage error when signing',
  );
  t.equal(
    (await signModel(dir, await loadSigningKey(theirPrivate), { ignorePaths: ['link.json'] })).manifest.files.has(
      'link.json',
    ),
    false,
    'unless ignored',
  );
});

t.test('native file SHA-256 matches node:crypto, many files at once', async (t) => {
  const root = mkdtempSync(join(work, 'hash-'));
  const files = [0, 1, 63, 64, 65, 4 << 20, (4 << 20) + 3, 9_000_001].map((size, i) => {
    const path = join(root, `f${i}`);
    const bytes = Buffer.alloc(size);
    for (let j = 0; j < size; j += 4093) bytes[j] = (j * 31 + i) & 255;
    writeFileSync(path, bytes);
    return { name: `f${i}`, path, size, sha: createHash('sha256').update(bytes).digest('hex') };
  });
  for (const f of files.slice(0, 3))
    t.equal(
      Buffer.from((await cpuEngine.sha256File(f.path)).sha256).toString('hex'),
      f.sha,
      `sha256File ${f.size} bytes`,
    );
  const seen: number[] = [];
  const digests = await hashModelFiles(files, { threads: 3, onProgress: (p) => seen.push(p.files) });
  for (const f of files) t.equal(digests.get(f.name), f.sha, `${f.size} bytes`);
  t.same(
    seen,
    files.map((_, i) => i + 1),
    'progress once per file',
  );
});
