// The verifier page's inclusion proof section in headless Chromium: the page written by the real
// CLI, opened from disk, the SPEC §8 vector proofs (from an independent implementation) dropped or
// chosen with the vector keys; verdicts read from #proof-result, the proven record from
// #proof-record. Screenshots of the verdicts go to test/web/artifacts/ (git-ignored).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { readVectorJson, repoRoot, vectorSources } from '../helpers/vectors.js';
import { CHROMIUM, NO_CHROMIUM, screenshot, startSession, verdict, type Session } from './driver.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-web-proof-'));
const [source] = vectorSources().filter((s) => !s.skip);
const vec = readVectorJson(source!, 'tlog.json');
const tlog = (name: string) => join(source!.dir, 'tlog', name);
const GOOD = tlog('audit-sealed-3.tlog-proof');
const COSIGNED = tlog('audit-sealed-3.cosigned.tlog-proof');
const LOG_PEM = tlog('worker-9.audit.pub');
const LOG_VKEY = tlog('worker-9.audit.vkey');
const WITNESS = tlog('witness-w1.pub');
const file = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

/** The SPEC §8 reason each bad vector proof must fail with (the vector file says why in prose). */
const BAD_REASONS: Record<string, string> = {
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

const cli = spawnSync(
  process.execPath,
  [join(repoRoot, 'dist', 'cli', 'main.js'), 'verifier', '--out', join(work, 'verifier.html'), '--json'],
  { encoding: 'utf8' },
);
const pageUrl = pathToFileURL(join(work, 'verifier.html')).href;

interface ProofCase {
  proof: string;
  publicKey?: string;
  witnesses?: string[];
  quorum?: string;
  /** Drop the proof on the field instead of choosing it. */
  drop?: boolean;
}

/** Drops a file on the proof field as a person dragging it from a file manager does (a DataTransfer with the File). */
async function dropProof(page: Page, path: string): Promise<void> {
  const text = readFileSync(path, 'utf8');
  await page.evaluate(
    ({ name, text }) => {
      const data = new DataTransfer();
      data.items.add(new File([text], name));
      const target = document.getElementById('proof-drop')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { name: basename(path), text },
  );
  await page.waitForFunction((name) => document.getElementById('proof-drop')?.dataset.dropped === name, basename(path));
}

/** The name of the file the proof input holds (a dropped proof becomes the input's file). */
const chosenProof = (page: Page) =>
  page.$eval('#proof-file', (input) => (input as HTMLInputElement).files?.[0]?.name ?? null);

async function verifyProof(page: Page, c: ProofCase) {
  if (c.drop) await dropProof(page, c.proof);
  else await page.setInputFiles('#proof-file', c.proof);
  await page.setInputFiles('#proof-pubkey-file', c.publicKey ?? []);
  await page.setInputFiles('#witness-files', c.witnesses ?? []);
  if (c.witnesses?.length) await page.fill('#quorum', c.quorum ?? '');
  // Marks the result as stale, so the wait below sees this run's verdict, not the previous one.
  await page.$eval('#proof-result', (el) => ((el as HTMLElement).dataset.status = 'idle'));
  await page.click('#verify-proof');
  const v = await verdict(page, '#proof-result');
  const checks = await page.$$eval('#proof-checks li', (items) =>
    Object.fromEntries(items.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.status])),
  );
  const record = await page.$eval('#proof-record', (box) =>
    (box as HTMLElement).hidden
      ? null
      : Object.fromEntries(
          Array.from(box.querySelectorAll('dt')).map((dt) => [
            dt.textContent,
            dt.nextElementSibling?.textContent ?? '',
          ]),
        ),
  );
  return { ...v, checks, record };
}

