// Issue 10 #2, #8, #10 on the command line: the seal record file a user points `verify --seal` at
// is read as a capped regular file and parsed strictly, and never takes the process down.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-record-input-'));
const model = join(work, 'model.bin');
writeFileSync(model, randomBytes(9000));
const recordPath = join(work, 'model.seal.json');
const sealed = runCli(work, ['seal', model, '--simulate', '--leaf-size', '4096', '--audit-dir', join(work, 'audit'), '--out', recordPath]);
const recordText = readFileSync(recordPath, 'utf8');

t.test('the fixture sealed', async (t) => t.equal(sealed.status, 0, sealed.stderr));

t.test('#2: a record with a 100 MiB modelRef is malformed (status 1), not a heap crash', async (t) => {
  const huge = join(work, 'huge.seal.json');
  writeFileSync(huge, recordText.replace(/"modelRef": null/, () => `"modelRef": "${'m'.repeat(100 << 20)}"`));
  const r = runCli(work, ['verify', model, '--seal', huge, '--json'], { nodeArgs: ['--max-old-space-size=256'] });
  t.equal(r.signal, null, 'not killed');
  t.equal(r.status, 1, r.stderr.slice(0, 300));
  t.match(r.json, { ok: false, error: { code: 'E_MALFORMED', message: /larger than any seal record/ } });
});
