// Without a built addon the native layer degrades cleanly: nativeStatus() reports why and never
// throws, loadNative()/openDevice() throw DeviceError E_NO_ADDON saying how to build it. Runs the
// built JS (dist/, rebuilt by pretest) from a temp package that has no build/ directory.
import t from 'tap';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { repoRoot } from '../helpers/vectors.js';
import { TREE_FILE } from '../../lib/audit/write/tree-file.js';
import { expectedTreeBytes } from '../audit/helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vrr-noaddon-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('no addon: status explains, loaders throw E_NO_ADDON', async (t) => {
  // The whole of dist/ (any module may import any other), but no build/: that is what is tested.
  cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', type: 'module' }));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const script = `
    const m = await import('./dist/native/index.js');
    const status = m.nativeStatus();
    const errors = [];
    for (const call of [() => m.loadNative(), () => m.openDevice({ backend: 'host-sim' })]) {
      try { await call(); errors.push(null); } catch (e) { errors.push({ name: e.name, code: e.code, message: e.message }); }
    }
    let cpu = null;
    try { await m.cpuEngine.sha256(new Uint8Array(1)); } catch (e) { cpu = e.code; }
    // The audit writer hashes its SPEC §8 tree in JS instead.
    const { nativeTlogAppend } = await import('./dist/native/tlog-append.js');
    const { AuditLogger } = await import('./dist/audit/index.js');
    const log = AuditLogger.open({ dir: './log', service: 'probe' });
    for (let i = 0; i < 300; i++) log.emit({ type: 'app.probe', data: { n: i } });
    await log.close();
    console.log(JSON.stringify({ status, errors, cpu, treeInAddon: nativeTlogAppend() !== null }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
  const out = JSON.parse(stdout) as {
    status: { loaded: boolean; withCuda: boolean; reason: string; cudaDeviceCount: number };
    errors: Array<{ name: string; code: string; message: string } | null>;
    cpu: string | null;
    treeInAddon: boolean;
  };
  t.equal(out.status.loaded, false);
  t.equal(out.status.withCuda, false);
  t.equal(out.status.cudaDeviceCount, 0);
  t.match(out.status.reason, /build:addon/);
  for (const e of out.errors) {
    t.ok(e !== null, 'threw');
    t.equal(e?.name, 'DeviceError');
    t.equal(e?.code, 'E_NO_ADDON');
    t.match(e?.message, /npm run build:addon/);
  }
  t.equal(out.cpu, 'E_NO_ADDON', 'the CPU engine rejects the same way');
  t.equal(out.treeInAddon, false, 'the audit tree has no addon to hash in');
  const log = join(dir, 'log');
  t.same(
    readFileSync(join(log, TREE_FILE)),
    expectedTreeBytes(log).bytes,
    "the writer's tree file, hashed in JS, is the tree of its records",
  );
});
