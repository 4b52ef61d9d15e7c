// SPEC §6 end to end with real processes and files: a child writes a sealed, checkpointed log
// (fake clock, real disk); attackers who can write the directory and hold the current epoch key
// (read from the state file) edit it; the verifier, given the verification key and a checkpoint
// kept off the host, names what they did. Also: idle epochs sealed on restart and by the timer,
// a SIGKILL between ratchet and state write, and state files that cannot be trusted.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuditLogger,
  buildRecordLine,
  queryAuditLogAll,
  verifyAuditLog,
  type AuditRecord,
} from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { epochTag, ratchet } from '../../lib/audit/format/epochs.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { quietLog, tsLoaderArgs } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const START = Date.UTC(2026, 10, 30, 10, 0, 0);
const E = 10; // seconds per epoch (fake clock)
const hmac = nodeSealingCrypto.hmacSha256;

type Step = Record<string, unknown>;
interface ChildRun {
  out: string;
  err: string;
  signal: NodeJS.Signals | null;
}

function runChild(plan: {
  dir: string;
  vkeyOut: string;
  startMs: number;
  steps: Step[];
  kill?: string;
  checkpointKey?: string;
  mode?: string;
}): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    [...tsLoaderArgs, join(here, 'fixtures', 'sealing-child.ts'), JSON.stringify({ epochSeconds: E, ...plan })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ out, err, signal })));
}

function workDir(): { dir: string; vkeyOut: string; base: string } {
  const base = mkdtempSync(join(tmpdir(), 'vr-sealing-'));
  return { base, dir: join(base, 'log'), vkeyOut: join(base, 'vkey.json') };
}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const pubPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();

// ---- the attacker's tools ---------------------------------------------------------------

function readLog(dir: string): AuditRecord[] {
  return listSegments(dir).flatMap((s) =>
    readFileSync(join(dir, s.name), 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as AuditRecord),
  );
}

/**
 * Write `records` back as one segment with seq, prev and hash recomputed, re-tagging every seal
 * the stolen key can make (epochs ≥ the state's epoch): all an attacker holding the current key can do.
 */
function forge(dir: string, records: AuditRecord[]): void {
  const state = JSON.parse(readFileSync(join(dir, 'audit.sealing-state.json'), 'utf8')) as {
    epoch: number;
    key: string;
  };
  for (const s of listSegments(dir)) {
    unlinkSync(join(dir, s.name));
    if (s.hasSidecar) unlinkSync(join(dir, `${s.name}.sha256`));
  }
  let prev = '0'.repeat(64);
  let text = '';
  records.forEach((r, seq) => {
    const data = { ...r.data };
    if (r.type === 'audit.epoch_sealed' && (data.epoch as number) >= state.epoch) {
      let key = Buffer.from(state.key, 'hex') as Uint8Array;
      for (let e = state.epoch; e < (data.epoch as number); e++) key = ratchet(hmac, key);
      data.tag = epochTag(hmac, key, data.epoch as number, prev);
    }
    const { line, hash } = buildRecordLine({
      seq,
      id: r.id,
      ts: r.ts,
      service: r.service,
      type: r.type,
      severity: r.severity,
      data,
      prev,
    });
    text += line;
    prev = hash;
  });
  writeFileSync(join(dir, 'audit-000000000000.jsonl'), text);
}

const epochTs = (e: number, ms = 500) => new Date(START + e * E * 1000 + ms).toISOString();

// ---- a sealed, checkpointed log written by a real process ----------------------------------

const origin = workDir();
const checkpointsOf = (dir: string) =>
  readdirSync(join(dir, 'checkpoints'))
    .filter((n) => n.endsWith('.note'))
    .sort();

t.before(async () => {
  // Epochs 0, 1, 2 with records; epoch 3 running at close (its records are the unsealed tail).
  const steps: Step[] = [
    { emit: 3 },
    { advanceMs: E * 1000 },
    { emit: 3 },
    { advanceMs: E * 1000 },
    { emit: 3 },
    { advanceMs: E * 1000 },
    { emit: 2 },
    { close: true },
  ];
  const r = await runChild({ ...origin, startMs: START + 100, steps, checkpointKey: keyPem });
  if (!r.out.includes('done')) throw new Error(`writer failed: ${r.err.slice(0, 800)}`);
});

