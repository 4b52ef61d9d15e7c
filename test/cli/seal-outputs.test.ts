// Issue 10 #4 and #13: `seal` checks where its records go before it seals anything — it never
// overwrites an input or an audit segment, never writes two records to one path, and says in one
// sentence (with a documented code) when the output or the audit directory cannot be written.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { mountTmpfs, tmpfsSkip } from '../helpers/tmpfs.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-seal-out-'));
let n = 0;
const fresh = (name: string) => join(work, `${name}-${++n}`);
function modelFile(path: string, size = 6000): Buffer {
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return bytes;
}
const seal = (args: string[], auditDir: string) =>
  runCli(work, ['seal', ...args, '--simulate', '--audit-dir', auditDir, '--json']);

t.test('#4: --out naming the input itself is refused; the model is untouched', async (t) => {
  const model = join(work, 'm.bin');
  const bytes = modelFile(model);
  const audit = fresh('audit');
  for (const out of [model, join(work, '.', 'm.bin')]) {
    const r = seal([model, '--out', out], audit);
    t.equal(r.status, 2, r.stderr);
    t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /--out: .*would overwrite the input/ } });
  }
  const link = join(work, 'm-link.bin');
  linkSync(model, link);
  t.match(
    seal([model, '--out', link], audit).json,
    { error: { code: 'E_ARG', message: /overwrite the input/ } },
    'a hard link to the input is the input',
  );
  t.ok(readFileSync(model).equals(bytes), 'the model file still holds the model');
  t.notOk(existsSync(audit), 'refused before the worker opened: nothing sealed, no audit log');
});

t.test("#4: an input that is another input's default record path is refused", async (t) => {
  const model = join(work, 'p.bin');
  modelFile(model);
  const other = `${model}.seal.json`;
  const bytes = modelFile(other);
  const r = seal([model, other], fresh('audit'));
  t.equal(r.status, 2, r.stderr);
  t.match(r.json, { error: { code: 'E_ARG', message: /overwrite the input/ } });
  t.ok(readFileSync(other).equals(bytes));
});

t.test('#4: --out into the audit directory is refused, segments untouched', async (t) => {
  const model = join(work, 'a.bin');
  modelFile(model);
  const audit = fresh('audit');
  t.equal(seal([model, '--out', join(work, 'first.seal.json')], audit).status, 0, 'a first seal creates the log');
  const segment = readdirSync(audit).find((f) => f.endsWith('.jsonl'))!;
  const before = readFileSync(join(audit, segment));
  for (const out of [join(audit, segment), audit, join(audit, 'sub', 'x.json')]) {
    const r = seal([model, '--out', out], audit);
    t.equal(r.status, 2, `${out}: ${r.stderr}`);
    t.match(r.json, { error: { code: 'E_ARG', message: /inside the audit directory/ } });
  }
  t.ok(readFileSync(join(audit, segment)).subarray(0, before.length).equals(before), 'the segment is not replaced');
});

t.test('#4: two inputs with one base name into one --out directory are refused (no record lost)', async (t) => {
  const d1 = join(work, 'd1');
  const d2 = join(work, 'd2');
  mkdirSync(d1);
  mkdirSync(d2);
  modelFile(join(d1, 'shard.bin'));
  modelFile(join(d2, 'shard.bin'));
  const out = fresh('records');
  const r = seal([join(d1, 'shard.bin'), join(d2, 'shard.bin'), '--out', out], fresh('audit'));
  t.equal(r.status, 2, r.stderr);
  t.match(r.json, { error: { code: 'E_ARG', message: /both write their seal record to/ } });
  const twice = seal([join(d1, 'shard.bin'), join(d1, 'shard.bin')], fresh('audit'));
  t.match(twice.json, { error: { code: 'E_ARG', message: /both write/ } }, 'the same file twice');
  const ok = seal([join(d1, 'shard.bin'), join(d2, 'shard.bin')], fresh('audit'));
  t.equal(ok.status, 0, 'records beside each input do not collide');
});

