// VramManager with attestations on the host-simulated device: a `signer` makes every seal carry a
// bundle the independent checker accepts; sealModel seals a model signed by the independent
// model_signing-style signer, and refuses (nothing allocated, a critical record on disk, the file
// named) a changed, added or removed file, another key, or a flipped signature.
import t from 'tap';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll } from '../../lib/audit/index.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { indepSignModel, indepVerifySeal } from '../helpers/independent-dsse.js';
import { sealFailure, type FailureDetails } from '../helpers/vectors.js';

const TOKEN = 'test-worker-token-0123456789abcdef';
const LEAF = 4096;
const work = mkdtempSync(join(tmpdir(), 'vrr-attest-manager-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

async function openManager(extra: Partial<Parameters<typeof VramManager.open>[0]> = {}) {
  const dir = join(work, `run-${n++}`);
  mkdirSync(dir);
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await VramManager.open({
    token: TOKEN,
    workerId: 'worker-1',
    audit,
    backend: 'host-sim',
    policy: { allowSimulatedDevice: true },
    leafSize: LEAF,
    simulatedCapacityBytes: 1 << 22,
    ...extra,
  });
  return { dir, audit, manager };
}

const pem = (k: { export(o: object): string | Buffer }, type: 'pkcs8' | 'spki') =>
  k.export({ type, format: 'pem' }) as string;

t.test('a signer makes every seal carry its attestation', async (t) => {
  const ed = generateKeyPairSync('ed25519');
  const { dir, audit, manager } = await openManager({ signer: pem(ed.privateKey, 'pkcs8') });
  const bytes = randomBytes(3 * LEAF + 17);
  const file = join(dir, 'shard.bin');
  writeFileSync(file, bytes);
  const shard = await manager.sealFile(file, { modelRef: 'm/shard-0' });
  t.ok(shard.signed);
  const bundle = JSON.parse(shard.bundleJson());
  t.same(
    indepVerifySeal(bundle, pem(ed.publicKey, 'spki'), bytes),
    shard.toRecord(),
    'the independent checker accepts it; the predicate is the seal record',
  );
  t.equal(
    shard.toRecord().contentSha256,
    createHash('sha256').update(bytes).digest('hex'),
    'contentSha256 computed for the attestation',
  );
  const fromBytes = await manager.sealBytes(bytes);
  t.doesNotThrow(
    () => indepVerifySeal(JSON.parse(fromBytes.bundleJson()), pem(ed.publicKey, 'spki'), bytes),
    'sealBytes too',
  );
  t.notMatch(
    JSON.stringify(manager) + String(manager) + JSON.stringify(shard),
    /PRIVATE KEY/,
    'the key is nowhere in JSON or text',
  );
  await manager.close();
  await audit.close();

  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const second = await openManager({ signer: p384.privateKey });
  const s2 = await second.manager.sealBytes(bytes);
  t.doesNotThrow(
    () => indepVerifySeal(JSON.parse(s2.bundleJson()), pem(p384.publicKey, 'spki'), bytes),
    'a KeyObject (P-384) signer',
  );
  await second.manager.close();
  await second.audit.close();

  const plain = await openManager();
  const s3 = await plain.manager.sealBytes(bytes);
  t.throws(() => s3.bundleJson(), { code: 'E_ARG', message: /signer/ }, 'no signer, no bundle');
  await plain.manager.close();
  await plain.audit.close();
  await t.rejects(openManager({ signer: 'not a key' }), { code: 'E_KEY' }, 'a bad signer key fails open');
});

function makeModel(root: string): string {
  const dir = join(root, 'tiny');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'a.bin'), randomBytes(2 * LEAF + 5));
  writeFileSync(join(dir, 'sub', 'b.bin'), randomBytes(LEAF));
  writeFileSync(join(dir, 'config.json'), '{"x":1}');
  writeFileSync(join(dir, 'empty.txt'), '');
  return dir;
}

async function critical(dir: string) {
  return (await queryAuditLogAll(join(dir, 'audit'))).filter((r) => r.severity === 'critical');
}

