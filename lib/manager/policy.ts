// The VRAM-only policy: model bytes must sit in discrete device memory, never in host memory
// that merely looks like a device. Checked when a manager opens and on every allocation.
import { DeviceError, InvalidArgumentError, PolicyViolationError } from '../errors.js';
import { type Backend, nativeStatus } from '../native/index.js';

export interface VramPolicy {
  /** Accept the host-simulated device (tests and demos only: it is never VRAM). Default false. */
  allowSimulatedDevice?: boolean;
  /** Lowest accepted compute capability. Default 7.5 (the oldest architecture CUDA 13 supports). */
  minComputeCapability?: { major: number; minor: number };
}

/** The device facts the policy looks at (a subset of the addon's DeviceProperties). */
export interface PolicyDeviceFacts {
  backend: 'cuda' | 'host-sim';
  name: string;
  integrated: boolean;
  computeCapability: { major: number; minor: number };
}

export interface PolicyFinding {
  policy: 'vram_only';
  violation: 'simulated_device' | 'integrated_gpu' | 'compute_capability' | 'not_device_memory';
  details: string;
  remediation: string;
}

const DEFAULT_MIN_CC = { major: 7, minor: 5 };

/** Every rule the device breaks; empty when the policy accepts it. */
export function checkDevicePolicy(device: PolicyDeviceFacts, policy: VramPolicy = {}): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  if (device.backend === 'host-sim') {
    if (!policy.allowSimulatedDevice) {
      findings.push({
        policy: 'vram_only',
        violation: 'simulated_device',
        details: 'the host-simulated device keeps shard bytes in host memory, not VRAM',
        remediation:
          'Run on a CUDA device, or pass policy: { allowSimulatedDevice: true } to VramManager.open (tests and demos only)',
      });
    }
    return findings;
  }
  if (device.integrated) {
    findings.push({
      policy: 'vram_only',
      violation: 'integrated_gpu',
      details: `device "${device.name}" is an integrated GPU whose memory is host memory`,
      remediation: 'Use a discrete GPU with its own device memory',
    });
  }
  const min = policy.minComputeCapability ?? DEFAULT_MIN_CC;
  const cc = device.computeCapability;
  if (cc.major < min.major || (cc.major === min.major && cc.minor < min.minor)) {
    findings.push({
      policy: 'vram_only',
      violation: 'compute_capability',
      details: `device "${device.name}" has compute capability ${cc.major}.${cc.minor}, below ${min.major}.${min.minor}`,
      remediation: `Use a device of compute capability ${min.major}.${min.minor} or newer`,
    });
  }
  return findings;
}

/** The per-allocation rule: CUDA must report the pointer as device memory. */
export function allocationFinding(backend: 'cuda' | 'host-sim', isDeviceMemory: boolean): PolicyFinding | null {
  if (backend === 'host-sim' || isDeviceMemory) return null;
  return {
    policy: 'vram_only',
    violation: 'not_device_memory',
    details: 'CUDA reports the allocation is not device memory',
    remediation: 'Check the driver configuration; managed or host memory is never accepted',
  };
}

/** Audits the findings (critical, flushed) and throws; does nothing when there are none. */
export async function enforce(
  findings: PolicyFinding[],
  report: (findings: PolicyFinding[]) => Promise<void>,
): Promise<void> {
  if (findings.length === 0) return;
  await report(findings);
  throw policyError(findings);
}

/** 'auto' means cuda when the addon sees a device; host-sim is only ever chosen explicitly. */
export function resolveBackend(backend: 'auto' | Backend): Backend {
  if (backend === 'cuda' || backend === 'host-sim') return backend;
  if (backend !== 'auto') throw new InvalidArgumentError('backend', 'must be "auto", "cuda" or "host-sim"');
  const status = nativeStatus();
  if (status.loaded && status.cudaDeviceCount > 0) return 'cuda';
  throw new DeviceError(
    'E_NO_DEVICE',
    `no usable CUDA device (${status.reason ?? 'none found'}); pass backend "host-sim" with policy.allowSimulatedDevice for tests and demos`,
  );
}

function policyError(findings: PolicyFinding[]): PolicyViolationError {
  const first = findings[0]!;
  const details = findings.map((f) => f.details).join('; ');
  return new PolicyViolationError(
    first.policy,
    `VRAM-only policy refused: ${details}`,
    findings.map((f) => f.remediation).join('. '),
  );
}
