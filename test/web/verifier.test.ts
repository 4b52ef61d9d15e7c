// The offline verifier page as an auditor meets it: written by the real CLI, opened from disk
// (file://) in headless Chromium, files chosen through its inputs, verdicts read from #result.
// Records are checked against independent data: the shared SPEC vectors, and a multi-job file
// whose digests come from the node:crypto oracle. Screenshots of every verdict are kept under
// test/web/artifacts/ (git-ignored) for a person to look at.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { loadSigningKey } from '../../dist/attest/node-keys.js';
import { signSealRecord } from '../../dist/attest/seal-node.js';
import { loadWasm } from '../../dist/wasm/index.js';
import { indepSignModel } from '../helpers/independent-dsse.js';
import { hex, oracleMth, sha256 } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';
import { patternBytes, readVectorJson, repoRoot, vectorSources } from '../helpers/vectors.js';
import { CHROMIUM, NO_CHROMIUM, screenshot, startSession, verdict, type Session } from './driver.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-web-'));
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
};
const [source] = vectorSources().filter((s) => !s.skip);
const seal = readVectorJson(source!, 'seal.json');
const attest = readVectorJson(source!, 'attest.json');

// A file of eleven 8 MiB jobs with a short last leaf, so the workers' leaf ranges really are
// combined, and more jobs than the tree workers may read ahead of the SHA-256 worker (8).
const TOKEN = 'auditor-test-token-0123456789';
const BIG_SIZE = 11 * 8 * 1024 * 1024 + 12_345;
const big = randomBytes(BIG_SIZE, 20261130);

async function sealRecordFor(bytes: Uint8Array, token: string): Promise<Record<string, unknown>> {
  const fields = {
    shardId: 'shard-00112233445566778899aabbccddeeff',
    digestAlg: 'mth-sha256',
    leafSize: 65536,
    size: bytes.length,
    digest: hex(oracleMth(bytes, 65536)),
    contentSha256: hex(sha256(bytes)),
    device: 0,
    deviceUuid: 'GPU-5e1f0c2a-7d3b-4c1e-9a8f-0b1c2d3e4f50',
    backend: 'cuda' as const,
    sealedAt: '2026-11-30T09:15:00.000Z',
    workerId: 'worker-7',
    modelRef: 'llama-3-8b/model-00001-of-00004.safetensors',
    shardIndex: 0,
    shardCount: 4,
  };
  const key = (await loadWasm()).sealKey(token);
  const kid = key.kid;
  const mac = key.mac({ ...fields, kid });
  key.dispose();
  return { format: 'vram-residency.seal.v1', ...fields, kid, mac };
}

const cli = spawnSync(
  process.execPath,
  [join(repoRoot, 'dist', 'cli', 'main.js'), 'verifier', '--out', join(work, 'verifier.html'), '--json'],
  { encoding: 'utf8' },
);
const pageUrl = pathToFileURL(join(work, 'verifier.html')).href;

interface SealCase {
  models: string[];
  /** A directory chosen with the directory input (model.sig). */
  dir?: string;
  record: string;
  token?: string;
  publicKey?: string;
  workers?: number;
}

/** Chooses the seal file and waits until the form has adapted to it; returns the form's mode. */
async function chooseSeal(page: Page, record: string): Promise<string> {
  await page.setInputFiles('#record-file', record);
  await page.waitForFunction(
    (name) => document.querySelector<HTMLElement>('#seal-form')?.dataset.modeOf === name,
    basename(record),
  );
  return (await page.getAttribute('#seal-form', 'data-mode')) ?? '';
}

