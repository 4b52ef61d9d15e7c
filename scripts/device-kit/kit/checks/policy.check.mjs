// The VRAM-only policy against the real device: the properties the addon reports agree with
// nvidia-smi (name, UUID, memory, compute capability) and with the driver's memory report; the
// policy accepts the device (discrete, cc >= 7.5); CUDA reports every allocation as device memory
// (pointer attributes); a VramManager opens on it, seals, verifies and releases, and the simulated
// device is refused unless allowed. On a dry run the stand-in is host-sim and must be refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { MiB, onDevice, openTarget, randomBytes, sdk, status, workDir } from './common.mjs';

const TOKEN = 'device-kit-token-0123456789abcdef';
const target = await openTarget();
const dir = workDir('policy-');
after(() => {
  target.close();
  rmSync(dir, { recursive: true, force: true });
});

function nvidiaSmiGpus() {
  const r = spawnSync(
    'nvidia-smi',
    ['--query-gpu=index,name,uuid,memory.total,compute_cap', '--format=csv,noheader,nounits'],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (r.error || r.status !== 0) return null;
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [index, name, uuid, memoryMiB, cc] = line.split(',').map((s) => s.trim());
      return { index: Number(index), name, uuid, memoryMiB: Number(memoryMiB), cc };
    });
}

test('device properties are the real device (agree with nvidia-smi and the memory report)', (t) => {
  const p = target.properties();
  t.diagnostic(JSON.stringify(p));
  const { total } = target.memInfo();
  assert.equal(p.totalMemory, total, 'properties.totalMemory = memInfo().total');
  if (!onDevice) {
    assert.equal(p.backend, 'host-sim');
    assert.equal(p.uuid, null, 'host-sim has no GPU UUID');
    return;
  }
  assert.equal(p.backend, 'cuda');
  assert.match(p.uuid ?? '', /^(GPU|MIG)-[0-9a-f]{8}-/);
  assert.ok(p.driverVersion >= 13000, `the driver supports CUDA ${p.driverVersion} (CUDA 13 needs R580+)`);
  assert.equal(p.runtimeVersion, status.runtimeVersion);
  const smi = nvidiaSmiGpus();
  if (smi === null) {
    t.diagnostic('nvidia-smi did not answer: properties not cross-checked');
    return;
  }
  const gpu = smi.find((g) => g.uuid === p.uuid) ?? smi.find((g) => p.uuid?.startsWith('MIG-') && g.index === p.index);
  assert.ok(gpu, `nvidia-smi lists ${p.uuid} (it lists ${smi.map((g) => g.uuid).join(', ')})`);
  assert.equal(gpu.name, p.name, 'same name');
  assert.equal(gpu.cc, `${p.computeCapability.major}.${p.computeCapability.minor}`, 'same compute capability');
  const mib = p.totalMemory / MiB;
  assert.ok(
    Math.abs(mib - gpu.memoryMiB) / gpu.memoryMiB < 0.05,
    `memory ${mib.toFixed(0)} MiB vs nvidia-smi ${gpu.memoryMiB} MiB`,
  );
});

test('the VRAM-only policy judges the device by its properties', () => {
  const findings = sdk.checkDevicePolicy(target.properties());
  if (onDevice) {
    assert.deepEqual(findings, [], 'a discrete GPU with cc >= 7.5 is accepted');
  } else {
    assert.deepEqual(
      findings.map((f) => f.violation),
      ['simulated_device'],
    );
  }
  const integrated = { ...target.properties(), backend: 'cuda', integrated: true };
  assert.ok(
    sdk.checkDevicePolicy(integrated).some((f) => f.violation === 'integrated_gpu'),
    'integrated memory refused',
  );
});

test('pointer attributes: every allocation is device memory on CUDA', async () => {
  for (const size of [1, 4096, 3 * MiB + 5, 256 * MiB]) {
    const a = await target.allocate(size);
    assert.equal(
      a.isDeviceMemory(),
      onDevice,
      `${size} bytes: ${onDevice ? 'cudaMemoryTypeDevice' : 'host-sim is host memory'}`,
    );
    await a.free();
  }
});

test('a VramManager opens on the device, seals, verifies and releases; the simulated device needs an explicit allow', async () => {
  const audit = sdk.AuditLogger.open({ dir, service: 'device-kit', flush: { mode: 'hybrid' } });
  try {
    const base = { token: TOKEN, workerId: 'device-kit', audit, leafSize: 65536 };
    if (onDevice) {
      const vram = await sdk.VramManager.open({ ...base, backend: 'cuda' });
      const shard = await vram.sealBytes(randomBytes(9 * MiB + 1, 4));
      assert.equal(shard.backend, 'cuda');
      assert.equal((await vram.verify(shard, { mode: 'full' })).ok, true);
      assert.equal((await vram.verify(shard, { mode: 'sample', samples: 32 })).ok, true);
      await vram.release(shard);
      await vram.close();
    }
    const refused = await sdk.VramManager.open({ ...base, backend: 'host-sim' }).catch((e) => e);
    assert.equal(refused?.code, 'E_POLICY', 'the simulated device is refused by default');
    const allowed = await sdk.VramManager.open({
      ...base,
      backend: 'host-sim',
      policy: { allowSimulatedDevice: true },
    });
    await allowed.close();
  } finally {
    await audit.close();
  }
});
