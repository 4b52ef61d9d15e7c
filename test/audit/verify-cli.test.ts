// `vram-residency audit verify` with the SPEC §6 flags, as a real process on the independent
// sealed log: seals and checkpoint reported (text and --json), a tampered copy named at file:line
// with exit 1, flag misuse exit 2, and without keys the output says what it cannot detect.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localVectorsDir, readVectorJson, repoRoot } from '../helpers/vectors.js';

const CLI = join(repoRoot, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'vr-verify-cli-'));
const source = { label: 'test/vectors', dir: localVectorsDir, skip: false as const };
const logDir = join(localVectorsDir, 'audit-sealed');
const vkey = join(localVectorsDir, 'audit-sealed.vkey.json');
const note = join(work, 'head.note');
const pub = join(work, 'signer.pub');
writeFileSync(note, readVectorJson(source, 'checkpoint.json').note);
writeFileSync(pub, readVectorJson(source, 'attest.json').keys.ed25519.public);

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, 'audit', 'verify', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { ...r, json };
};

t.test('seals and checkpoint are checked and reported', async (t) => {
  const text = cli(logDir, '--vkey', vkey, '--checkpoint', note, '--pubkey', pub);
  t.equal(text.status, 0, text.stderr);
  t.match(text.stdout, /sealed: 4 epochs .* 1 record after the last seal/);
  t.match(text.stdout, /consistent with checkpoint head\.note: 9 records signed by worker-9\.audit/);
  t.match(text.stdout, /warning: stale/);
  const json = cli(logDir, '--vkey', vkey, '--checkpoint', note, '--pubkey', pub, '--json');
  t.equal(json.status, 0);
  t.match(json.json, {
    intact: true,
    sealing: { epochsSealed: 4, unsealedTail: 1, stale: true },
    checkpoint: { size: 9, consistent: true },
  });
  t.notOk(json.stdout.includes(JSON.parse(readFileSync(vkey, 'utf8')).k0), 'K0 is not echoed');
});

t.test('a re-chained edit fails with the place and the reason; misuse is a usage error', async (t) => {
  const copy = join(work, 'tampered');
  cpSync(logDir, copy, { recursive: true });
  const seg = join(copy, 'audit-000000000000.jsonl');
  const lines = readFileSync(seg, 'utf8').split('\n');
  lines[8] = lines[8]!.replace('"shard-a"', '"shard-z"'); // the unsealed tail: only the chain covers it
  writeFileSync(seg, lines.join('\n'));
  const r = cli(copy, '--vkey', vkey, '--json');
  t.equal(r.status, 1);
  t.match(r.json.firstError, { file: 'audit-000000000000.jsonl', line: 9, reason: 'hash mismatch' });
  const trunc = cli(join(localVectorsDir, 'audit-intact'), '--checkpoint', note, '--pubkey', pub);
  t.equal(trunc.status, 1, 'another log than the one signed');
  t.match(trunc.stderr, /checkpoint/);
  t.equal(cli(logDir, '--checkpoint', note).status, 2, '--checkpoint without --pubkey');
  const missing = cli(logDir, '--vkey', join(work, 'nope.json'));
  t.equal(missing.status, 2);
  t.match(missing.stderr, /--vkey.*no such file/);
});

t.test('without keys it says plainly what it cannot detect', async (t) => {
  const r = cli(logDir);
  t.equal(r.status, 0);
  t.match(r.stdout, /no verification key: .*rewritten it from seq 0 undetected/);
  t.match(r.stdout, /no checkpoint or anchor: records removed from the end/);
  t.match(cli(logDir, '--json').json.limits, [/no verification key/, /no checkpoint/]);
});
