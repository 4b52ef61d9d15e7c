// With CUDA switched off (VRAM_RESIDENCY_CUDA=0) the addon builds host-only and still serves the
// CPU engine and host-sim, and says "built without CUDA". Built into a temp copy so the main
// build is untouched.
import t from 'tap';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { NativeAddon } from '../../lib/native/index.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';
import { repoRoot } from '../helpers/vectors.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vrr-hostonly-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('VRAM_RESIDENCY_CUDA=0 builds a host-only addon that works', async (t) => {
  for (const part of ['binding.gyp', 'csrc', 'scripts'])
    cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const nodeGyp = join(repoRoot, 'node_modules', '.bin', 'node-gyp');
  const { stdout } = await run(nodeGyp, ['rebuild', '--nodedir=/usr', '-j', '2'], {
    cwd: dir,
    env: { ...process.env, VRAM_RESIDENCY_CUDA: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  t.notMatch(stdout, /nvcc/, 'nvcc was not run');
  const addon = createRequire(import.meta.url)(join(dir, 'build', 'Release', 'vram_residency.node')) as NativeAddon;
  const status = addon.status();
  t.equal(status.withCuda, false);
  t.equal(status.reason, 'built without CUDA');
  await t.rejects(addon.openDevice({ backend: 'cuda', index: 0, capacityBytes: 0 }), {
    code: 'E_NO_DEVICE',
    message: /without CUDA/,
  });

  const data = randomBytes(300_001, 17);
  const expected = hex(oracleMth(data, 4096));
  t.equal(hex(await addon.cpuMth({ data, leafSize: 4096, threads: 2 })), expected, 'CPU engine');
  const device = await addon.openDevice({ backend: 'host-sim', index: 0, capacityBytes: 1 << 20, threads: 2 });
  const allocation = await addon.allocate({ device, size: data.length });
  await addon.upload({ device, allocation, deviceOffset: 0, bytes: data });
  t.equal(hex(await addon.root({ device, allocation, leafSize: 4096 })), expected, 'host-sim root');
  await addon.free({ device, allocation });
});
