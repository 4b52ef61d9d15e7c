// The attestation commands as a user meets them (real child processes of dist/cli/main.js):
// keygen, seal --sign-key, verify --bundle, sign-model, verify-model; exit 0 / 1 (with the
// reason) / 2 (usage), one JSON document with --json, private keys never echoed.
import t from 'tap';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryAuditLogAll } from '../../lib/audit/index.js';
import { indepVerifyModel, indepVerifySeal } from '../helpers/independent-dsse.js';
import { spawnSync } from 'node:child_process';
import { CLI, cliIn } from '../helpers/run-cli.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'model-transparency');
const work = mkdtempSync(join(tmpdir(), 'vrr-attest-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work);

const keyBody = (pem: string) =>
  pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join('');

t.test('keygen', async (t) => {
  for (const alg of ['ed25519', 'p256', 'p384', 'p521']) {
    const r = cli(['keygen', '--out', join(work, alg), '--alg', alg, '--json']);
    t.equal(r.status, 0, `${alg}: status 0`);
    t.match(r.json, { ok: true, algorithm: alg, hint: /^[0-9a-f]{64}$/ });
    t.equal(statSync(join(work, `${alg}.key`)).mode & 0o777, 0o600, 'private key mode 0600');
    const priv = readFileSync(join(work, `${alg}.key`), 'utf8');
    t.match(priv, /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8 PEM');
    t.match(readFileSync(join(work, `${alg}.pub`), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/, 'SPKI PEM');
    t.notOk((r.stdout + r.stderr).includes(keyBody(priv).slice(0, 24)), 'the private key is not printed');
  }
  const again = cli(['keygen', '--out', join(work, 'ed25519')]);
  t.equal(again.status, 2, 'refuses to overwrite');
  t.match(again.stderr, /already exists/);
  t.equal(cli(['keygen', '--out', join(work, 'x'), '--alg', 'rsa']).status, 2, 'unknown algorithm');
  t.equal(cli(['keygen']).status, 2, '--out is required');
});

t.test('seal --sign-key, verify --bundle without the token', async (t) => {
  const model = join(work, 'shard.bin');
  writeFileSync(model, randomBytes(300_000));
  const sealed = cli([
    'seal',
    model,
    '--simulate',
    '--audit-dir',
    join(work, 'audit'),
    '--sign-key',
    join(work, 'ed25519.key'),
    '--bundle-out',
    join(work, 'shard.bundle.json'),
    '--json',
  ]);
  t.equal(sealed.status, 0, sealed.stderr);
  t.equal(sealed.json.shards[0].bundle, join(work, 'shard.bundle.json'));
  const bundle = JSON.parse(readFileSync(join(work, 'shard.bundle.json'), 'utf8'));
  t.same(
    indepVerifySeal(bundle, readFileSync(join(work, 'ed25519.pub'), 'utf8'), readFileSync(model)),
    JSON.parse(readFileSync(`${model}.seal.json`, 'utf8')),
    'the bundle carries the seal record unchanged; independent checker',
  );
  for (const engine of ['wasm', 'native', 'node']) {
    const ok = cli(
      [
        'verify',
        model,
        '--bundle',
        join(work, 'shard.bundle.json'),
        '--pubkey',
        join(work, 'ed25519.pub'),
        '--engine',
        engine,
        '--json',
      ],
      { VRAM_RESIDENCY_TOKEN: '' },
    );
    t.equal(ok.status, 0, `verify --bundle with ${engine}, no token`);
    t.match(ok.json, { ok: true, shardId: /^shard-/, engine });
  }
  const wrong = cli([
    'verify',
    model,
    '--bundle',
    join(work, 'shard.bundle.json'),
    '--pubkey',
    join(work, 'p256.pub'),
    '--json',
  ]);
  t.equal(wrong.status, 1);
  t.match(wrong.json, { ok: false, error: { code: 'E_WRONG_KEY', reason: 'wrong key' } });
  const tampered = join(work, 'tampered.bin');
  const bytes = readFileSync(model);
  bytes[1000]! ^= 1;
  writeFileSync(tampered, bytes);
  const bad = cli([
    'verify',
    tampered,
    '--bundle',
    join(work, 'shard.bundle.json'),
    '--pubkey',
    join(work, 'ed25519.pub'),
  ]);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /reason: digest mismatch/);
  const flipped = structuredClone(bundle);
  flipped.dsseEnvelope.signatures[0].sig = 'A' + flipped.dsseEnvelope.signatures[0].sig.slice(1);
  writeFileSync(join(work, 'flipped.json'), JSON.stringify(flipped));
  t.match(
    cli(['verify', model, '--bundle', join(work, 'flipped.json'), '--pubkey', join(work, 'ed25519.pub'), '--json'])
      .json,
    { error: { code: 'E_SIGNATURE_MISMATCH', reason: 'signature mismatch' } },
  );
  writeFileSync(join(work, 'junk.json'), '{"mediaType":1}');
  const junk = cli([
    'verify',
    model,
    '--bundle',
    join(work, 'junk.json'),
    '--pubkey',
    join(work, 'ed25519.pub'),
    '--json',
  ]);
  t.equal(junk.status, 1);
  t.match(junk.json, { error: { reason: 'malformed' } });
  t.equal(cli(['verify', model, '--bundle', join(work, 'shard.bundle.json')]).status, 2, '--pubkey missing');
  t.equal(
    cli([
      'verify',
      model,
      '--bundle',
      join(work, 'shard.bundle.json'),
      '--seal',
      `${model}.seal.json`,
      '--pubkey',
      join(work, 'ed25519.pub'),
    ]).status,
    2,
    'both --seal and --bundle',
  );
  const notKey = cli([
    'verify',
    model,
    '--bundle',
    join(work, 'shard.bundle.json'),
    '--pubkey',
    join(work, 'ed25519.key'),
    '--json',
  ]);
  t.equal(notKey.status, 2, 'a private key given as --pubkey');
  t.match(notKey.json, { error: { code: 'E_KEY', message: /private key/ } });
  t.notOk(
    notKey.stdout.includes(keyBody(readFileSync(join(work, 'ed25519.key'), 'utf8')).slice(0, 24)),
    'and it is not echoed',
  );
  writeFileSync(
    join(work, 'broken.key'),
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8Q\n-----END PRIVATE KEY-----\n',
  );
  const broken = cli([
    'seal',
    model,
    '--simulate',
    '--audit-dir',
    join(work, 'audit'),
    '--sign-key',
    join(work, 'broken.key'),
    '--json',
  ]);
  t.equal(broken.status, 2, 'a broken signing key is a usage error');
  t.notOk(broken.stdout.includes('MC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8Q'), 'its text is not echoed');
});

t.test('sign-model and verify-model', async (t) => {
  const theirPub = join(fixtures, 'keys', 'signing-key-pub.pem');
  const v110 = join(work, 'v1.1.0-elliptic-key');
  cpSync(join(fixtures, 'v1.1.0-elliptic-key'), v110, { recursive: true });
  const ok = cli([
    'verify-model',
    v110,
    '--sig',
    join(v110, 'model.sig'),
    '--pubkey',
    theirPub,
    '--ignore-paths',
    join(v110, 'ignore-me'),
    '--json',
  ]);
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.json, { ok: true, files: 2, name: 'v1.1.0-elliptic-key' });
  const single = join(work, 'v0.3.1');
  cpSync(join(fixtures, 'v0.3.1-elliptic-key'), single, { recursive: true });
  t.equal(
    cli(['verify-model', join(single, 'signme-1'), '--sig', join(single, 'model.sig'), '--pubkey', theirPub]).status,
    0,
    'a single file signed alone',
  );

  const model = join(work, 'my-model');
  mkdirSync(join(model, 'sub'), { recursive: true });
  writeFileSync(join(model, 'weights.bin'), randomBytes(200_000));
  writeFileSync(join(model, 'sub', 'tokenizer.json'), '{}');
  writeFileSync(join(model, 'README.md'), 'hello');
  const ed = cli(['sign-model', model, '--key', join(work, 'ed25519.key')]);
  t.equal(ed.status, 2, 'Ed25519 cannot sign models');
  t.match(ed.stderr, /Ed25519.*ECDSA only/);
  const signed = cli([
    'sign-model',
    model,
    '--key',
    join(work, 'p256.key'),
    '--ignore-paths',
    join(model, 'README.md'),
    '--json',
  ]);
  t.equal(signed.status, 0, signed.stderr);
  t.match(signed.json, { ok: true, signature: join(model, 'model.sig'), files: 2 });
  const sig = JSON.parse(readFileSync(join(model, 'model.sig'), 'utf8'));
  t.doesNotThrow(
    () => indepVerifyModel(model, sig, readFileSync(join(work, 'p256.pub'), 'utf8'), []),
    'the independent model_signing-style verifier accepts it',
  );
  const verified = cli(['verify-model', model, '--sig', join(model, 'model.sig'), '--pubkey', join(work, 'p256.pub')]);
  t.equal(verified.status, 0, verified.stderr);
  t.match(verified.stdout, /OK .*2 files,/);
  if (existsSync('/usr/bin/script')) {
    const onTty = spawnSync(
      '/usr/bin/script',
      [
        '-qec',
        `${process.execPath} ${CLI} verify-model ${model} --sig ${join(model, 'model.sig')} --pubkey ${join(work, 'p256.pub')}`,
        '/dev/null',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    ).stdout;
    t.match(onTty, /verify \[=+\] 100%/, 'a progress bar on a terminal');
  }
  t.equal(
    cli(['verify-model', model, '--sig', join(model, 'model.sig'), '--pubkey', join(work, 'p384.pub')]).status,
    1,
    'another key',
  );
  t.equal(
    cli(['verify-model', model, '--sig', join(model, 'model.sig'), '--pubkey', join(work, 'ed25519.pub')]).status,
    2,
    'an Ed25519 public key',
  );
  writeFileSync(join(model, 'sub', 'tokenizer.json'), '{"x":1}');
  const changed = cli([
    'verify-model',
    model,
    '--sig',
    join(model, 'model.sig'),
    '--pubkey',
    join(work, 'p256.pub'),
    '--json',
  ]);
  t.equal(changed.status, 1);
  t.match(
    changed.json,
    { ok: false, error: { reason: 'digest mismatch', message: /sub\/tokenizer\.json/ } },
    'names the file',
  );
  writeFileSync(join(model, 'sub', 'tokenizer.json'), '{}');
  writeFileSync(join(model, 'extra.txt'), 'x');
  const added = cli(['verify-model', model, '--sig', join(model, 'model.sig'), '--pubkey', join(work, 'p256.pub')]);
  t.equal(added.status, 1);
  t.match(added.stderr, /extra\.txt.*not in the signed manifest/);
  t.equal(
    cli(['verify-model', model, '--sig', join(work, 'nope.sig'), '--pubkey', join(work, 'p256.pub')]).status,
    2,
    'missing signature file',
  );
  t.equal(
    cli(['sign-model', model, '--key', join(work, 'p256.key'), '--ignore-paths', '/etc/passwd']).status,
    2,
    'ignore path outside the model',
  );
});

t.test('seal a signed model: one record and bundle per file; a changed file refuses the model', async (t) => {
  const model = join(work, 'signed-model');
  mkdirSync(join(model, 'sub'), { recursive: true });
  writeFileSync(join(model, 'weights-1.bin'), randomBytes(150_000));
  writeFileSync(join(model, 'sub', 'weights-2.bin'), randomBytes(90_000));
  t.equal(cli(['sign-model', model, '--key', join(work, 'p384.key')]).status, 0);
  const audit = join(work, 'audit-model');
  const args = [
    'seal',
    model,
    '--simulate',
    '--audit-dir',
    audit,
    '--model-sig',
    join(model, 'model.sig'),
    '--model-pubkey',
    join(work, 'p384.pub'),
  ];
  const ok = cli([...args, '--sign-key', join(work, 'ed25519.key'), '--out', join(work, 'seals'), '--json']);
  t.equal(ok.status, 0, ok.stderr);
  t.same(
    ok.json.shards.map((s: any) => [s.file, s.modelRef, s.shardIndex, s.shardCount]),
    [
      ['sub/weights-2.bin', 'signed-model/sub/weights-2.bin', 0, 2],
      ['weights-1.bin', 'signed-model/weights-1.bin', 1, 2],
    ],
  );
  const verified = cli([
    'verify',
    join(model, 'sub', 'weights-2.bin'),
    '--bundle',
    join(work, 'seals', 'sub', 'weights-2.bin.bundle.json'),
    '--pubkey',
    join(work, 'ed25519.pub'),
  ]);
  t.equal(verified.status, 0, 'the per-file bundle verifies the file without the token');
  t.ok(
    readFileSync(join(work, 'seals', 'weights-1.bin.seal.json'), 'utf8').includes(
      '"modelRef": "signed-model/weights-1.bin"',
    ),
  );

  const bytes = readFileSync(join(model, 'weights-1.bin'));
  bytes[5]! ^= 1;
  writeFileSync(join(model, 'weights-1.bin'), bytes);
  const bad = cli([...args, '--out', join(work, 'seals-2'), '--json']);
  t.equal(bad.status, 1);
  t.match(
    bad.json,
    { ok: false, error: { code: 'E_DIGEST_MISMATCH', reason: 'digest mismatch', message: /weights-1\.bin/ } },
    'exit 1 naming the file',
  );
  const critical = (await queryAuditLogAll(audit)).filter((r) => r.severity === 'critical');
  t.match(
    critical,
    [{ type: 'integrity.violation', data: { resource: 'signed-model/weights-1.bin' } }],
    'a critical record on disk',
  );
  t.equal(cli([...args]).status, 2, '--out is required');
  t.equal(
    cli([...args, '--out', join(work, 'x'), '--model-pubkey', join(work, 'ed25519.pub')]).status,
    2,
    'an Ed25519 publisher key',
  );
});
