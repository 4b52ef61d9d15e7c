// Loads the addon (a prebuilt binary or a local build: ./binary.ts) and maps its coded errors to
// DeviceError. The raw addon surface is internal: use openDevice / cpuEngine.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DeviceError, DeviceLostError, type ErrorCode, IpcUnavailableError, StaleHandleError } from '../errors.js';
import { type LoadedBinary, loadAddonBinary } from './binary.js';
import { driverRequirement, nvidiaDriverVersion } from './driver.js';
import type { DeviceProperties, NativeStatus } from './types.js';

/** Limits the addon enforces (csrc/leaf_limits.h); lib/native checks the same numbers first. */
export interface NativeLimits {
  minLeafSize: number;
  maxLeafSize: number;
  maxChunkBytes: number;
  maxThreads: number;
  maxDeviceIndex: number;
}

/** Handles of one allocation: every allocation call names its device too (a foreign pair is E_ARG). */
export interface AllocationRef {
  device: number;
  allocation: number;
}

/**
 * The addon's raw functions. Each takes one options object read by name (csrc/js_args.h); handles
 * are small integers, no pointer ever reaches JS.
 */
export interface NativeAddon {
  status(): {
    withCuda: boolean;
    cudaDeviceCount: number;
    reason: string | null;
    sha256Accelerated: boolean;
    limits: NativeLimits;
    /** CUDA builds: the CUDA version the driver supports (e.g. 13000), null without a driver. */
    driverCudaVersion?: number | null;
    /** CUDA builds: the statically linked runtime (CUDART_VERSION) and the oldest driver branch it runs on. */
    runtimeVersion?: number;
    minimumDriverBranch?: number;
  };
  coreSha256(o: { bytes: Uint8Array }): Uint8Array;
  cpuMth(o: { data: Uint8Array; leafSize: number; threads?: number }): Promise<Uint8Array>;
  cpuMthFile(o: {
    path: string;
    leafSize: number;
    offset: number;
    length?: number;
    threads?: number;
    sha256?: boolean;
  }): Promise<{ digest: Uint8Array; size: number; sha256: Uint8Array | null }>;
  cpuSha256(o: { data: Uint8Array }): Promise<Uint8Array>;
  cpuSha256File(o: { path: string }): Promise<{ sha256: Uint8Array; size: number }>;
  /** SPEC §8: appends entries (64 hex each) to a tree of `size` with right edge `frontier` (lib/native/tlog-append.ts). */
  tlogAppend(o: { size: number; frontier: Uint8Array; entriesHex: string }): {
    stored: Uint8Array;
    frontier: Uint8Array;
  };
  openDevice(o: {
    backend: string;
    index: number;
    capacityBytes: number;
    faultInjection?: boolean;
    threads?: number;
    simulatedLateCopies?: boolean;
    simulatedOrderingBug?: boolean;
  }): Promise<number>;
  loseDevice(o: { device: number }): void;
  deviceProperties(o: { device: number }): DeviceProperties;
  deviceMemInfo(o: { device: number }): { free: number; total: number };
  deviceClose(o: { device: number }): void;
  allocate(o: { device: number; size: number }): Promise<number>;
  isDeviceMemory(o: AllocationRef): boolean;
  upload(o: AllocationRef & { deviceOffset: number; bytes: Uint8Array }): Promise<void>;
  uploadFile(
    o: AllocationRef & {
      path: string;
      fileOffset: number;
      length?: number;
      deviceOffset: number;
      leafSize: number;
      sha256?: boolean;
      chunkBytes: number;
      onProgress?: (bytesDone: number) => void;
    },
  ): Promise<{ leafHashes: Uint8Array; sha256: Uint8Array | null; length: number }>;
  leafHashes(o: AllocationRef & { leafSize: number; firstLeaf: number; count: number }): Promise<Uint8Array>;
  chosenLeafHashes(o: AllocationRef & { leafSize: number; indices: readonly number[] }): Promise<Uint8Array>;
  root(o: AllocationRef & { leafSize: number }): Promise<Uint8Array>;
  flipBits(o: AllocationRef & { offset: number; mask: number }): Promise<void>;
  free(o: AllocationRef): Promise<{ zeroed: boolean }>;
  /** The allocation's address (cuda: device pointer; host-sim: host pointer). */
  allocationAddress(o: AllocationRef): bigint;
  exportIpc(o: AllocationRef): NativeIpcHandle;
  /** Maps another process's export on this device: resolves with a read-only allocation handle. */
  openIpc(o: { device: number; handle: NativeIpcHandle }): Promise<number>;
  /** Throws E_STALE_HANDLE unless the exporter still holds the memory (host-sim; cuda checks on open). */
  checkIpc(o: { device: number; handle: NativeIpcHandle }): void;
  ipcStatus(o: { device: number }): { available: boolean; kind: string; detail: string };
  readRange(o: AllocationRef & { offset: number; length: number }): Promise<Uint8Array>;
  /** 32-byte SPEC §1 roots of `[offset, length, …]` ranges, computed on the device. */
  rangeRoots(o: AllocationRef & { leafSize: number; ranges: number[] }): Promise<Uint8Array>;
  /** @internal host-sim tests: bytes at a raw address inside the allocation. */
  readAtAddressForTesting(o: AllocationRef & { address: bigint; length: number }): Uint8Array;
  /** @internal host-sim tests: tries to write an imported allocation; errno per attempt (0 = it worked). */
  tryWriteForTesting(o: AllocationRef & { pid: number; fd: number; store?: boolean }): {
    mprotect: number;
    openReadWrite: number;
    pwrite?: number;
    mmapWrite?: number;
  };
}

