// A host process started with process-wide flags (as benches and tuned workers are) must still be
// able to start digestFile's workers: they inherit execArgv instead of being handed it.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { oracleMth, hex } from '../helpers/oracle.js';
import { repoRoot } from '../helpers/vectors.js';

t.test('digestFile under --expose-gc and --max-old-space-size', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'vrr-flags-')), 'data.bin');
  const data = randomBytes(12 * 65536 + 5);
  writeFileSync(file, data);
  const script = `const { digestFile } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'engines', 'wasm-digest.js')).href)});
    const r = await digestFile(${JSON.stringify(file)}, { threads: 2 });
    process.stdout.write(Buffer.from(r.digest).toString('hex'));`;
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=512', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  t.equal(r.stderr, '');
  t.equal(r.status, 0);
  t.equal(r.stdout, hex(oracleMth(data, 65536)));
});
