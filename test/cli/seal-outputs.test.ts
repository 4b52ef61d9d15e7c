// Issue 10 #4 and #13: `seal` checks where its records go before it seals anything — it never
// overwrites an input or an audit segment, never writes two records to one path, and says in one
// sentence (with a documented code) when the output or the audit directory cannot be written.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-seal-out-'));
let n = 0;
const fresh = (name: string) => join(work, `${name}-${++n}`);
function modelFile(path: string, size = 6000): Buffer {
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return bytes;
}
const seal = (args: string[], auditDir: string) => runCli(work, ['seal', ...args, '--simulate', '--audit-dir', auditDir, '--json']);

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
  t.match(seal([model, '--out', link], audit).json, { error: { code: 'E_ARG', message: /overwrite the input/ } }, 'a hard link to the input is the input');
  t.ok(readFileSync(model).equals(bytes), 'the model file still holds the model');
  t.notOk(existsSync(audit), 'refused before the worker opened: nothing sealed, no audit log');
});

t.test('#4: an input that is another input\'s default record path is refused', async (t) => {
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