t.test('sealModel: a model signed by the independent signer', async (t) => {
  const publisher = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const worker = generateKeyPairSync('ed25519');
  const { dir, audit, manager } = await openManager({ signer: worker.privateKey });
  const model = makeModel(dir);
  const signature = indepSignModel(model, pem(publisher.privateKey, 'pkcs8'), ['model.sig']);
  writeFileSync(join(model, 'model.sig'), JSON.stringify(signature));
  const publicKey = pem(publisher.publicKey, 'spki');
  const sealed = await manager.sealModel(model, { signature, publicKey });
  t.same(sealed.files, ['a.bin', 'config.json', 'sub/b.bin'], 'every non-empty listed file, in path order');
  t.same(sealed.empty, ['empty.txt'], 'the empty file was checked, not sealed');
  t.same(
    sealed.shards.map((s) => s.modelRef),
    ['tiny/a.bin', 'tiny/config.json', 'tiny/sub/b.bin'],
  );
  t.same(
    sealed.shards.map((s) => s.toRecord().shardIndex),
    [0, 1, 2],
  );
  for (const [i, shard] of sealed.shards.entries()) {
    const bytes = readFileSync(join(model, sealed.files[i]!));
    t.equal(
      shard.toRecord().contentSha256,
      createHash('sha256').update(bytes).digest('hex'),
      `${sealed.files[i]}: device-side SHA-256 is the signed one`,
    );
    t.doesNotThrow(
      () => indepVerifySeal(JSON.parse(shard.bundleJson()), pem(worker.publicKey, 'spki'), bytes),
      `${sealed.files[i]}: attested`,
    );
  }
  for (const shard of sealed.shards) await manager.release(shard);
  t.equal(manager.capacity().used, 0);

  const refuse = async (what: string, opts: object, expect: FailureDetails & { reason: string }) => {
    const { reason, ...details } = expect;
    await t.rejects(manager.sealModel(model, { signature, publicKey, ...opts }), sealFailure(reason, details), what);
    t.equal(manager.capacity().used, 0, `${what}: nothing stays allocated`);
    t.same(manager.shards(), [], `${what}: no shard left`);
  };
  const other = pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, 'spki');
  await refuse('another key', { publicKey: other }, { reason: 'wrong key' });
  const flipped = structuredClone(signature);
  const sig = Buffer.from(flipped.dsseEnvelope.signatures[0].sig, 'base64');
  sig[10]! ^= 1;
  flipped.dsseEnvelope.signatures[0].sig = sig.toString('base64');
  await refuse('a flipped signature', { signature: flipped }, { reason: 'signature mismatch' });
  writeFileSync(join(model, 'sub', 'new.bin'), 'unsigned');
  await refuse('an unsigned file', {}, { reason: 'unlisted file', path: 'sub/new.bin' });
  unlinkSync(join(model, 'sub', 'new.bin'));
  const b = readFileSync(join(model, 'sub', 'b.bin'));
  unlinkSync(join(model, 'sub', 'b.bin'));
  await refuse('a removed file', {}, { reason: 'missing file', path: 'sub/b.bin' });
  b[100]! ^= 0x20;
  writeFileSync(join(model, 'sub', 'b.bin'), b); // the last file: a.bin and config.json are sealed first, then released
  await refuse(
    'a changed file',
    {},
    {
      reason: 'digest mismatch',
      code: 'E_DIGEST_MISMATCH',
      path: 'sub/b.bin',
      message: /sub\/b\.bin.*nothing of the model stays allocated/,
    },
  );
  const records = await critical(dir);
  t.same(
    records.map((r) => r.type),
    Array(5).fill('integrity.violation'),
    'one critical record per refusal, on disk',
  );
  t.match(records.at(-1)!.data, {
    resource: 'tiny/sub/b.bin',
    expected_digest: /^[0-9a-f]{64}$/,
    actual_digest: createHash('sha256').update(b).digest('hex'),
  });
  const types = (await queryAuditLogAll(join(dir, 'audit'))).map((r) => r.type);
  t.equal(
    types.filter((x) => x === 'vram.sealed').length,
    3 + 2,
    'the first seal, then the two files before the changed one',
  );
  t.equal(
    types.filter((x) => x === 'vram.deallocated').length,
    3 + 3,
    'and all of them released (the changed one was never sealed)',
  );
  await manager.close();
  await audit.close();
});

t.test('sealModel with a signal: an abort midway releases the model and rejects with E_ABORTED', async (t) => {
  const publisher = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const { dir, audit, manager } = await openManager();
  const model = makeModel(dir);
  const signature = indepSignModel(model, pem(publisher.privateKey, 'pkcs8'), []);
  const publicKey = pem(publisher.publicKey, 'spki');
  const controller = new AbortController();
  const files: number[] = [];
  const err = await manager
    .sealModel(model, {
      signature,
      publicKey,
      signal: controller.signal,
      onProgress: (p) => {
        files.push(p.fileIndex);
        if (p.fileIndex === 1) controller.abort(new Error('shutting down'));
      },
    })
    .then(
      () => null,
      (e: unknown) => e,
    );
  t.match(
    err,
    {
      name: 'AbortError',
      code: 'E_ABORTED',
      message: /model tiny was aborted by the caller at config\.json; nothing of the model stays allocated/,
    },
    'the second file (config.json) was aborted',
  );
  t.equal(
    ((err as Error | null)?.cause as Error | undefined)?.message,
    'shutting down',
    'the signal reason is the cause',
  );
  t.ok(Math.max(...files) === 1, 'the third file was never started');
  t.equal(manager.capacity().used, 0, 'nothing stays allocated');
  t.same(manager.shards(), [], 'the first file’s shard was released');
  await audit.flush();
  const vram = (await queryAuditLogAll(join(dir, 'audit'), { types: ['vram.*'] })).map((r) => r.type);
  t.same(
    [
      vram.filter((x) => x === 'vram.allocated').length,
      vram.filter((x) => x === 'vram.sealed').length,
      vram.filter((x) => x === 'vram.deallocated').length,
    ],
    [2, 1, 2],
    'a.bin sealed, config.json allocated and aborted, both freed',
  );
  const aborted = await queryAuditLogAll(join(dir, 'audit'), { types: ['vram.deallocated'] });
  t.ok(
    aborted.some((r) => r.data.reason === 'seal aborted by the caller'),
    'the aborted seal is audited as such',
  );
  t.same(await critical(dir), [], 'an abort is not an integrity finding');

  await t.rejects(
    manager.sealModel(model, { signature, publicKey, signal: AbortSignal.abort() }),
    { code: 'E_ABORTED' },
    'an aborted signal seals nothing',
  );
  await t.rejects(
    manager.sealModel(model, { signature, publicKey, signal: {} as AbortSignal }),
    { code: 'E_ARG' },
    'a non-signal is a usage error',
  );
  t.equal(manager.capacity().used, 0);
  const sealed = await manager.sealModel(model, { signature, publicKey, signal: new AbortController().signal });
  t.equal(sealed.shards.length, 3, 'a signal that never fires changes nothing');
  await manager.close();
  await audit.close();
});