const vkeyOf = (w: { vkeyOut: string }) => readFileSync(w.vkeyOut, 'utf8');
const afterLog = START + 4 * E * 1000 - 1; // the verifier's clock: still in epoch 3

function copyOrigin(): { dir: string; vkeyOut: string } {
  const w = workDir();
  cpSync(origin.dir, w.dir, { recursive: true });
  return { dir: w.dir, vkeyOut: origin.vkeyOut };
}

t.test('a log written through the API verifies with its verification key and its checkpoint', async (t) => {
  const notes = checkpointsOf(origin.dir);
  t.ok(notes.length >= 1, 'a checkpoint was written at close');
  const note = readFileSync(join(origin.dir, 'checkpoints', notes.at(-1)!), 'utf8');
  const v = await verifyAuditLog(origin.dir, {
    verificationKey: vkeyOf(origin),
    checkpoint: note,
    publicKey: pubPem,
    now: afterLog,
  });
  t.equal(v.intact, true, v.summary);
  t.match(v.sealing, { epochsSealed: 3, lastSealedEpoch: 2, stale: false });
  t.ok(v.sealing!.unsealedTail >= 2, 'the running epoch is not sealed');
  t.match(v.checkpoint, { consistent: true, size: v.records });
  t.equal(
    readFileSync(origin.vkeyOut, 'utf8').length > 0 && (await import('node:fs')).statSync(origin.vkeyOut).mode & 0o777,
    0o600,
    'verification key is 0600',
  );
  const seals = readLog(origin.dir)
    .filter((r) => r.type === 'audit.epoch_sealed')
    .map((r) => r.data.epoch);
  t.same(seals, [0, 1, 2]);
  t.notOk(JSON.stringify(v).includes(JSON.parse(vkeyOf(origin)).k0), 'K0 appears nowhere in the result');
});

const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
const noPython =
  python.error || python.status !== 0
    ? 'python3 with the cryptography package is not installed: the independent checker cannot run'
    : false;

t.test(
  'the log verifies with an independent checker (Python, written from the SPEC alone)',
  { skip: noPython },
  async (t) => {
    const check = (dir: string, ...more: string[]) =>
      JSON.parse(
        spawnSync('python3', [join(here, 'fixtures', 'independent_check.py'), dir, origin.vkeyOut, ...more], {
          encoding: 'utf8',
        }).stdout,
      );
    const pubFile = join(origin.base, 'checkpoint.pub');
    writeFileSync(pubFile, pubPem);
    const note = join(origin.dir, 'checkpoints', checkpointsOf(origin.dir).at(-1)!);
    const ours = await verifyAuditLog(origin.dir, { verificationKey: vkeyOf(origin), now: afterLog });
    t.same(check(origin.dir, note, pubFile), {
      ok: true,
      records: ours.records,
      epochsSealed: 3,
      tail: ours.sealing!.unsealedTail,
      checkpoint: true,
      error: null,
    });
    const w = copyOrigin();
    const recs = readLog(w.dir);
    recs[1]!.data = { ...recs[1]!.data, shard_id: 'forged' };
    forge(w.dir, recs);
    t.match(check(w.dir), { ok: false, error: /bad seal/ }, 'and it can fail: a re-chained edit is refused there too');
  },
);

t.test('an attacker with the current epoch key who edits an earlier epoch and re-chains is caught', async (t) => {
  const w = copyOrigin();
  const recs = readLog(w.dir);
  const victim = recs.findIndex((r) => r.type === 'seal.verified' && r.ts >= epochTs(1, 0) && r.ts < epochTs(2, 0));
  recs[victim]!.data = { ...recs[victim]!.data, shard_id: 'forged' };
  // Also forge a seal for the running epoch 3, which the stolen key can make.
  recs.push({
    ...recs.at(-1)!,
    id: '01a22c48-0000-7000-8000-0000000000aa',
    type: 'audit.epoch_sealed',
    ts: epochTs(4, 1),
    data: { epoch: 3, tag: '' },
  });
  forge(w.dir, recs);
  t.equal((await verifyAuditLog(w.dir)).intact, true, 'without the key the rewrite looks intact (what sealing closes)');
  const v = await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w), now: afterLog });
  const sealOfEpoch1 = recs.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 1);
  t.match(v.firstError, {
    file: 'audit-000000000000.jsonl',
    line: sealOfEpoch1 + 1,
    reason: 'tag mismatch',
    detail: /epoch 1/,
  });
});

