// The CUDA build: when a toolkit is present the addon is built with the kernels (nvcc compiling
// them is the proof they build), it loads without a driver, and the missing driver is a clean,
// typed error naming the driver.
import t from 'tap';
import { execFileSync } from 'node:child_process';

import { DeviceError } from '../../lib/errors.js';
import { nativeStatus, openDevice } from '../../lib/native/index.js';
import { repoRoot } from '../helpers/vectors.js';

const toolkit =
  execFileSync(process.execPath, ['scripts/detect-cuda.mjs'], { cwd: repoRoot, encoding: 'utf8' }).trim() === '1';
const status = nativeStatus();

t.test('the addon loads and reports what it was built with', async (t) => {
  t.equal(status.loaded, true, 'loaded');
  t.equal(status.withCuda, toolkit, toolkit ? 'built with CUDA: nvcc compiled the kernels' : 'host-only build');
  t.type(status.sha256Accelerated, 'boolean');
});

t.test('without a usable device, status says why and cuda opens fail cleanly', async (t) => {
  if (status.cudaDeviceCount > 0) {
    const d = await openDevice({ backend: 'cuda' });
    t.equal(d.properties().backend, 'cuda');
    t.match(d.properties().uuid ?? '', /^(GPU|MIG)-[0-9a-f]{8}-/);
    const a = await d.allocate(1 << 20);
    t.equal(a.isDeviceMemory(), true);
    t.same(await a.free(), { zeroed: true }, 'zeroed on its stream before release');
    return;
  }
  t.type(status.reason, 'string');
  const err = await openDevice({ backend: 'cuda' }).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(err instanceof DeviceError, 'a DeviceError');
  const e = err as DeviceError;
  t.ok(e.code === 'E_NO_DEVICE' || e.code === 'E_CUDA', `code ${e.code}`);
  if (status.withCuda) {
    t.match(status.reason, /driver|device/i);
    t.match(e.message, /driver|no CUDA device/i);
    if (/no CUDA driver/.test(status.reason ?? '')) t.match(e.message, /code 35.*R580/);
  } else {
    t.match(e.message, /without CUDA/);
  }
});