/** An IPC handle as the addon makes and takes it (lib/native/ipc.ts turns it into JSON). */
export interface NativeIpcHandle {
  kind: string;
  pid: number;
  fd: number;
  token: string;
  opaque: Uint8Array;
  size: number;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

let cached: NativeAddon | undefined;
let loadedBinary: LoadedBinary | undefined;
let loadError: Error | undefined;

/** The addon, loaded once; throws DeviceError E_NO_ADDON saying what was tried and how to build it. */
export function loadNative(): NativeAddon {
  if (cached) return cached;
  if (loadError === undefined) {
    try {
      ({ addon: cached, binary: loadedBinary } = loadAddonBinary<NativeAddon>(packageRoot));
      return cached;
    } catch (error) {
      loadError = error instanceof Error ? error : new Error(String(error));
    }
  }
  throw new DeviceError(
    'E_NO_ADDON',
    `the native addon could not be loaded (${loadError.message}); verification uses WASM. To build it: \`npm run build:addon\` (needs a C++17 compiler; CUDA optional)`,
    { cause: loadError },
  );
}

/** What the native layer can do here. Never throws. */
export function nativeStatus(): NativeStatus {
  let addon: NativeAddon;
  try {
    addon = loadNative();
  } catch (error) {
    return { loaded: false, withCuda: false, reason: (error as Error).message, cudaDeviceCount: 0, binary: null };
  }
  const binary = loadedBinary ?? null;
  try {
    const s = addon.status();
    const driver = nvidiaDriverVersion();
    const cuda = s.withCuda
      ? {
          driverCudaVersion: s.driverCudaVersion ?? null,
          runtimeVersion: s.runtimeVersion,
          minimumDriverBranch: s.minimumDriverBranch,
          nvidiaDriver: driver,
          driverRequirement: driverRequirement(s, driver),
        }
      : {};
    return {
      loaded: true,
      binary,
      withCuda: s.withCuda,
      reason: s.reason,
      cudaDeviceCount: s.cudaDeviceCount,
      sha256Accelerated: s.sha256Accelerated,
      ...cuda,
    };
  } catch (error) {
    return { loaded: true, binary, withCuda: false, reason: (error as Error).message, cudaDeviceCount: 0 };
  }
}

const knownCodes = new Set<ErrorCode>([
  'E_ARG',
  'E_NO_DEVICE',
  'E_CUDA',
  'E_DEVICE_LOST',
  'E_OUT_OF_MEMORY',
  'E_BOUNDS',
  'E_FREED',
  'E_IO',
  'E_CLOSED',
  'E_POLICY',
  'E_STALE_HANDLE',
  'E_IPC_UNAVAILABLE',
]);

/** Turns an addon error (an Error with a string `code`) into a DeviceError; anything else passes through. */
export function toDeviceError(error: unknown): unknown {
  if (error instanceof DeviceError || !(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  const mapped: ErrorCode = knownCodes.has(code as ErrorCode) ? (code as ErrorCode) : 'E_CUDA';
  if (mapped === 'E_DEVICE_LOST') return new DeviceLostError(error.message);
  if (mapped === 'E_STALE_HANDLE') return new StaleHandleError(error.message);
  if (mapped === 'E_IPC_UNAVAILABLE') return new IpcUnavailableError(error.message);
  return new DeviceError(mapped, error.message, { retriable: mapped === 'E_OUT_OF_MEMORY' });
}

/** Runs a raw addon call, rethrowing its errors as DeviceError. */
export async function callNative<T>(call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDeviceError(error);
  }
}

export function callNativeSync<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toDeviceError(error);
  }
}