t.test('rewriting the whole chain from seq 0, or only keeping epochs the stolen key can seal, is caught', async (t) => {
  const w = copyOrigin();
  const recs = readLog(w.dir).map((r) => ({
    ...r,
    data: r.type === 'audit.epoch_sealed' ? r.data : { ...r.data, worker_id: 'someone-else' },
  }));
  forge(w.dir, recs);
  t.match((await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w) })).firstError, {
    reason: 'tag mismatch',
    detail: /epoch 0/,
  });

  const w2 = copyOrigin();
  const tail = readLog(w2.dir).filter((r) => r.ts >= epochTs(3, 0));
  forge(w2.dir, tail);
  t.equal((await verifyAuditLog(w2.dir)).intact, true, 'the cut log is a valid chain');
  t.match((await verifyAuditLog(w2.dir, { verificationKey: vkeyOf(w2) })).firstError, {
    line: 1,
    reason: 'missing epoch seal',
    detail: /epoch 0/,
  });
});

t.test('a removed seal and a reordered epoch are caught', async (t) => {
  const w = copyOrigin();
  const recs = readLog(w.dir);
  const seal1 = recs.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 1);
  recs.splice(seal1, 1);
  forge(w.dir, recs);
  t.match((await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w) })).firstError, {
    line: seal1 + 1,
    reason: 'missing epoch seal',
    detail: /epoch 1 ended/,
  });

  // Epoch 2's block (records and seal) moved before epoch 1's, timestamps re-dealt so they still rise.
  const w2 = copyOrigin();
  const all = readLog(w2.dir);
  const s0 = all.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 0);
  const s1 = all.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 1);
  const s2 = all.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 2);
  const reordered = [
    ...all.slice(0, s0 + 1),
    ...all.slice(s1 + 1, s2 + 1),
    ...all.slice(s0 + 1, s1 + 1),
    ...all.slice(s2 + 1),
  ];
  const times = all.map((r) => r.ts);
  forge(
    w2.dir,
    reordered.map((r, i) => ({ ...r, ts: times[i]! })),
  );
  const v = await verifyAuditLog(w2.dir, { verificationKey: vkeyOf(w2) });
  t.equal(v.intact, false);
  t.match(v.firstError, { reason: /missing epoch seal|tag mismatch/ }, v.summary);
});

t.test('a record backdated into a sealed epoch is caught', async (t) => {
  const w = copyOrigin();
  const recs = readLog(w.dir);
  // The tag covers the chain before a seal, not the seal's own ts: the attacker re-dates the
  // last seal back into epoch 2 so that records dated in epoch 2 may follow it with rising ts.
  const s2 = recs.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 2);
  recs[s2] = { ...recs[s2]!, ts: epochTs(2, 9000) };
  const tail = recs.slice(s2 + 1).map((r) => ({ ...r, ts: epochTs(2, 9500) }));
  forge(w.dir, [...recs.slice(0, s2 + 1), ...tail]);
  t.equal((await verifyAuditLog(w.dir)).intact, true, 'the chain alone does not see it');
  const v = await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w) });
  t.match(v.firstError, { reason: 'record outside its epoch' }, v.summary);
  t.equal(v.firstError?.line, s2 + 1, 'named at the re-dated seal');

  const plain = copyOrigin();
  const r2 = readLog(plain.dir);
  r2.push({
    ...r2.at(-1)!,
    id: '01a22c48-0000-7000-8000-000000000001',
    ts: r2.at(-1)!.ts,
    data: { ...r2.at(-1)!.data },
  });
  r2[r2.length - 1]!.ts = epochTs(3, 600);
  forge(plain.dir, r2);
  t.equal(
    (await verifyAuditLog(plain.dir, { verificationKey: vkeyOf(plain), now: afterLog })).intact,
    true,
    'an appended record in the running epoch is what the stolen key allows (the unsealed tail)',
  );
});

