// Issue 10 #3: with --json, stdout carries exactly one JSON document even when the audit logger
// has something to say (here: taking over a stale lock); its lines go to stderr.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-json-stdout-'));

t.test('a stale-lock takeover warning goes to stderr, the JSON document alone to stdout', async (t) => {
  const model = join(work, 'model.bin');
  writeFileSync(model, randomBytes(5000));
  const auditDir = join(work, 'audit');
  mkdirSync(auditDir);
  const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout;
  writeFileSync(
    join(auditDir, 'audit.lock'),
    JSON.stringify({ pid: Number(deadPid), host: hostname(), token: 'feedfacefeedface' }) + '\n',
  );
  const r = runCli(work, ['seal', model, '--simulate', '--audit-dir', auditDir, '--json']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /took over a stale audit lock/, 'the warning is still said, on stderr');
  t.ok(r.json, `stdout is one JSON document: ${r.stdout.slice(0, 200)}`);
  t.equal(r.json?.ok, true);
});
