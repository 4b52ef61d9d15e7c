// Issue 21, items 2 and 12, through the real CLI and the shared checks: `seal MODEL --model-sig …
// --out OUT` refuses, before sealing, an OUT that would overwrite a file of the model or that
// lies inside the audit directory; a model signature covering no file fails with reason
// `no files` (signing one is refused; a hand-made one fails verify-model, sealing and the page's
// shared check), and a signed model of empty files only seals nothing and says so.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFileList, checkModelSignature } from '../../lib/attest/model-check.js';
import { loadSigningKey, nodeCryptoVerifier, signPayload } from '../../lib/attest/node-keys.js';
import { modelStatement } from '../../lib/attest/model-statement.js';
import { openSignedModel } from '../../lib/attest/model-sign.js';
import { cliIn } from '../helpers/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-model-hard-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work);

t.before(() => {
  const r = cli(['keygen', '--out', join(work, 'p256'), '--alg', 'p256']);
  if (r.status !== 0) throw new Error(r.stderr);
});
const key = () => join(work, 'p256.key');
const pub = () => join(work, 'p256.pub');

/** A model signature (SPEC §5 OMS) over exactly `files` (name → SHA-256), made with our key. */
async function handMadeSignature(name: string, files: Map<string, string>): Promise<string> {
  const signer = await loadSigningKey(readFileSync(key(), 'utf8'));
  const payload = new TextEncoder().encode(JSON.stringify(await modelStatement({ name, files, ignorePaths: [] })));
  return JSON.stringify(signPayload(signer, payload));
}

t.test('seal MODEL --model-sig --out refuses an --out that overwrites a model file, before sealing', async (t) => {
  const model = join(work, 'm1');
  mkdirSync(model);
  writeFileSync(join(model, 'a'), randomBytes(5000));
  writeFileSync(join(model, 'a.seal.json'), 'signed model file, not a seal record');
  const signed = cli(['sign-model', model, '--key', key(), '--ignore-paths', join(model, 'model.sig')]);
  t.equal(signed.status, 0, signed.stderr);
  const audit = join(work, 'audit-1');
  const base = ['seal', model, '--simulate', '--model-sig', join(model, 'model.sig'), '--model-pubkey', pub()];
  const r = cli([...base, '--audit-dir', audit, '--out', model, '--json']);
  t.equal(r.status, 2, r.stderr);
  t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /a\.seal\.json would overwrite/ } });
  t.equal(readFileSync(join(model, 'a.seal.json'), 'utf8'), 'signed model file, not a seal record');
  t.notOk(readdirSync(work).includes('audit-1'), 'refused before the worker opened its audit log');

  const inside = cli([...base, '--audit-dir', audit, '--out', join(audit, 'seals'), '--json']);
  t.equal(inside.status, 2, inside.stderr);
  t.match(inside.json, { ok: false, error: { code: 'E_ARG', message: /inside the audit directory/ } });

  const elsewhere = cli([...base, '--audit-dir', audit, '--out', join(work, 'seals-1'), '--json']);
  t.equal(elsewhere.status, 0, elsewhere.stderr);
  t.equal(elsewhere.json.shards.length, 2);
});

t.test('a model signature covering no file fails with its reason: CLI, API and the shared check', async (t) => {
  const empty = join(work, 'empty-model');
  mkdirSync(empty);
  const sign = cli(['sign-model', empty, '--key', key(), '--json']);
  t.equal(sign.status, 2, 'signing nothing is refused');
  t.match(sign.json, { ok: false, error: { code: 'E_ARG', message: /no file to sign/ } });

  const onlyIgnored = join(work, 'only-ignored');
  mkdirSync(onlyIgnored);
  writeFileSync(join(onlyIgnored, 'notes.txt'), 'x');
  t.equal(cli(['sign-model', onlyIgnored, '--key', key(), '--ignore-paths', join(onlyIgnored, 'notes.txt')]).status, 2);

  // A signature of nothing made by hand (another tool could write one): it must not verify.
  const sig = join(work, 'empty.sig');
  writeFileSync(sig, await handMadeSignature('empty-model', new Map()));
  const verify = cli(['verify-model', empty, '--sig', sig, '--pubkey', pub(), '--json']);
  t.equal(verify.status, 1, verify.stderr);
  t.match(verify.json, {
    ok: false,
    error: { code: 'E_MODEL_MISMATCH', reason: 'no files', message: /vouches for nothing/ },
  });

  const seal = cli([
    'seal',
    empty,
    '--simulate',
    '--audit-dir',
    join(work, 'audit-2'),
    '--model-sig',
    sig,
    '--model-pubkey',
    pub(),
    '--out',
    join(work, 'seals-2'),
    '--json',
  ]);
  t.equal(seal.status, 1, seal.stderr);
  t.match(seal.json, { ok: false, error: { reason: 'no files' } });

  await t.rejects(
    openSignedModel(empty, { signature: readFileSync(sig, 'utf8'), publicKey: readFileSync(pub(), 'utf8') }),
    {
      code: 'E_MODEL_MISMATCH',
      reason: 'no files',
    },
  );
  // The page's check (browser-safe, the same function the offline verifier page runs).
  const { manifest } = await checkModelSignature(
    readFileSync(sig, 'utf8'),
    readFileSync(pub(), 'utf8'),
    nodeCryptoVerifier,
  );
  t.throws(() => checkFileList(manifest, [], 'not among the files chosen'), {
    name: 'ModelMismatchError',
    message: /lists no file/,
  });
});

t.test('a signed model of empty files only seals nothing: an error, not success with 0 shards', async (t) => {
  const model = join(work, 'empties');
  mkdirSync(model);
  writeFileSync(join(model, 'zero.bin'), '');
  t.equal(cli(['sign-model', model, '--key', key()]).status, 0);
  const r = cli([
    'seal',
    model,
    '--simulate',
    '--audit-dir',
    join(work, 'audit-3'),
    '--model-sig',
    join(model, 'model.sig'),
    '--model-pubkey',
    pub(),
    '--out',
    join(work, 'seals-3'),
    '--json',
  ]);
  t.equal(r.status, 2, r.stderr);
  t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /nothing to seal/ } });
});