t.test(
  '#13: full, nearly full and read-only filesystems, an audit dir that is a file, a missing --out directory',
  { skip: tmpfsSkip },
  async (t) => {
    const full = mountTmpfs(256, { leaveFreeKiB: 0 });
    const nearlyFull = mountTmpfs(1024, { leaveFreeKiB: 16 });
    const readOnly = mountTmpfs(256, { ro: true });
    t.teardown(() => {
      for (const m of [full, nearlyFull, readOnly]) m.unmount();
    });
    const model = join(work, 'thirteen.bin');
    modelFile(model);
    const lockLeftovers = () =>
      [full, nearlyFull]
        .flatMap((m) => readdirSync(m.dir, { recursive: true }) as string[])
        .filter((f) => /audit\.lock/.test(f));

    const cases: { what: string; audit: string; out: string; code: string; message: RegExp }[] = [
      {
        what: 'audit dir on a full disk',
        audit: join(full.dir, 'audit'),
        out: fresh('r'),
        code: 'E_IO',
        message: /--audit-dir: no space left .*free some space/,
      },
      {
        what: 'audit dir on a nearly full disk',
        audit: join(nearlyFull.dir, 'audit'),
        out: fresh('r'),
        code: 'E_IO',
        message: /--audit-dir: no space left .*only 16\.0 KiB free/,
      },
      {
        what: 'audit dir on a read-only fs',
        audit: join(readOnly.dir, 'audit'),
        out: fresh('r'),
        code: 'E_IO',
        message: /--audit-dir: cannot create .*read-only file system/,
      },
      {
        what: 'audit dir that is a file',
        audit: model,
        out: fresh('r'),
        code: 'E_ARG',
        message: /--audit-dir: .* is not a directory/,
      },
      {
        what: '--out in a missing directory',
        audit: fresh('audit'),
        out: join(work, 'no-such-dir', 'x.seal.json'),
        code: 'E_ARG',
        message: /--out: the directory .*no-such-dir does not exist/,
      },
      {
        what: '--out on a full disk',
        audit: fresh('audit'),
        out: join(full.dir, 'x.seal.json'),
        code: 'E_IO',
        message: /--out: no space left/,
      },
      {
        what: '--out on a read-only fs',
        audit: fresh('audit'),
        out: join(readOnly.dir, 'x.seal.json'),
        code: 'E_IO',
        message: /--out: cannot write to .*read-only file system/,
      },
    ];
    for (const c of cases) {
      const r = runCli(work, ['seal', model, '--simulate', '--audit-dir', c.audit, '--out', c.out, '--json'], {
        timeoutMs: 30_000,
      });
      t.equal(r.signal, null, `${c.what}: ends by itself`);
      t.equal(r.status, 2, `${c.what}: ${r.stderr}`);
      t.match(r.json, { ok: false, error: { code: c.code, message: c.message } }, c.what);
      t.notOk(existsSync(c.out), `${c.what}: no record written (nothing was sealed)`);
      if (c.audit !== model)
        t.notOk(existsSync(join(c.audit, 'audit-000000000000.jsonl')), `${c.what}: no audit log started`);
      t.equal(r.stderr, '', `${c.what}: with --json the sentence is in the document, no stack on stderr`);
    }
    const human = runCli(work, [
      'seal',
      model,
      '--simulate',
      '--audit-dir',
      join(full.dir, 'audit'),
      '--out',
      fresh('r'),
    ]);
    t.match(human.stderr, /^error: --audit-dir: no space left[^\n]*\n$/, 'without --json: one line');
    t.same(lockLeftovers(), [], 'no audit.lock.* files left behind');
  },
);

t.test(
  '#13 (SDK): a lock that cannot be written on a full disk is E_AUDIT_IO and leaves no temp file',
  { skip: tmpfsSkip },
  async (t) => {
    const { AuditLogger } = await import('../../lib/audit/index.js');
    const full = mountTmpfs(256, { leaveFreeKiB: 0 });
    t.teardown(() => full.unmount());
    const dir = join(full.dir, 'audit');
    mkdirSync(dir);
    t.throws(() => AuditLogger.open({ dir, service: 'w' }), { code: 'E_AUDIT_IO', message: /lock file .*ENOSPC/ });
    t.same(readdirSync(dir), [], 'nothing left in the directory');
  },
);