async function verifySeal(page: Page, c: SealCase) {
  const mode = await chooseSeal(page, c.record);
  // One model input: files, or (for a model.sig) a whole directory after ticking the directory box.
  if (c.dir) {
    await page.check('#model-as-dir');
    await page.setInputFiles('#model-file', c.dir);
  } else {
    if (mode === 'model' || mode === 'unknown') await page.uncheck('#model-as-dir');
    await page.setInputFiles('#model-file', c.models);
  }
  if (mode !== 'record') await page.setInputFiles('#pubkey-file', c.publicKey ?? []);
  if (mode === 'record' || mode === 'unknown') await page.fill('#token', c.token ?? '');
  if (c.workers) {
    await page.click('summary');
    await page.fill('#workers', String(c.workers));
  }
  await page.click('#verify');
  const v = await verdict(page, '#result');
  const checks = await page.$$eval('#checks li', (items) =>
    Object.fromEntries(items.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.status])),
  );
  return { ...v, checks };
}

t.test('the verifier page in headless Chromium', { skip: CHROMIUM ? false : NO_CHROMIUM }, async (t) => {
  t.equal(cli.status, 0, `verifier --out writes the page: ${cli.stderr}`);
  const written = JSON.parse(cli.stdout);
  t.match(written, { ok: true, bytes: Number, sha256: /^[0-9a-f]{64}$/ });

  const bigPath = file('model-00001.safetensors', big);
  const bigRecord = file('model-00001.seal.json', JSON.stringify(await sealRecordFor(big, TOKEN)));
  const flipped = Uint8Array.from(big);
  flipped[9 * 8 * 1024 * 1024 + 777]! ^= 0x10; // inside the tenth job
  const flippedPath = file('flipped.safetensors', flipped);
  const vectorData = file('vector.bin', patternBytes(seal.good[0].dataSize));

  const session: Session = await startSession();
  t.teardown(() => session.close());

  t.test('nothing the page does could leave it unnoticed: a worker request is seen and blocked', async (t) => {
    // Control for the no-request assertion below: proves the observer sees requests made from
    // Blob-URL workers in this Chromium, and that they are aborted.
    const control = file(
      'control.html',
      `<!doctype html><meta charset="utf-8"><script>
      const w = new Worker(URL.createObjectURL(new Blob(["fetch('http://canary.invalid/from-worker').catch(() => postMessage('blocked'))"])));
      w.onmessage = (e) => { document.documentElement.dataset.ready = 'true'; document.title = e.data; };
    </script>`,
    );
    const before = session.requests.length;
    const page = await session.open(pathToFileURL(control).href);
    t.equal(await page.title(), 'blocked');
    t.ok(
      session.requests.slice(before).includes('http://canary.invalid/from-worker'),
      'the worker request was observed',
    );
    await page.close();
    session.problems.length = 0; // the blocked canary logs a console error by design
  });

  t.test('a good record with its token verifies, with several workers', async (t) => {
    const page = await session.open(pageUrl);
    const r = await verifySeal(page, { models: [bigPath], record: bigRecord, token: TOKEN });
    await screenshot(page, 'verdict-verified');
    t.equal(r.status, 'ok', r.text);
    t.equal(r.headline, 'Verified');
    t.same(r.caveats, [], 'a cuda seal has no caveats');
    t.match(r.text, /model-00001\.safetensors is the file sealed as shard-00112233445566778899aabbccddeeff/);
    t.same(r.checks, { shape: 'pass', key: 'pass', mac: 'pass', size: 'pass', digest: 'pass', content: 'pass' });
    t.match(
      await page.textContent('#progress-text'),
      /88\.0 MiB of 88\.0 MiB · [\d.]+ [KMG]iB\/s · tree 100 %, SHA-256 100 %/,
    );
    t.match(await page.textContent('#scope'), /does not show that the bytes are in GPU memory now/);
    await page.close();
  });

  t.test('one worker gives the same verdict', async (t) => {
    const page = await session.open(pageUrl);
    const r = await verifySeal(page, { models: [bigPath], record: bigRecord, token: TOKEN, workers: 1 });
    t.equal(r.status, 'ok', r.text);
    await page.close();
  });

  t.test('SPEC vectors: a cuda record with contentSha256 and a host-sim record without one', async (t) => {
    const page = await session.open(pageUrl);
    const r0 = await verifySeal(page, {
      models: [vectorData],
      record: file('good0.json', JSON.stringify(seal.good[0].record)),
      token: seal.token,
    });
    t.equal(r0.status, 'ok', r0.text);
    const r1 = await verifySeal(page, {
      models: [vectorData],
      record: file('good1.json', JSON.stringify(seal.good[1].record)),
      token: seal.token,
    });
    t.equal(r1.status, 'caveats', `a host-sim seal is verified with caveats: ${r1.text}`);
    t.equal(r1.headline, 'Verified with caveats');
    t.match(r1.caveats, [/simulated device \(host-sim\).*never VRAM/]);
    t.ok(
      r1.text.indexOf('simulated device') < r1.text.indexOf('is the file sealed'),
      'the caveat comes before the details',
    );
    t.equal(r1.checks.content, 'skip', 'no contentSha256: the plain SHA-256 is reported as not checked');
    t.match(await page.textContent('#checks'), /the record has no contentSha256/);
    await screenshot(page, 'verdict-caveats-host-sim');
    await page.close();
  });

  t.test('a flipped bit is refused as a digest mismatch', async (t) => {
    const page = await session.open(pageUrl);
    const r = await verifySeal(page, { models: [flippedPath], record: bigRecord, token: TOKEN });
    await screenshot(page, 'verdict-failed-bit-flip');
    t.equal(r.status, 'failed');
    t.equal(r.reason, 'digest mismatch');
    t.match(r.text, /digest mismatch: expected mth-sha256 [0-9a-f]{64}, the data gives [0-9a-f]{64}/);
    t.same(r.checks, { shape: 'pass', key: 'pass', mac: 'pass', size: 'pass', digest: 'fail', content: 'skip' });
    await page.close();
  });

  t.test('a wrong token is refused as a wrong key, before any hashing', async (t) => {
    const page = await session.open(pageUrl);
    const r = await verifySeal(page, { models: [bigPath], record: bigRecord, token: seal.wrongToken.token });
    await screenshot(page, 'record-wrong-token');
    t.equal(r.status, 'failed');
    t.equal(r.reason, 'wrong key');
    t.match(
      r.text,
      /wrong key: the record was sealed under key [0-9a-f]{16}, the token given derives key [0-9a-f]{16}/,
    );
    t.same(r.checks, { shape: 'pass', key: 'fail', mac: 'skip', size: 'skip', digest: 'skip', content: 'skip' });
    t.ok(await page.isHidden('#progress-box'), 'nothing was hashed');
    await page.close();
  });

  t.test('seal bundles with a public key: good ones verify, a bit flip and another key are refused', async (t) => {
    const page = await session.open(pageUrl);
    const keyFile = (name: string) => file(`${name}.pub.pem`, attest.keys[name].public);
    // The 92 MB file, its record signed with the vector Ed25519 key: the parallel path under a bundle.
    const bigBundle = signSealRecord(
      (await sealRecordFor(big, TOKEN)) as any,
      await loadSigningKey(attest.keys.ed25519.private),
    );
    const bigBundlePath = file('model-00001.bundle.json', JSON.stringify(bigBundle));
    const ok = await verifySeal(page, { models: [bigPath], record: bigBundlePath, publicKey: keyFile('ed25519') });
    t.equal(ok.status, 'ok', ok.text);
    t.same(ok.checks, { shape: 'pass', key: 'pass', signature: 'pass', size: 'pass', digest: 'pass', content: 'pass' });
    t.match(
      await page.textContent('#scope'),
      /the signature over the seal statement under the public key in ed25519\.pub\.pem/,
    );

    for (const [i, good] of attest.good.entries()) {
      const r = await verifySeal(page, {
        models: [vectorData],
        record: file(`good-bundle${i}.json`, JSON.stringify(good.bundle)),
        publicKey: keyFile(good.publicKey),
      });
      t.equal(r.status, 'ok', `${good.note}: ${r.text}`);
    }

    const flip = await verifySeal(page, {
      models: [flippedPath],
      record: bigBundlePath,
      publicKey: keyFile('ed25519'),
    });
    await screenshot(page, 'bundle-bit-flip');
    t.match(flip, { status: 'failed', reason: 'digest mismatch' });
    t.same(flip.checks, {
      shape: 'pass',
      key: 'pass',
      signature: 'pass',
      size: 'pass',
      digest: 'fail',
      content: 'skip',
    });

    const other = await verifySeal(page, {
      models: [bigPath],
      record: bigBundlePath,
      publicKey: keyFile('ed25519-other'),
    });
    await screenshot(page, 'bundle-other-key');
    t.match(other, {
      status: 'failed',
      reason: 'wrong key',
      text: /wrong key: the bundle was signed by the key with hint [0-9a-f]{64}, the key given has hint [0-9a-f]{64}/,
    });
    t.same(other.checks, {
      shape: 'pass',
      key: 'fail',
      signature: 'skip',
      size: 'skip',
      digest: 'skip',
      content: 'skip',
    });
    t.ok(await page.isHidden('#progress-box'), 'nothing was hashed');

    for (const [i, bad] of attest.bad.entries()) {
      const r = await verifySeal(page, {
        models: [vectorData],
        record: file(`bad-bundle${i}.json`, JSON.stringify(bad.bundle)),
        publicKey: keyFile(bad.publicKey),
      });
      t.equal(r.reason, bad.expect, `${bad.what}: ${r.text}`);
    }

    const noKey = await verifySeal(page, { models: [bigPath], record: bigBundlePath });
    t.match(noKey, {
      status: 'cannot',
      headline: 'Cannot verify',
      reason: 'input',
      text: /choose its \.pub or \.pem file/,
    });
    const notAKey = await verifySeal(page, {
      models: [bigPath],
      record: bigBundlePath,
      publicKey: file('not-a-key.pem', 'hello'),
    });
    t.match(notAKey, { status: 'cannot', reason: 'input', text: /not-a-key\.pem is not a public key in PEM form/ });
    const privateKey = await verifySeal(page, {
      models: [bigPath],
      record: bigBundlePath,
      publicKey: file('worker-7.pem', attest.keys.ed25519.private),
    });
    t.match(privateKey, {
      status: 'cannot',
      reason: 'input',
      text: /worker-7\.pem is a private key\. Choose the matching public key/,
    });
    t.notMatch(privateKey.text, /PRIVATE KEY-----|MC4CAQ/, 'the private key is not shown');
    await page.close();
  });

  t.test('OpenSSF model signatures (model_signing test models) with the publisher key', async (t) => {
    const fixtures = join(repoRoot, 'test', 'attest', 'fixtures', 'model-transparency');
    const dir = join(fixtures, 'v1.1.0-elliptic-key');
    const pub = join(fixtures, 'keys', 'signing-key-pub.pem');
    const sig = join(dir, 'model.sig');
    const model = ['ignore-me', 'signme-1', 'signme-2'].map((n) => join(dir, n));
    const page = await session.open(pageUrl);
    // ignore-me is in the signature's ignore paths, model.sig is the signature itself: both left out.
    const ok = await verifySeal(page, { models: [...model, sig], record: sig, publicKey: pub });
    await screenshot(page, 'model-sig-ok');
    t.equal(ok.status, 'ok', ok.text);
    t.match(ok.text, /The 2 files of v1\.1\.0-elliptic-key are what the publisher signed/);
    t.same(ok.checks, {
      shape: 'pass',
      key: 'pass',
      signature: 'pass',
      files: 'pass',
      unlisted: 'pass',
      missing: 'pass',
      content: 'pass',
    });
    t.match(
      await page.textContent('#scope'),
      /the publisher's signature over the model's manifest under the public key in signing-key-pub\.pem/,
    );
    const asDir = await verifySeal(page, { models: [], dir, record: sig, publicKey: pub });
    t.equal(asDir.status, 'ok', `the whole directory chosen: ${asDir.text}`);
    // Every model_signing version's key-signed model: the files its signer covered (v1.0.1 ignored
    // ignore-me without recording it, so it is not chosen; single-file models sign resource ".").
    for (const [version, files] of [
      ['v0.3.1', ['signme-1']],
      ['v1.0.0', ['signme-1']],
      ['v1.0.1', ['signme-1', 'signme-2']],
    ] as const) {
      const d = join(fixtures, `${version}-elliptic-key`);
      const r = await verifySeal(page, {
        models: files.map((f) => join(d, f)),
        record: join(d, 'model.sig'),
        publicKey: pub,
      });
      t.equal(r.status, 'ok', `${version}: ${r.text}`);
    }
    const cert = join(fixtures, 'v1.1.0-certificate');
    const certified = await verifySeal(page, {
      models: [join(cert, 'signme-1'), join(cert, 'signme-2')],
      record: join(cert, 'model.sig'),
      publicKey: pub,
    });
    t.match(
      certified,
      { status: 'failed', reason: 'malformed', text: /certificate/ },
      'a certificate-signed model.sig is refused as such',
    );

    const changedDir = mkdtempSync(join(work, 'model-'));
    const changed = join(changedDir, 'signme-2');
    writeFileSync(changed, readFileSync(model[2]!, 'utf8') + 'x');
    const r = await verifySeal(page, { models: [model[1]!, changed], record: sig, publicKey: pub });
    await screenshot(page, 'model-sig-changed-file');
    t.match(r, {
      status: 'failed',
      reason: 'digest mismatch',
      text: /signme-2 has SHA-256 [0-9a-f]{64}, the signed manifest says [0-9a-f]{64} \(changed after signing\?\)/,
    });
    t.same(r.checks, {
      shape: 'pass',
      key: 'pass',
      signature: 'pass',
      files: 'pass',
      unlisted: 'pass',
      missing: 'pass',
      content: 'fail',
    });
    t.match(await verifySeal(page, { models: [model[1]!], record: sig, publicKey: pub }), {
      status: 'failed',
      reason: 'missing file',
      text: /signme-2 is signed but not among the files chosen/,
    });
    t.match(
      await verifySeal(page, { models: [...model, file('extra.bin', 'added later')], record: sig, publicKey: pub }),
      { status: 'failed', reason: 'unlisted file', text: /extra\.bin is not in the signed manifest/ },
    );
    const anotherP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string;
    const other = await verifySeal(page, {
      models: model,
      record: sig,
      publicKey: file('another-p384.pub.pem', anotherP384),
    });
    await screenshot(page, 'model-sig-other-key');
    t.match(other, { status: 'failed', reason: 'wrong key' });
    t.same(other.checks, {
      shape: 'pass',
      key: 'fail',
      signature: 'skip',
      files: 'skip',
      unlisted: 'skip',
      missing: 'skip',
      content: 'skip',
    });
    t.match(
      await verifySeal(page, { models: model, record: sig, publicKey: file('ed.pub.pem', attest.keys.ed25519.public) }),
      { status: 'cannot', reason: 'input', text: /ECDSA only/ },
    );
    await page.close();
  });

  t.test('model.sig over a directory with subdirectories: chosen as a directory, paths kept', async (t) => {
    // Signed here by the independent model_signing-style signer (node:crypto), with a 9 MiB file so
    // its SHA-256 goes to the worker in more than one chunk, and an empty file.
    const root = mkdtempSync(join(work, 'nested-'));
    const dir = join(root, 'nested-model');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'weights.bin'), big.subarray(0, 9 * 1024 * 1024 + 3));
    writeFileSync(join(dir, 'sub', 'config.json'), '{"layers":2}');
    writeFileSync(join(dir, 'sub', 'deeper', 'empty.txt'), '');
    writeFileSync(join(dir, 'README.md'), 'left out when signing');
    const signature = indepSignModel(dir, attest.keys.p256.private, ['README.md', 'model.sig']);
    const sigPath = join(dir, 'model.sig');
    writeFileSync(sigPath, JSON.stringify(signature));
    const pub = file('publisher-p256.pub.pem', attest.keys.p256.public);
    const page = await session.open(pageUrl);
    const ok = await verifySeal(page, { models: [], dir, record: sigPath, publicKey: pub, workers: 2 });
    t.equal(ok.status, 'ok', ok.text);
    t.match(ok.text, /The 3 files of nested-model are what the publisher signed/);
    writeFileSync(join(dir, 'sub', 'config.json'), '{"layers":3}');
    const r = await verifySeal(page, { models: [], dir, record: sigPath, publicKey: pub });
    t.match(
      r,
      { status: 'failed', reason: 'digest mismatch', text: /sub\/config\.json has SHA-256/ },
      'the changed file is named by its path',
    );
    await page.close();
  });

  t.test('other SPEC §3 refusals: altered record, wrong size, wrong contentSha256, malformed', async (t) => {
    const page = await session.open(pageUrl);
    const cases = [
      { record: seal.bad[0].record, model: vectorData, reason: 'mac mismatch' },
      { record: seal.good[0].record, model: bigPath, reason: 'size mismatch' },
      { record: seal.contentMismatch.record, model: vectorData, reason: 'content mismatch' },
      { record: { ...seal.good[0].record, leafSize: 1000 }, model: vectorData, reason: 'malformed' },
    ];
    for (const [i, c] of cases.entries()) {
      const r = await verifySeal(page, {
        models: [c.model],
        record: file(`bad${i}.json`, JSON.stringify(c.record)),
        token: seal.token,
      });
      t.equal(r.reason, c.reason, r.text);
      t.equal(r.status, 'failed');
    }
    await page.close();
  });

  t.test('usage problems are said plainly', async (t) => {
    const page = await session.open(pageUrl);
    await page.click('#verify');
    t.match(await verdict(page, '#result'), {
      status: 'cannot',
      reason: 'input',
      text: /Choose the seal record, seal bundle or model\.sig/,
    });
    const r = await verifySeal(page, { models: [bigPath, vectorData], record: bigRecord, token: TOKEN });
    t.match(r, { status: 'cannot', reason: 'input', text: /covers exactly one file; 2 were chosen/ });
    const none = await verifySeal(page, { models: [bigPath], record: bigRecord });
    t.match(none, { status: 'cannot', text: /Type the worker token the record was sealed under/ });
    const short = await verifySeal(page, { models: [bigPath], record: bigRecord, token: 'short-secret' });
    await screenshot(page, 'verdict-cannot-short-token');
    t.match(short, {
      status: 'cannot',
      headline: 'Cannot verify',
      reason: 'input',
      text: /A worker token is 16 to 4,096 bytes long; the one typed is 12 bytes/,
    });
    t.notMatch(short.text, /short-secret/, 'the token is never echoed');
    for (const v of [none, short, r]) t.notMatch(v.text, /\btoken:|options\.|argument|E_ARG/, 'no internal names');
    t.equal(
      await page.$eval('#result', (el) => getComputedStyle(el).backgroundColor),
      'rgb(255, 255, 255)',
      'cannot verify is neutral, not the red of a failure',
    );
    await page.close();
  });

  t.test('an intact audit log and a tampered one, with the timeline', async (t) => {
    const dir = join(source!.dir, 'audit-intact');
    const segs = ['audit-000000000000.jsonl', 'audit-000000000000.jsonl.sha256', 'audit-000000000004.jsonl'].map((n) =>
      join(dir, n),
    );
    const page = await session.open(pageUrl);
    await page.setInputFiles('#audit-files', segs);
    await page.click('#verify-audit');
    const ok = await verdict(page, '#audit-result');
    t.equal(ok.status, 'caveats', `intact, but unauthenticated and with critical events: ${ok.text}`);
    t.match(ok.text, /Intact: 7 records in 2 segments intact/);
    t.match(ok.caveats, [
      /^2 critical events in the log \(seal\.verification_failed ×1, security\.policy_violation ×1\)/,
      /^Unauthenticated: no verification key/,
    ]);
    t.match(
      await page.textContent('#audit-scope'),
      /Not checked: records removed from the end/,
      'it says what it did not check',
    );
    t.match(
      await page.textContent('#audit-caption'),
      /seal\.verification_failed \(critical\)/,
      'failure events are listed',
    );
    t.ok((await page.$$('#audit-timeline .failure')).length >= 1, 'failure events are marked on the chart');
    await page.locator('#audit-figure').scrollIntoViewIfNeeded();
    await screenshot(page, 'verdict-caveats-audit');

    const text = readFileSync(segs[2]!, 'utf8').replace('"reason":"digest_mismatch"', '"reason":"all_good_here"');
    const tampered = file('audit-000000000004.jsonl', text);
    await page.setInputFiles('#audit-files', [segs[0]!, segs[1]!, tampered]);
    await page.click('#verify-audit');
    const bad = await verdict(page, '#audit-result');
    t.equal(bad.status, 'failed');
    t.equal(bad.reason, 'hash mismatch');
    t.equal(bad.headline, 'Failed');
    t.match(bad.text, /Broken at audit-000000000004\.jsonl:1: hash mismatch/);
    t.equal((await page.$$('#audit-timeline .break-line')).length, 1, 'the break is drawn');
    await screenshot(page, 'verdict-failed-audit');
    await page.close();
  });

  t.test('an epoch-sealed audit log with its verification key, and with another key', async (t) => {
    const segment = join(source!.dir, 'audit-sealed', 'audit-000000000000.jsonl');
    const vkeyText = readFileSync(join(source!.dir, 'audit-sealed.vkey.json'), 'utf8');
    const page = await session.open(pageUrl);
    await page.setInputFiles('#audit-files', segment);
    await page.setInputFiles('#vkey-file', file('audit.vkey.json', vkeyText));
    await page.click('#verify-audit');
    const ok = await verdict(page, '#audit-result');
    t.equal(ok.status, 'caveats', ok.text);
    t.match(ok.caveats, [
      /^Stale: the last epoch seal is [\d,]+ epochs behind/,
      /^Unsealed tail: the last 1 record is in an epoch not sealed yet/,
    ]);
    t.match(
      await page.textContent('#audit-scope'),
      /Epoch seals checked with audit\.vkey\.json: 4 epochs sealed in order with valid tags; the last 1 record is in an epoch not sealed yet/,
    );
    t.match(
      await page.textContent('#audit-scope'),
      /Stale: the last seal is \d+ epochs behind/,
      "the old vector log is reported stale against today's clock",
    );
    await page.locator('#audit-figure').scrollIntoViewIfNeeded();
    await screenshot(page, 'audit-sealed-ok');

    const other = { ...JSON.parse(vkeyText), k0: 'ab'.repeat(32) };
    await page.setInputFiles('#vkey-file', file('other.vkey.json', JSON.stringify(other)));
    await page.click('#verify-audit');
    const bad = await verdict(page, '#audit-result');
    t.equal(bad.status, 'failed');
    t.equal(bad.reason, 'tag mismatch', bad.text);
    await screenshot(page, 'audit-sealed-other-key');

    await page.setInputFiles('#vkey-file', file('broken.vkey.json', '{"format":"nope"}'));
    await page.click('#verify-audit');
    const broken = await verdict(page, '#audit-result');
    t.match(broken, {
      status: 'cannot',
      reason: 'input',
      text: /The verification key broken\.vkey\.json cannot be used: /,
    });
    await screenshot(page, 'verdict-cannot-audit-key');
    await page.close();
  });

  t.test('the form adapts to the seal chosen: token for a record, public key for a bundle or model.sig', async (t) => {
    const page = await session.open(pageUrl);
    const visible = async () => ({
      token: await page.isVisible('#token'),
      tokenEnabled: await page.isEnabled('#token'),
      pubkey: await page.isVisible('#pubkey-file'),
      asDir: await page.isVisible('#model-as-dir'),
      label: await page.textContent('#model-label'),
    });
    t.equal(await page.getAttribute('#pubkey-file', 'accept'), '.pem,.pub', 'the key picker does not offer .key files');
    t.match(await visible(), { token: true, pubkey: true, asDir: true }, 'before a seal is chosen: everything');
    t.equal(await chooseSeal(page, bigRecord), 'record');
    t.match(await visible(), { token: true, tokenEnabled: true, pubkey: false, asDir: false, label: 'Model file' });
    t.match(await page.textContent('#record-file-help'), /A seal record: checked with the worker token/);
    const bundle = file(
      'adapt.bundle.json',
      JSON.stringify(
        signSealRecord((await sealRecordFor(big, TOKEN)) as any, await loadSigningKey(attest.keys.ed25519.private)),
      ),
    );
    t.equal(await chooseSeal(page, bundle), 'bundle');
    t.match(await visible(), { token: false, tokenEnabled: false, pubkey: true, asDir: false });
    t.match(await page.textContent('#pubkey-help'), /worker’s public key/);
    const sig = join(repoRoot, 'test', 'attest', 'fixtures', 'model-transparency', 'v1.1.0-elliptic-key', 'model.sig');
    t.equal(await chooseSeal(page, sig), 'model');
    t.match(await visible(), { token: false, pubkey: true, asDir: true, label: 'Model files or directory' });
    t.match(await page.textContent('#pubkey-help'), /publisher’s public key/);
    await page.close();
  });

  t.test('Cancel stops a verification, which then decides nothing; the next one runs', async (t) => {
    const page = await session.open(pageUrl);
    await chooseSeal(page, bigRecord);
    await page.setInputFiles('#model-file', [bigPath]);
    await page.fill('#token', TOKEN);
    await page.click('summary');
    await page.fill('#workers', '1');
    // Cancel as the first progress report lands (eleven jobs: the file is far from done then).
    await page.evaluate(() => {
      const text = document.getElementById('progress-text')!;
      const observer = new MutationObserver(() => {
        if (!text.textContent) return;
        observer.disconnect();
        document.getElementById('cancel')!.click();
      });
      observer.observe(text, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#verify');
    const cancelled = await verdict(page, '#result');
    await screenshot(page, 'verdict-cancelled');
    t.match(cancelled, { status: 'cancelled', headline: 'Cancelled', text: /nothing was decided/ });
    t.ok(await page.isEnabled('#verify'), 'the form is usable again');
    await page.click('#verify');
    t.equal((await verdict(page, '#result')).status, 'ok', 'verifying again after a cancel works');
    await page.close();
  });

  t.test('read speed only: the read path, measured, verifies nothing', async (t) => {
    const page = await session.open(pageUrl);
    await page.setInputFiles('#model-file', [bigPath]);
    await page.click('summary');
    await page.check('#read-only');
    await page.click('#verify');
    const r = await verdict(page, '#result');
    t.match(r, { status: 'measured', text: /read 88\.0 MiB in [\d.]+ s \([\d.]+ [KMG]iB\/s\)/ });
    t.same(await page.$$('#checks li'), [], 'no check is listed as passed');
    t.ok(Number(await page.getAttribute('#result', 'data-seconds')) > 0);
    await page.close();
  });

  t.test('accessible and readable on a narrow window', async (t) => {
    const page = await session.open(pageUrl, { width: 360, height: 800 });
    const unlabelled = await page.$$eval('input', (inputs) =>
      inputs.filter((i) => (i as HTMLInputElement).labels?.length === 0).map((i) => i.id),
    );
    t.same(unlabelled, [], 'every input has a label');
    t.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
      'no horizontal scrolling at 360 px',
    );
    // Keyboard only: the token field submits with Enter.
    await page.setInputFiles('#model-file', [vectorData]);
    await page.setInputFiles('#record-file', file('kbd.json', JSON.stringify(seal.good[0].record)));
    await page.focus('#token');
    await page.keyboard.type(seal.token);
    await page.keyboard.press('Enter');
    t.equal((await verdict(page, '#result')).status, 'ok');
    await page.close();
  });

  t.test('no request left the page', async (t) => {
    const outside = session.requests.filter((u) => !u.startsWith('file:') && u !== 'http://canary.invalid/from-worker');
    t.same(outside, [], 'only file:// loads (the pages themselves)');
    t.ok(session.requests.filter((u) => u === pageUrl).length >= 8, 'the observer saw the page loads');
    t.same(session.problems, [], 'no console errors, page errors or CSP violations');
  });
});
