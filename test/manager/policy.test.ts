import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll } from '../../lib/audit/index.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { checkDevicePolicy, allocationFinding, type PolicyDeviceFacts } from '../../lib/manager/policy.js';
import { PolicyViolationError } from '../../lib/errors.js';

const discrete: PolicyDeviceFacts = {
  backend: 'cuda',
  name: 'Discrete',
  integrated: false,
  computeCapability: { major: 8, minor: 0 },
};

t.test('each VRAM-only rule', async (t) => {
  t.same(checkDevicePolicy(discrete), [], 'a discrete sm_80 device is accepted');
  t.same(
    checkDevicePolicy({ ...discrete, integrated: true }).map((f) => f.violation),
    ['integrated_gpu'],
  );
  t.same(
    checkDevicePolicy({ ...discrete, computeCapability: { major: 7, minor: 0 } }).map((f) => f.violation),
    ['compute_capability'],
  );
  t.same(checkDevicePolicy({ ...discrete, computeCapability: { major: 7, minor: 5 } }), [], '7.5 is the floor');
  t.same(
    checkDevicePolicy({ ...discrete, integrated: true, computeCapability: { major: 6, minor: 1 } }).map(
      (f) => f.violation,
    ),
    ['integrated_gpu', 'compute_capability'],
    'every broken rule is reported',
  );
  t.same(
    checkDevicePolicy({ ...discrete, backend: 'host-sim' }).map((f) => f.violation),
    ['simulated_device'],
  );
  t.same(checkDevicePolicy({ ...discrete, backend: 'host-sim' }, { allowSimulatedDevice: true }), []);
  t.same(allocationFinding('cuda', false)?.violation, 'not_device_memory');
  t.equal(allocationFinding('cuda', true), null);
});

t.test('the simulated device is refused unless allowed: audited, typed, nothing allocated', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-policy-'));
  const audit = AuditLogger.open({ dir, service: 'worker-1', flush: { mode: 'hybrid' } });
  const err = await VramManager.open({
    token: 'test-worker-token-0123456789abcdef',
    workerId: 'worker-1',
    audit,
    backend: 'host-sim',
  }).catch((e) => e);
  t.ok(err instanceof PolicyViolationError);
  t.equal(err.code, 'E_POLICY');
  t.match(err.message, /allowSimulatedDevice/, 'the message says what to do');
  const records = await queryAuditLogAll(dir, { types: ['security.policy_violation'] });
  t.equal(records.length, 1, 'on disk before open() rejected');
  t.match(records[0]!.data, {
    policy: 'vram_only',
    violation: 'simulated_device',
    action_taken: 'worker_startup_blocked',
    worker_id: 'worker-1',
  });
  t.equal(records[0]!.severity, 'critical');
  await audit.close();
  t.same((await queryAuditLogAll(dir, { types: ['vram.allocated'] })).length, 0, 'no memory was taken');
});

t.test('backend auto without a CUDA device says why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-policy-'));
  const audit = AuditLogger.open({ dir, service: 'worker-1' });
  const err = await VramManager.open({
    token: 'test-worker-token-0123456789abcdef',
    workerId: 'worker-1',
    audit,
  }).catch((e) => e);
  // On a GPU machine this opens the device instead; here there is none.
  if (err instanceof Error) {
    t.equal((err as { code?: string }).code, 'E_NO_DEVICE');
    t.match(err.message, /host-sim/);
  } else {
    await err.close();
    t.pass('a CUDA device was available and accepted');
  }
  await audit.close();
});