t.test('a truncation below a checkpoint is caught; with only the key it shows as stale', async (t) => {
  const w = copyOrigin();
  const note = readFileSync(join(w.dir, 'checkpoints', checkpointsOf(w.dir).at(-1)!), 'utf8');
  const recs = readLog(w.dir);
  const s1 = recs.findIndex((r) => r.type === 'audit.epoch_sealed' && r.data.epoch === 1);
  forge(w.dir, recs.slice(0, s1 + 1));
  const keyOnly = await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w), now: afterLog + 2 * E * 1000 });
  t.equal(keyOnly.intact, true);
  t.match(keyOnly.sealing, { stale: true, lastSealedEpoch: 1 });
  t.match(keyOnly.limits.join('\n'), /stale/);
  const v = await verifyAuditLog(w.dir, {
    verificationKey: vkeyOf(w),
    checkpoint: { name: 'head.note', text: note },
    publicKey: pubPem,
  });
  t.match(v.firstError, { reason: 'truncated below checkpoint', detail: /head\.note/ });
});

t.test('a writer restarted after idle epochs seals them first, and the timer seals idle epochs', async (t) => {
  const w = copyOrigin();
  const before = readLog(w.dir).length;
  // Reopened in epoch 7: epochs 3 (with records), 4, 5, 6 (empty) are over.
  const r = await runChild({ ...w, startMs: START + 7 * E * 1000 + 250, steps: [{ emit: 1 }, { close: true }] });
  t.match(r.out, /done/, r.err.slice(0, 500));
  const recs = readLog(w.dir).slice(before);
  t.same(
    recs.slice(0, 5).map((x) => [x.type, x.data.epoch]),
    [
      ['audit.epoch_sealed', 3],
      ['audit.epoch_sealed', 4],
      ['audit.epoch_sealed', 5],
      ['audit.epoch_sealed', 6],
      ['audit.log_opened', undefined],
    ],
  );
  const v = await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w), now: START + 7 * E * 1000 + 900 });
  t.match(v, { intact: true, sealing: { epochsSealed: 7, stale: false } }, v.summary);

  // Real time: an idle, open logger seals each epoch once it is over.
  const live = workDir();
  const log = AuditLogger.open({
    dir: live.dir,
    service: 'idle',
    operationalLog: quietLog,
    sealing: { epochSeconds: 1, verificationKeyOut: live.vkeyOut },
  });
  await new Promise((res) => setTimeout(res, 2300));
  const seals = (await queryAuditLogAll(live.dir, { types: ['audit.epoch_sealed'] })).map((x) => x.data.epoch);
  t.ok(seals.length >= 2 && seals[0] === 0 && seals[1] === 1, `sealed while idle: ${seals.join(',')}`);
  await log.close();
  t.match(await verifyAuditLog(live.dir, { verificationKey: readFileSync(live.vkeyOut, 'utf8') }), { intact: true });
});

t.test('SIGKILL between ratchet and state write loses nothing and forges nothing', async (t) => {
  const w = workDir();
  const steps: Step[] = [
    { emit: 4 },
    { flush: true },
    { armKill: true },
    { advanceMs: E * 1000 },
    { emit: 1 },
    { close: true },
  ];
  const killed = await runChild({ ...w, startMs: START + 100, steps, kill: 'state-rename' });
  t.equal(killed.signal, 'SIGKILL', killed.err.slice(0, 500));
  const state = JSON.parse(readFileSync(join(w.dir, 'audit.sealing-state.json'), 'utf8'));
  t.equal(state.epoch, 0, 'the state file still names epoch 0');
  const durable = readLog(w.dir);
  t.equal(durable.at(-1)?.type, 'audit.epoch_sealed', 'the seal of epoch 0 was durable before the kill');

  const again = await runChild({
    ...w,
    startMs: START + E * 1000 + 700,
    steps: [{ emit: 2 }, { advanceMs: E * 1000 }, { emit: 1 }, { close: true }],
  });
  t.match(again.out, /done/, again.err.slice(0, 500));
  const after = readLog(w.dir);
  t.same(
    after.slice(0, durable.length).map((r) => r.hash),
    durable.map((r) => r.hash),
    'nothing lost',
  );
  t.same(
    after.filter((r) => r.type === 'audit.epoch_sealed').map((r) => r.data.epoch),
    [0, 1],
    'each epoch sealed once',
  );
  const v = await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w), now: START + 2 * E * 1000 + 800 });
  t.match(
    v,
    { intact: true, sealing: { epochsSealed: 2 } },
    'the next seal verifies: the ratchet was completed with the right key',
  );
  t.equal(JSON.parse(readFileSync(join(w.dir, 'audit.sealing-state.json'), 'utf8')).epoch, 2);
});

