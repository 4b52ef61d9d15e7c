// The installed NVIDIA kernel driver, read where the driver publishes it (no library call, so it
// works even when the CUDA runtime refuses the driver as too old).
import { readFileSync } from 'node:fs';

/** The NVIDIA driver version, e.g. "580.65.06", or null when no NVIDIA driver is loaded. */
export function nvidiaDriverVersion(procFile = '/proc/driver/nvidia/version'): string | null {
  try {
    return /Kernel Module(?: for [\w-]+)?\s+(\d+\.\d+(?:\.\d+)?)/.exec(readFileSync(procFile, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** "13.0" from the CUDA runtime's integer form 13000. */
export function cudaVersionText(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

/**
 * One sentence on the driver against what this addon's static CUDA runtime needs, e.g.
 * "driver 550.54.15 supports CUDA 12.4; this addon needs CUDA 13.0: NVIDIA driver R580 or newer".
 */
export function driverRequirement(
  status: { driverCudaVersion?: number | null; runtimeVersion?: number; minimumDriverBranch?: number },
  driver: string | null,
): string | null {
  if (status.runtimeVersion === undefined || status.minimumDriverBranch === undefined) return null;
  const need = `this addon needs CUDA ${cudaVersionText(status.runtimeVersion)}: NVIDIA driver R${status.minimumDriverBranch} or newer`;
  if (driver === null && !status.driverCudaVersion) return `no NVIDIA driver; ${need}`;
  const supports = status.driverCudaVersion ? ` supports CUDA ${cudaVersionText(status.driverCudaVersion)}` : '';
  const tooOld =
    status.driverCudaVersion !== undefined &&
    status.driverCudaVersion !== null &&
    status.driverCudaVersion < status.runtimeVersion;
  return `driver ${driver ?? '(version unknown)'}${supports}${tooOld ? ' - too old' : ''}; ${need}`;
}
