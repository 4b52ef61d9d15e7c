// What `seal` and `demo` share: an audit log and a manager on the right backend, with the
// simulated device allowed only when asked for (and then said out loud).
import { hostname } from 'node:os';
import { AuditLogger } from '../audit/index.js';
import { DeviceError, InvalidArgumentError, VramResidencyError } from '../errors.js';
import { WORKER_ID_PATTERN } from '../seal/record.js';
import { VramManager } from '../manager/vram-manager.js';
import { nativeStatus } from '../native/index.js';
import type { SigningKey } from '../attest/node-keys.js';
import type { Reporter } from './reporter.js';
import { WORKER_ID_RULE } from './hints.js';

/**
 * The host's name made a valid worker id. The same on every run, so that one audit directory keeps
 * one service: a process id in it made each `seal` a new service, which `audit ship` then refuses.
 */
export function defaultWorkerId(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9._:-]/g, '-')
      .slice(0, 128) || 'worker'
  );
}

export interface WorkerSetup {
  audit: AuditLogger;
  manager: VramManager;
  simulated: boolean;
}

export async function openWorker(
  reporter: Reporter,
  opts: {
    token: string;
    workerId: string;
    auditDir: string;
    device: number;
    simulate: boolean;
    leafSize: number;
    simulatedCapacityBytes?: number;
    faultInjection?: boolean;
    signer?: SigningKey;
  },
): Promise<WorkerSetup> {
  if (!WORKER_ID_PATTERN.test(opts.workerId))
    throw new InvalidArgumentError('--worker-id', `must be ${WORKER_ID_RULE}; got "${opts.workerId.slice(0, 140)}"`);
  const audit = AuditLogger.open({ dir: opts.auditDir, service: opts.workerId, flush: { mode: 'hybrid' } });
  try {
    const manager = await VramManager.open({
      token: opts.token,
      workerId: opts.workerId,
      audit,
      device: opts.device,
      backend: opts.simulate ? 'host-sim' : 'cuda',
      policy: { allowSimulatedDevice: opts.simulate },
      leafSize: opts.leafSize,
      simulatedCapacityBytes: opts.simulatedCapacityBytes,
      faultInjection: opts.faultInjection,
      signer: opts.signer,
    });
    if (opts.simulate)
      reporter.warn('note: using the host-simulated device (host memory, not VRAM) — for tests and demos only');
    return { audit, manager, simulated: opts.simulate };
  } catch (error) {
    await audit.close();
    if (!opts.simulate && error instanceof VramResidencyError && error.code === 'E_NO_DEVICE') {
      const reason = error.message.split(';')[0];
      throw new DeviceError(
        'E_NO_DEVICE',
        `no usable CUDA device (${reason}); on a machine without a GPU add --simulate to use the host-simulated device (tests and demos only)`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** True when a CUDA device is there to use; otherwise commands fall back to the simulated device only when told to. */
export function cudaAvailable(): boolean {
  const s = nativeStatus();
  return s.loaded && s.cudaDeviceCount > 0;
}