t.test('a SIGKILL in the middle of a log write leaves a torn line that reopening cuts', async (t) => {
  const w = workDir();
  const steps: Step[] = [{ emit: 5 }, { flush: true }, { armKill: true }, { emit: 3 }, { waitMs: 2000 }];
  const killed = await runChild({ ...w, startMs: START + 100, steps, kill: 'torn-write' });
  t.equal(killed.signal, 'SIGKILL', killed.err.slice(0, 500));
  const confirmed = Number(/D (\d+)/.exec(killed.out)?.[1]);
  const torn = await verifyAuditLog(w.dir);
  t.match(torn.firstError, { reason: 'torn line' }, 'the partial final line is there');
  const durable = readLog(w.dir).length; // readLog drops the torn (unterminated) line
  t.ok(
    confirmed >= 5 && durable >= confirmed + 1,
    `every confirmed record is on disk (${durable} complete lines, seq ≤ ${confirmed} confirmed)`,
  );
  const again = await runChild({ ...w, startMs: START + 200, steps: [{ close: true }] });
  t.match(again.out, /done/, again.err.slice(0, 500));
  const v = await verifyAuditLog(w.dir, { verificationKey: vkeyOf(w), now: START + 300 });
  t.equal(v.intact, true, v.summary);
  t.equal((await queryAuditLogAll(w.dir, { types: ['audit.recovered'] })).length, 1, 'the cut is recorded');
});

t.test('a state file that is missing, corrupt, behind or ahead is a typed error, never a reset', async (t) => {
  const open = (dir: string, vkeyOut: string) =>
    AuditLogger.open({
      dir,
      service: 'sealed-svc',
      operationalLog: quietLog,
      clock: () => START + 5 * E * 1000,
      sealing: { epochSeconds: E, verificationKeyOut: vkeyOut },
    });
  const statePath = (d: string) => join(d, 'audit.sealing-state.json');

  const missing = copyOrigin();
  unlinkSync(statePath(missing.dir));
  t.throws(() => open(missing.dir, join(missing.dir, '..', 'new-vkey.json')), {
    code: 'E_AUDIT_SEALING_STATE',
    message: /no sealing state/,
  });
  t.notOk(existsSync(join(missing.dir, '..', 'new-vkey.json')), 'no new K0 was drawn');

  const corrupt = copyOrigin();
  writeFileSync(statePath(corrupt.dir), '{"format":"vram-residency.audit-seal-state.v1",');
  t.throws(() => open(corrupt.dir, corrupt.vkeyOut), { code: 'E_AUDIT_SEALING_STATE', message: /corrupt/ });

  const behind = copyOrigin();
  const s = JSON.parse(readFileSync(statePath(behind.dir), 'utf8'));
  let k = Buffer.from(JSON.parse(vkeyOf(behind)).k0, 'hex') as Uint8Array;
  k = ratchet(hmac, k);
  writeFileSync(statePath(behind.dir), JSON.stringify({ ...s, epoch: 1, key: Buffer.from(k).toString('hex') }));
  t.throws(() => open(behind.dir, behind.vkeyOut), { code: 'E_AUDIT_SEALING_STATE', message: /behind the log/ });

  const ahead = copyOrigin();
  writeFileSync(statePath(ahead.dir), JSON.stringify({ ...s, epoch: 5 }));
  t.throws(() => open(ahead.dir, ahead.vkeyOut), { code: 'E_AUDIT_SEALING_STATE', message: /ahead of the log/ });

  const fresh = workDir();
  writeFileSync(fresh.vkeyOut, 'keep me');
  t.throws(() => open(fresh.dir, fresh.vkeyOut), { code: 'E_ARG', message: /never overwritten/ });
  t.equal(readFileSync(fresh.vkeyOut, 'utf8'), 'keep me');
});
