// The independent Python checker (fixtures/independent_check.py, written from the SPEC alone) on
// more than one ASCII log: the team's sealed vectors, random unicode-heavy sealed logs, and the
// attacks it must refuse — an edited unicode string, a deleted epoch seal (re-chained), a tail cut
// behind a checkpoint, a torn last line. Each time it must agree with verifyAuditLog.
import t from 'tap';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuditLogger,
  buildRecordLine,
  verifyAuditLog,
  type AuditEvent,
  type AuditRecord,
} from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { readVectorJson, vectorSources } from '../helpers/vectors.js';
import { quietLog } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
const noPython =
  python.error || python.status !== 0
    ? 'python3 with the cryptography package is not installed: the independent checker cannot run'
    : false;

interface PyResult {
  ok: boolean;
  records: number;
  epochsSealed: number;
  tail: number;
  checkpoint: boolean | null;
  error: string | null;
}

function pyCheck(dir: string, vkey: string, note?: string, pub?: string): PyResult {
  const args = [join(here, 'fixtures', 'independent_check.py'), dir, vkey, ...(note && pub ? [note, pub] : [])];
  const r = spawnSync('python3', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`independent_check.py exited ${r.status}: ${r.stderr.slice(-400)}`);
  return JSON.parse(r.stdout) as PyResult;
}

const base = mkdtempSync(join(tmpdir(), 'vr-indep-'));
t.teardown(() => rmSync(base, { recursive: true, force: true }));
let serial = 0;

for (const source of vectorSources()) {
  t.test(`the sealed log vector from ${source.label}`, { skip: noPython || source.skip }, async (t) => {
    const expected = readVectorJson(source, 'sealing.json').log;
    const dir = join(source.dir, expected.dir);
    const vkeyPath = join(source.dir, expected.verificationKey);
    // The vector log's writer stopped long ago: its unsealed tail is accepted as stale, not as cut.
    const ours = await verifyAuditLog(dir, { verificationKey: readFileSync(vkeyPath, 'utf8'), acceptStale: true });
    t.equal(ours.intact, true, ours.summary);
    t.same(pyCheck(dir, vkeyPath), {
      ok: true,
      records: ours.records,
      epochsSealed: expected.epochsSealed,
      tail: expected.unsealedTail,
      checkpoint: null,
      error: null,
    });
  });
}

// ---- unicode-heavy sealed logs written through the API (fake clock, real files) -------------

const START = Date.UTC(2026, 10, 30, 10, 0, 0);
const E = 10; // seconds per epoch
// Text full of what JSON canonicalization gets wrong: non-ASCII, astral planes, escapes, quotes.
const unicodeText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('ü', '€', '😀', '𝄞', 'ß', '中', 'é', 'e\u0301', '\\', '"', '/', '\t', '\n', '\u00a0', '\ufeff'),
    fc.constantFrom('a', ' ', '{', '}'),
  ),
  minLength: 1,
  maxLength: 30,
});
const eventArb: fc.Arbitrary<AuditEvent> = fc
  .record({
    note: unicodeText,
    list: fc.array(unicodeText, { maxLength: 3 }),
    nested: fc.record({ deep_value: unicodeText }),
  })
  .map((data) => ({ type: 'app.custom_event', data, severity: 'warning' as const }));

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const pubPath = join(base, 'checkpoint.pub');
writeFileSync(pubPath, publicKey.export({ type: 'spki', format: 'pem' }).toString());

/** Writes `perEpoch` batches of events, one epoch each (the last epoch is left running), and closes. */
async function writeSealedLog(perEpoch: AuditEvent[][]) {
  const work = join(base, `log-${serial++}`);
  const dir = join(work, 'log');
  const vkey = join(work, 'vkey.json');
  let now = START + 100;
  const log = AuditLogger.open({
    dir,
    service: 'unicode-svc',
    clock: () => now,
    operationalLog: quietLog,
    sealing: { epochSeconds: E, verificationKeyOut: vkey },
    checkpoints: {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      keyName: 'unicode-svc.audit',
      everySeconds: 3600,
    },
  });
  for (const [e, events] of perEpoch.entries()) {
    if (e > 0) now += E * 1000;
    for (const ev of events) log.emit(ev);
  }
  await log.close();
  const note = join(
    dir,
    'checkpoints',
    readdirSync(join(dir, 'checkpoints'))
      .filter((n) => n.endsWith('.note'))
      .sort()
      .at(-1)!,
  );
  return { dir, vkey, note, now: now + 1 };
}