t.test('the inclusion proof section in headless Chromium', { skip: CHROMIUM ? false : NO_CHROMIUM }, async (t) => {
  t.equal(cli.status, 0, `verifier --out writes the page: ${cli.stderr}`);
  const session: Session = await startSession();
  t.teardown(() => session.close());
  const page = await session.open(pageUrl);
  const proven = JSON.parse(vec.auditSealed.proof.extraLine);

  t.test('a dropped proof verifies with the log key (PEM, then vkey) and shows its record', async (t) => {
    for (const publicKey of [LOG_PEM, LOG_VKEY]) {
      const v = await verifyProof(page, { proof: GOOD, publicKey, drop: true });
      t.equal(await chosenProof(page), 'audit-sealed-3.tlog-proof', 'the dropped proof is shown as the chosen file');
      t.equal(v.status, 'caveats', v.text);
      t.equal(v.headline, 'Verified with caveats');
      t.match(v.caveats, [/^Unwitnessed: only the log’s own key vouches for this checkpoint/]);
      t.match(
        v.text,
        /Record seq 3 of worker-9’s audit log is included in its checkpoint of 9 records, signed by worker-9\.audit\./,
      );
      t.same(v.checks, {
        shape: 'pass',
        origin: 'pass',
        signature: 'pass',
        witnesses: 'skip',
        record: 'pass',
        place: 'pass',
        inclusion: 'pass',
      });
      t.match(v.record, {
        Type: proven.type,
        'Time (ts)': proven.ts,
        Severity: 'info',
        'Service, seq': 'worker-9, seq 3',
        'Record id': proven.id,
        Checkpoint: 'vram-residency.audit.v2/worker-9, size 9',
      });
      t.same(JSON.parse(v.record!.Data!), proven.data, 'the data shown is the record’s');
    }
    await screenshot(page, 'proof-verified-unwitnessed');
  });

  t.test('the quorum field appears once witness keys are chosen', async (t) => {
    await page.setInputFiles('#witness-files', []);
    t.equal(await page.isVisible('#quorum'), false, 'no witness keys: no quorum asked');
    await page.setInputFiles('#witness-files', WITNESS);
    t.equal(await page.isVisible('#quorum'), true);
    t.equal(await page.getAttribute('#quorum', 'max'), '1');
  });

  t.test('the cosigned proof verifies with the witness key and quorum 1', async (t) => {
    const v = await verifyProof(page, { proof: COSIGNED, publicKey: LOG_PEM, witnesses: [WITNESS], quorum: '1' });
    t.equal(v.status, 'ok', v.text);
    t.equal(v.headline, 'Verified');
    t.same(v.caveats, []);
    t.match(v.text, /signed by worker-9\.audit, cosigned by witness\.example\/w1\./);
    t.equal(v.checks.witnesses, 'pass');
    t.match(v.record, { Type: 'seal.verified', 'Time (ts)': '2026-11-18T11:07:41.000Z' });
    await screenshot(page, 'proof-verified-witnessed');
    const zero = await verifyProof(page, { proof: COSIGNED, publicKey: LOG_PEM, witnesses: [WITNESS], quorum: '0' });
    t.equal(zero.status, 'caveats', 'quorum 0: nobody but the log vouches for it');
  });

  t.test('a missing cosignature under quorum 1 fails', async (t) => {
    const v = await verifyProof(page, { proof: GOOD, publicKey: LOG_PEM, witnesses: [WITNESS], quorum: '1' });
    t.match(v, { status: 'failed', headline: 'Failed', reason: 'quorum not met', record: null });
    t.match(v.text, /The proof fails \(quorum not met\)/);
    t.match(v.checks, { signature: 'pass', witnesses: 'fail', record: 'skip', inclusion: 'skip' });
    await screenshot(page, 'proof-failed-quorum');
  });

  t.test('every bad vector proof fails with its reason', async (t) => {
    t.equal(vec.auditSealed.badProofs.cases.length, Object.keys(BAD_REASONS).length, 'every bad case is tried');
    for (const c of vec.auditSealed.badProofs.cases as { file: string; why: string }[]) {
      const kind = /audit-sealed-3\.(.+)\.tlog-proof$/.exec(c.file)![1]!;
      const v = await verifyProof(page, {
        proof: join(source!.dir, c.file),
        publicKey: LOG_PEM,
        witnesses: [WITNESS],
        quorum: '1',
      });
      t.match(v, { status: 'failed', reason: BAD_REASONS[kind], record: null }, `${kind}: ${c.why}`);
      t.ok(Object.values(v.checks).includes('fail'), `${kind}: a check is marked failed`);
      if (kind === 'path-flipped' || kind === 'other-log-key' || kind === 'extra-edited')
        await screenshot(page, `proof-failed-${kind}`);
    }
  });

  t.test('input mistakes are "cannot verify", in the page’s words', async (t) => {
    const key = tlog('witness-w1.key');
    const priv = await verifyProof(page, { proof: GOOD, publicKey: key });
    t.match(priv, { status: 'cannot', reason: 'input', headline: 'Cannot verify' });
    t.match(priv.text, /witness-w1\.key is a private key\. Choose the matching public key/);
    t.notMatch(priv.text, /MC4CAQAw/, 'nothing of the private key is shown');
    await screenshot(page, 'proof-cannot-private-key');

    const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const witnessPriv = await verifyProof(page, {
      proof: COSIGNED,
      publicKey: LOG_PEM,
      witnesses: [file('w2.key', pkcs8)],
    });
    t.match(witnessPriv, { status: 'cannot', text: /w2\.key is a private key/ });

    const notAKey = await verifyProof(page, { proof: GOOD, publicKey: file('notes.txt', 'hello') });
    t.match(notAKey, {
      status: 'cannot',
      text: /The log’s public key notes\.txt cannot be used: it must be an Ed25519/,
    });
    t.notMatch(notAKey.text, /publicKey/, 'no internal parameter name');

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' });
    const notEd = await verifyProof(page, {
      proof: GOOD,
      publicKey: LOG_PEM,
      witnesses: [file('rsa.pub', String(rsa))],
    });
    t.match(notEd, {
      status: 'cannot',
      text: /The witness key rsa\.pub cannot be used: it is not an Ed25519 public key/,
    });

    const quorum = await verifyProof(page, { proof: COSIGNED, publicKey: LOG_PEM, witnesses: [WITNESS], quorum: '2' });
    t.match(quorum, { status: 'cannot', text: /a whole number from 0 to 1/ });

    const noKey = await verifyProof(page, { proof: GOOD });
    t.match(noKey, { status: 'cannot', reason: 'input', text: /Choose the log’s public key/ });
  });

  t.test('labelled, and no horizontal scrolling at 360 px with a record shown', async (t) => {
    const narrow = await session.open(pageUrl, { width: 360, height: 800 });
    const unlabelled = await narrow.$$eval('#proof-form input', (inputs) =>
      inputs.filter((i) => (i as HTMLInputElement).labels?.length === 0).map((i) => i.id),
    );
    t.same(unlabelled, [], 'every input of the proof form has a label');
    const v = await verifyProof(narrow, { proof: COSIGNED, publicKey: LOG_PEM, witnesses: [WITNESS], quorum: '1' });
    t.equal(v.status, 'ok', v.text);
    t.ok(
      await narrow.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
      'no horizontal scrolling at 360 px',
    );
    await narrow.close();
  });

  t.test('nothing left the page, nothing went wrong in it', async (t) => {
    t.same(
      session.requests.filter((u) => !u.startsWith('file:')),
      [],
    );
    t.same(session.problems, []);
  });
});
