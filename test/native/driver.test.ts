// doctor's driver sentence: the installed NVIDIA driver (from /proc) against the minimum the static
// CUDA 13 runtime needs (R580), so an old driver is named as too old, not as "no driver".
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { driverRequirement, nvidiaDriverVersion } from '../../lib/native/driver.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-driver-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const cuda13 = { runtimeVersion: 13000, minimumDriverBranch: 580 };

t.test('reads the kernel module version from /proc/driver/nvidia/version', async (t) => {
  const proc = join(dir, 'version');
  writeFileSync(
    proc,
    'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release Build  (dvs-builder@U16-I3-B03-4-3)  Sun Jul 27 06:54:38 UTC 2025\nGCC version:  gcc version 13.3.0\n',
  );
  t.equal(nvidiaDriverVersion(proc), '580.65.06');
  writeFileSync(proc, 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n');
  t.equal(nvidiaDriverVersion(proc), '550.54.15');
  t.equal(nvidiaDriverVersion(join(dir, 'missing')), null);
});

t.test('says exactly what is missing', async (t) => {
  t.equal(
    driverRequirement({ ...cuda13, driverCudaVersion: 12040 }, '550.54.15'),
    'driver 550.54.15 supports CUDA 12.4 - too old; this addon needs CUDA 13.0: NVIDIA driver R580 or newer',
  );
  t.equal(
    driverRequirement({ ...cuda13, driverCudaVersion: 13000 }, '580.65.06'),
    'driver 580.65.06 supports CUDA 13.0; this addon needs CUDA 13.0: NVIDIA driver R580 or newer',
  );
  t.equal(
    driverRequirement({ ...cuda13, driverCudaVersion: null }, null),
    'no NVIDIA driver; this addon needs CUDA 13.0: NVIDIA driver R580 or newer',
  );
  t.equal(driverRequirement({}, null), null, 'host-only builds have no driver requirement');
});