function readLog(dir: string): AuditRecord[] {
  return listSegments(dir).flatMap((s) =>
    readFileSync(join(dir, s.name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord),
  );
}

/**
 * Writes `records` back as one open segment, seq/prev/hash recomputed and the sidecars dropped
 * (what an editor of the files can do), so that only the seals and the checkpoint can tell.
 */
function rechain(dir: string, records: AuditRecord[]): void {
  for (const s of listSegments(dir)) {
    rmSync(join(dir, s.name));
    rmSync(join(dir, `${s.name}.sha256`), { force: true });
  }
  let prev = '0'.repeat(64);
  let text = '';
  records.forEach((r, seq) => {
    const { line, hash } = buildRecordLine({ ...r, seq, prev });
    text += line;
    prev = hash;
  });
  writeFileSync(join(dir, 'audit-000000000000.jsonl'), text);
}

t.test(
  'random unicode-heavy sealed logs: the Python checker and verifyAuditLog agree',
  { skip: noPython },
  async (t) => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(eventArb, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 4 }),
        async (perEpoch) => {
          const w = await writeSealedLog(perEpoch);
          const ours = await verifyAuditLog(w.dir, { verificationKey: readFileSync(w.vkey, 'utf8'), now: w.now });
          const py = pyCheck(w.dir, w.vkey, w.note, pubPath);
          runs++;
          return (
            ours.intact &&
            py.ok &&
            py.records === ours.records &&
            py.epochsSealed === perEpoch.length - 1 &&
            py.epochsSealed === ours.sealing?.epochsSealed &&
            py.tail === ours.sealing?.unsealedTail &&
            py.checkpoint === true
          );
        },
      ),
      { numRuns: 8 },
    );
    t.equal(runs, 8, '8 random logs, each intact and sealed the same under both');
  },
);

t.test('attacks on a unicode log are refused by both', { skip: noPython }, async (t) => {
  const events = (tag: string): AuditEvent[] =>
    ['😀 ünïcödé ' + tag, '𝄞 "quoted" \\ back', '中文 e\u0301 ' + tag].map((note) => ({
      type: 'app.custom_event',
      data: { note, list: [note], nested: { deep_value: note } },
      severity: 'warning',
    }));
  const w = await writeSealedLog([events('e0'), events('e1'), events('e2')]);
  const vkeyText = readFileSync(w.vkey, 'utf8');
  const intact = pyCheck(w.dir, w.vkey, w.note, pubPath);
  t.match(intact, { ok: true, epochsSealed: 2, checkpoint: true }, 'the untouched log passes');
  const original = readLog(w.dir);
  rechain(w.dir, original); // one open segment holding the whole log, as written
  t.match(pyCheck(w.dir, w.vkey, w.note, pubPath), intact, 'rewritten as one segment: the same log');
  t.equal((await verifyAuditLog(w.dir, { verificationKey: vkeyText, now: w.now })).intact, true);
  const segment = join(w.dir, listSegments(w.dir)[0]!.name);
  const pristine = readFileSync(segment);
  const restore = () => {
    rechain(w.dir, original);
    t.same(readFileSync(segment), pristine, 'restored byte for byte');
  };

  // 1. One unicode character of a record changed in place: the chain no longer holds.
  const text = pristine.toString('utf8');
  writeFileSync(segment, text.replace('ünïcödé e1', 'ünïcödè e1'));
  t.match(pyCheck(w.dir, w.vkey), { ok: false, error: /chain broken/ }, 'edited unicode string: Python refuses');
  t.equal((await verifyAuditLog(w.dir)).intact, false, 'and so does verifyAuditLog');
  restore();

  // 2. An epoch seal deleted and the chain rebuilt around it: only the seals can tell.
  const sealAt = original.findIndex((r) => r.type === 'audit.epoch_sealed');
  t.ok(sealAt > 0, 'the log has an epoch seal');
  rechain(
    w.dir,
    original.filter((_, i) => i !== sealAt),
  );
  t.match(pyCheck(w.dir, w.vkey), { ok: false, error: /outside its epoch|bad seal/ }, 'deleted seal: Python refuses');
  const noSeal = await verifyAuditLog(w.dir, { verificationKey: vkeyText, now: w.now });
  t.equal(noSeal.intact, false, `and verifyAuditLog: ${noSeal.summary}`);
  restore();

  // 3. The tail cut at a record boundary: a valid shorter chain, which the checkpoint exposes.
  rechain(w.dir, original.slice(0, -3));
  const cut = pyCheck(w.dir, w.vkey, w.note, pubPath);
  t.match(
    cut,
    { ok: true, records: original.length - 3, checkpoint: false },
    'cut tail: the checkpoint no longer matches',
  );
  const ourCut = await verifyAuditLog(w.dir, {
    verificationKey: vkeyText,
    checkpoint: readFileSync(w.note, 'utf8'),
    publicKey: readFileSync(pubPath, 'utf8'),
    now: w.now,
  });
  t.equal(ourCut.intact, false, `and verifyAuditLog: ${ourCut.summary}`);
  restore();

  // 4. The tail cut mid-line: a torn file is refused outright.
  truncateSync(segment, pristine.length - 7);
  const torn = spawnSync('python3', [join(here, 'fixtures', 'independent_check.py'), w.dir, w.vkey], {
    encoding: 'utf8',
  });
  t.not(torn.status, 0, 'torn tail: Python refuses');
  t.match(torn.stderr, /torn/);
  t.equal((await verifyAuditLog(w.dir)).intact, false, 'and so does verifyAuditLog');
});
