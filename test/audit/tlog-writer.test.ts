// The writer's SPEC §8 tree: tlog-tree.hashes equals, byte for byte, the stored hashes of a tree
// built from scratch out of the segments' record hashes — after a clean close, after the file was
// truncated, damaged or deleted, and after a real child process was SIGKILLed mid-write; writers
// write v2 checkpoints that verify; a size that has a note never gets a second one.
import t from 'tap';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogger, verifyAuditLog } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { parseCheckpointV2 } from '../../lib/audit/tlog/index.js';
import { TREE_FILE } from '../../lib/audit/write/tree-file.js';
import { expectedTreeBytes, freshDir, quietLog, tsLoaderArgs, verifiedEvent, waitFor } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const pubPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();

function open(dir: string, extra: object = {}) {
  return AuditLogger.open({
    dir,
    service: 'tree-test',
    flush: { mode: 'batched', maxEvents: 50, maxDelayMs: 5 },
    rotateBytes: 16 * 1024,
    operationalLog: quietLog,
    checkpoints: { privateKey: keyPem, keyName: 'tree-test.audit', everySeconds: 3600 },
    ...extra,
  });
}

async function write(dir: string, n: number, from = 0): Promise<void> {
  const log = open(dir);
  for (let i = 0; i < n; i++) log.emit(verifiedEvent(from + i));
  await log.close();
}

function treeBytes(dir: string): Buffer {
  return readFileSync(join(dir, TREE_FILE));
}

t.test('the tree file equals a tree rebuilt from the segments, and the writer writes v2 notes', async (t) => {
  const dir = freshDir(t);
  await write(dir, 700);
  const want = expectedTreeBytes(dir);
  t.ok(listSegments(dir).length > 3, 'several segments');
  t.ok(treeBytes(dir).equals(want.bytes), `tree file of ${want.size} records byte for byte`);
  const notes = readdirSync(join(dir, 'checkpoints'));
  t.same(notes, [`${String(want.size).padStart(12, '0')}.note`], 'one note, for the closing size');
  const text = readFileSync(join(dir, 'checkpoints', notes[0]!), 'utf8');
  const cp = parseCheckpointV2(text);
  t.equal(cp.origin, 'vram-residency.audit.v2/tree-test');
  t.same(Buffer.from(cp.root), Buffer.from(want.root), 'the note signs the root of every record');
  const v = await verifyAuditLog(dir, { checkpoint: text, publicKey: pubPem });
  t.equal(v.intact, true, v.summary);
  t.match(v.checkpoint, { size: want.size, signer: 'tree-test.audit', consistent: true });
});

t.test('what the tree file lost or got wrong is recomputed on open', async (t) => {
  const dir = freshDir(t);
  await write(dir, 400);
  const full = treeBytes(dir);
  // Cut into the middle of a hash; then garbage over the open segment's part; then no file at all.
  const damages: [string, () => void][] = [
    ['truncated mid-hash', () => truncateSync(join(dir, TREE_FILE), full.length - 45)],
    [
      'garbage over the open segment',
      () => {
        const b = Buffer.from(treeBytes(dir));
        b.fill(0xee, b.length - 64);
        writeFileSync(join(dir, TREE_FILE), b);
      },
    ],
    ['deleted', () => unlinkSync(join(dir, TREE_FILE))],
  ];
  let from = 400;
  for (const [what, damage] of damages) {
    damage();
    await write(dir, 30, from);
    from += 30;
    t.ok(treeBytes(dir).equals(expectedTreeBytes(dir).bytes), `${what}: rebuilt byte for byte`);
  }
});

t.test('a size that already has a note gets no second one', async (t) => {
  const dir = freshDir(t);
  await write(dir, 10);
  const [name] = readdirSync(join(dir, 'checkpoints'));
  const path = join(dir, 'checkpoints', name!);
  // A reopen that writes nothing new would close at a larger size; plant a note for that size first.
  const before = readFileSync(path, 'utf8');
  await write(dir, 0);
  t.equal(readFileSync(path, 'utf8'), before, 'the old note is untouched');
  const size = expectedTreeBytes(dir).size;
  const next = join(dir, 'checkpoints', `${String(size + 3).padStart(12, '0')}.note`);
  writeFileSync(next, 'planted\n');
  await write(dir, 0); // log_opened, log_closed and nothing else: size + 2 … the planted one is not hit
  await write(dir, 0);
  t.equal(readFileSync(next, 'utf8'), 'planted\n', 'a note file of a size is never replaced');
});

t.test('after SIGKILL mid-write, reopening recomputes the tree from the segments', async (t) => {
  const dir = freshDir(t);
  for (const mode of ['batched', 'hybrid']) {
    const child = spawn(process.execPath, [...tsLoaderArgs, join(here, 'fixtures', 'crash-child.ts'), dir, mode], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.stdin.write('go\n');
    t.ok(await waitFor(() => out.split('\n').filter((l) => /^[CF] /.test(l)).length >= 5, 120_000), 'child wrote');
    child.kill('SIGKILL');
    await exited;
    t.ok(existsSync(join(dir, TREE_FILE)), 'the child kept a tree file');
    const log = AuditLogger.open({ dir, service: 'crash-child', operationalLog: quietLog });
    await log.close();
    t.ok(treeBytes(dir).equals(expectedTreeBytes(dir).bytes), `${mode}: tree file byte for byte after the kill`);
  }
});
