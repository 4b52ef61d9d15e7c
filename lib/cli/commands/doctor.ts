// `vram-residency doctor`: what this machine offers and whether the VRAM-only policy accepts it.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkDevicePolicy } from '../../manager/policy.js';
import { type DeviceProperties, nativeStatus, openDevice } from '../../native/index.js';
import { loadWasm } from '../../wasm/index.js';
import { type Reporter, formatBytes } from '../reporter.js';
import { runCommand } from '../run.js';
import { plural } from '../units.js';

function cpuHasShaNi(): boolean | null {
  try {
    return /\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return null;
  }
}

type IpcSupport = { available: boolean; kind: string; detail: string };

function ipcLine(ipc: IpcSupport): string {
  return ipc.available ? `available (${ipc.kind}: ${ipc.detail})` : `unavailable — ${ipc.detail}`;
}

// Leases export host-sim memory as sealed memfds: whether this kernel can (tests and demos).
async function hostSimIpcSupport(): Promise<IpcSupport | null> {
  try {
    const device = await openDevice({ backend: 'host-sim', capacityBytes: 1 });
    try {
      return device.ipcStatus();
    } finally {
      device.close();
    }
  } catch {
    return null;
  }
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show what this machine offers: addon, CUDA, devices and the policy verdict, SHA-NI, WASM SIMD')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter) => {
        const status = nativeStatus();
        const devices: {
          properties: DeviceProperties;
          policy: { accepted: boolean; findings: string[] };
          ipc: IpcSupport;
        }[] = [];
        for (let index = 0; index < status.cudaDeviceCount; index++) {
          const device = await openDevice({ backend: 'cuda', index });
          try {
            const properties = device.properties();
            const findings = checkDevicePolicy(properties);
            devices.push({
              properties,
              policy: { accepted: findings.length === 0, findings: findings.map((f) => f.details) },
              ipc: device.ipcStatus(),
            });
          } finally {
            device.close();
          }
        }
        const hostSimIpc = status.loaded ? await hostSimIpcSupport() : null;
        let wasmSimd = false;
        let wasmError: string | null = null;
        try {
          await loadWasm();
          wasmSimd = true; // the module is built with SIMD: it only instantiates where SIMD is supported
        } catch (error) {
          wasmError = (error as Error).message;
        }
        const usable = devices.filter((d) => d.policy.accepted).length;
        const verdict =
          usable > 0
            ? `ready: ${plural(usable, 'CUDA device')} accepted by the VRAM-only policy`
            : `no usable CUDA device: sealing runs only on the simulated device (tests and demos); offline verification works (${status.loaded ? 'native' : 'wasm'} engine)`;
        reporter.result({
          addon: status,
          devices,
          hostSimIpc,
          shaNi: cpuHasShaNi(),
          wasmSimd,
          wasmError,
          verdict,
          ready: usable > 0,
        });
        reporter.line(
          `addon:        ${status.loaded ? `loaded (${status.withCuda ? 'built with CUDA' : 'built without CUDA'})` : `not loaded: ${status.reason}`}`,
        );
        if (status.binary)
          reporter.line(
            `binary:       ${status.binary.kind === 'prebuild' ? "the package's prebuilt addon" : 'built on this machine'} — ${status.binary.path}`,
          );
        if (status.loaded)
          reporter.line(
            `CUDA:         ${plural(status.cudaDeviceCount, 'device')}${status.reason ? ` — ${status.reason}` : ''}`,
          );
        if (status.driverRequirement) reporter.line(`driver:       ${status.driverRequirement}`);
        for (const d of devices) {
          const p = d.properties;
          reporter.line(
            `device ${p.index}:     ${p.name} (${p.uuid ?? 'no uuid'}), ${formatBytes(p.totalMemory)}, cc ${p.computeCapability.major}.${p.computeCapability.minor}, integrated ${p.integrated}, managed ${p.managedMemory}, pageable ${p.pageableMemoryAccess}, driver ${p.driverVersion}, runtime ${p.runtimeVersion}`,
          );
          reporter.line(
            `  policy:     ${d.policy.accepted ? 'accepted' : `refused — ${d.policy.findings.join('; ')}`}`,
          );
          reporter.line(`  IPC:        ${ipcLine(d.ipc)}`);
        }
        if (hostSimIpc) reporter.line(`host-sim IPC: ${ipcLine(hostSimIpc)}`);
        reporter.line(`SHA-NI:       ${cpuHasShaNi() ?? 'unknown'}`);
        reporter.line(`WASM SIMD:    ${wasmSimd ? 'yes' : `no (${wasmError})`}`);
        reporter.line(reporter.strong(`verdict:      ${verdict}`));
        return 0;
      }),
    );
}
