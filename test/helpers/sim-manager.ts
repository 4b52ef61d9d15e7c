// A VramManager on the host-simulated device, as the manager tests open it.
import type { AuditLogger } from '../../lib/audit/index.js';
import { VramManager, type VramManagerOptions } from '../../lib/manager/vram-manager.js';

export const TEST_TOKEN = 'test-worker-token-0123456789abcdef';

export function openSimManager(audit: AuditLogger, extra: Partial<VramManagerOptions> = {}): Promise<VramManager> {
  return VramManager.open({
    token: TEST_TOKEN,
    workerId: 'worker-1',
    audit,
    backend: 'host-sim',
    policy: { allowSimulatedDevice: true },
    leafSize: 4096,
    simulatedCapacityBytes: 1 << 22,
    faultInjection: true,
    ...extra,
  });
}
