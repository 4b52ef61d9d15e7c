// Devices and allocations over the addon's handles. One interface, two backends (cuda, host-sim).
// An Allocation is a handle; its address leaves the addon only through address(), which a lease
// (lib/manager/lease.ts) hands to inference together with the seal.
import { DeviceError } from '../errors.js';
import {
  type AllocationRef,
  callNative,
  callNativeSync,
  loadNative,
  type NativeAddon,
  type NativeIpcHandle,
} from './addon.js';
import { NATIVE_LIMITS, checkInteger, checkLeafSize, checkPath, ownedBytes } from './args.js';
import type { Backend, DeviceProperties, OpenDeviceOptions, UploadFileOptions, UploadFileResult } from './types.js';

const DEFAULT_HOST_SIM_CAPACITY = 1024 ** 3;
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * An open device (cuda or host-sim), from {@link openDevice}. JS holds small integer handles only;
 * an allocation is honoured only with the device it was made on.
 */
export interface Device {
  readonly backend: Backend;
  readonly index: number;
  /** cuda: cudaGetDeviceProperties with driver and runtime versions, uuid `GPU-…`/`MIG-…`. */
  properties(): DeviceProperties;
  /** Free and total device memory in bytes, as the device reports them now. */
  memInfo(): { free: number; total: number };
  /** Device memory of `size` bytes (cuda: cudaMalloc, checked to be device memory). */
  allocate(size: number): Promise<Allocation>;
  /** True when `allocation` is a live-or-freed Allocation made by this device. */
  owns(allocation: unknown): boolean;
  /** Frees an allocation of this device; a foreign or fake handle is E_ARG. */
  release(allocation: Allocation): Promise<FreeResult>;
  /** No further allocations; live allocations stay usable until freed. */
  close(): void;
  /** Tests and drills: behave as after a sticky CUDA error (host-sim opened with faultInjection only). */
  simulateLoss(): void;
  /** Maps another process's export (lib/native/ipc.ts) on this device, read-only: free() unmaps it. */
  openIpc(handle: NativeIpcHandle): Promise<Allocation>;
  /** Throws StaleHandleError unless the exporter still holds the handle's memory. */
  checkIpc(handle: NativeIpcHandle): void;
  /** Whether allocations of this device can be exported, and how. */
  ipcStatus(): { available: boolean; kind: string; detail: string };
}

/** What free() did: `zeroed: false` when the device was lost and the bytes could not be zeroed. */
export interface FreeResult {
  zeroed: boolean;
}

/**
 * Device memory from {@link Device.allocate}: an opaque handle (the address never leaves the addon).
 * Each operation takes a use of it; `free()` marks it freed at once (later calls: E_FREED), waits for
 * the uses taken before, zeroes and releases. One collected without `free()` is freed (zeroed) by a
 * FinalizationRegistry, at an unpredictable time: call `free()`.
 */
export interface Allocation {
  readonly size: number;
  readonly backend: Backend;
  /** CUDA reports the pointer as device memory (host-sim: false). */
  isDeviceMemory(): boolean;
  /** Copies bytes to `deviceOffset` (E_BOUNDS past the end); reads them without copying, off the main thread. */
  upload(deviceOffset: number, bytes: Uint8Array): Promise<void>;
  /**
   * Streams a file range to the device through double-buffered staging chunks (multiples of the
   * leaf size) while the device hashes each chunk's leaves from its own memory; also the plain SHA-256
   * when `opts.sha256`.
   */
  uploadFile(path: string, opts: UploadFileOptions): Promise<UploadFileResult>;
  /** `count` SPEC §1 leaf hashes from `firstLeaf`, computed by the device over what it holds (32 bytes each). */
  leafHashes(leafSize: number, firstLeaf: number, count: number): Promise<Uint8Array>;
  /** The SPEC §1 mth-sha256 root of the whole allocation, computed on the device. */
  root(leafSize: number): Promise<Uint8Array>;
  /** Leaf hashes of the chosen leaves, in the order given (sampled verification). */
  chosenLeafHashes(leafSize: number, indices: readonly number[]): Promise<Uint8Array>;
  /**
   * Tests and drills: XORs one byte with `mask` (1..255); E_POLICY unless the device was opened with faultInjection.
   */
  flipBits(offset: number, mask: number): Promise<void>;
  /** Zeroes, then frees. Resolves `{ zeroed: false }` when the device was lost (the memory could not be zeroed). */
  free(): Promise<FreeResult>;
  /** True for another process's export mapped here (read-only: uploads and flipBits refuse it). */
  readonly imported: boolean;
  /** The address (cuda: device pointer in this process's context; host-sim: host pointer). */
  address(): bigint;
  /** Copies `[offset, offset+length)` to the host (at most 256 MiB): tensor headers. */
  readRange(offset: number, length: number): Promise<Uint8Array>;
  /** SPEC §1 roots of byte ranges (each at least 1 byte), computed on the device: 32 bytes each, in order. */
  rangeRoots(leafSize: number, ranges: readonly (readonly [offset: number, length: number])[]): Promise<Uint8Array>;
  /** An IPC handle another process on this device can open (kind per allocation: ipc.ts). */
  exportIpc(): NativeIpcHandle;
}

/**
 * Opens a device off the event loop (the first CUDA call initialises the driver). cuda without a
 * driver → DeviceError E_NO_DEVICE carrying the CUDA error text.
 */
export async function openDevice(opts: OpenDeviceOptions): Promise<Device> {
  if (opts === null || typeof opts !== 'object') throw new DeviceError('E_ARG', 'openDevice: options object required');
  if (opts.backend !== 'cuda' && opts.backend !== 'host-sim') {
    throw new DeviceError('E_ARG', "openDevice: backend must be 'cuda' or 'host-sim'");
  }
  const index = checkInteger('index', opts.index ?? 0, 0, NATIVE_LIMITS.maxDeviceIndex);
  const capacity = checkInteger('capacityBytes', opts.capacityBytes ?? DEFAULT_HOST_SIM_CAPACITY);
  const threads = checkInteger('threads', opts.threads ?? 0, 0, NATIVE_LIMITS.maxThreads);
  const addon = loadNative();
  const handle = await callNative(() =>
    addon.openDevice({
      backend: opts.backend,
      index,
      capacityBytes: capacity,
      faultInjection: opts.faultInjection === true,
      threads,
      simulatedLateCopies: opts.simulatedLateCopies === true,
      simulatedOrderingBug: opts.simulatedOrderingBug === true,
    }),
  );
  return new NativeDevice(addon, handle, opts.backend, index);
}

class NativeDevice implements Device {
  readonly #addon: NativeAddon;
  readonly #handle: number;
  readonly backend: Backend;
  readonly index: number;

  constructor(addon: NativeAddon, handle: number, backend: Backend, index: number) {
    this.#addon = addon;
    this.#handle = handle;
    this.backend = backend;
    this.index = index;
  }

  properties(): DeviceProperties {
    return callNativeSync(() => this.#addon.deviceProperties({ device: this.#handle }));
  }

  memInfo(): { free: number; total: number } {
    return callNativeSync(() => this.#addon.deviceMemInfo({ device: this.#handle }));
  }

  async allocate(size: number): Promise<Allocation> {
    checkInteger('size', size, 1);
    const handle = await callNative(() => this.#addon.allocate({ device: this.#handle, size }));
    return new NativeAllocation(this.#addon, this.#handle, handle, size, this.backend);
  }

  owns(allocation: unknown): boolean {
    return allocation instanceof NativeAllocation && allocation.deviceHandle === this.#handle;
  }

  async release(allocation: Allocation): Promise<FreeResult> {
    if (!this.owns(allocation)) throw new DeviceError('E_ARG', 'release: not an allocation of this device');
    return allocation.free();
  }

  close(): void {
    callNativeSync(() => this.#addon.deviceClose({ device: this.#handle }));
  }

  simulateLoss(): void {
    callNativeSync(() => this.#addon.loseDevice({ device: this.#handle }));
  }

  async openIpc(handle: NativeIpcHandle): Promise<Allocation> {
    const id = await callNative(() => this.#addon.openIpc({ device: this.#handle, handle }));
    return new NativeAllocation(this.#addon, this.#handle, id, handle.size, this.backend, true);
  }

  checkIpc(handle: NativeIpcHandle): void {
    callNativeSync(() => this.#addon.checkIpc({ device: this.#handle, handle }));
  }

  ipcStatus(): { available: boolean; kind: string; detail: string } {
    return callNativeSync(() => this.#addon.ipcStatus({ device: this.#handle }));
  }

  toJSON(): { backend: Backend; index: number } {
    return { backend: this.backend, index: this.index };
  }
}

// An Allocation dropped without free() would pin device memory until the process exits; the
// garbage collector's notice frees it instead (zeroed like any free). Explicit free() is still
// the contract: collection time is unpredictable.
interface FreeTicket {
  addon: NativeAddon;
  device: number;
  handle: number;
}
const leakedAllocations = new FinalizationRegistry<FreeTicket>(({ addon, device, handle }) => {
  addon.free({ device, allocation: handle }).catch(() => undefined);
});

class NativeAllocation implements Allocation {
  readonly #addon: NativeAddon;
  readonly #device: number;
  readonly #handle: number;
  readonly size: number;
  readonly backend: Backend;
  readonly imported: boolean;

  constructor(addon: NativeAddon, device: number, handle: number, size: number, backend: Backend, imported = false) {
    this.#addon = addon;
    this.#device = device;
    this.#handle = handle;
    this.size = size;
    this.backend = backend;
    this.imported = imported;
    leakedAllocations.register(this, { addon, device, handle }, this);
  }

  get #ref(): AllocationRef {
    return { device: this.#device, allocation: this.#handle };
  }

  get deviceHandle(): number {
    return this.#device;
  }

  isDeviceMemory(): boolean {
    const self = brand(this);
    return callNativeSync(() => self.#addon.isDeviceMemory(self.#ref));
  }

  async upload(deviceOffset: number, bytes: Uint8Array): Promise<void> {
    const self = brand(this);
    checkInteger('deviceOffset', deviceOffset);
    const owned = ownedBytes('bytes', bytes);
    await callNative(() => self.#addon.upload({ ...self.#ref, deviceOffset, bytes: owned }));
  }

  async uploadFile(path: string, opts: UploadFileOptions): Promise<UploadFileResult> {
    const self = brand(this);
    checkPath('path', path);
    const leafSize = checkLeafSize(opts?.leafSize);
    const fileOffset = checkInteger('fileOffset', opts.fileOffset ?? 0);
    const length = opts.length === undefined ? undefined : checkInteger('length', opts.length);
    const deviceOffset = checkInteger('deviceOffset', opts.deviceOffset ?? 0);
    const chunkBytes = checkInteger(
      'chunkBytes',
      opts.chunkBytes ?? Math.ceil(DEFAULT_CHUNK_BYTES / leafSize) * leafSize,
      leafSize,
      NATIVE_LIMITS.maxChunkBytes,
    );
    if (chunkBytes % leafSize !== 0) throw new DeviceError('E_ARG', 'chunkBytes must be a multiple of leafSize');
    const report = opts.onProgress;
    if (report !== undefined && typeof report !== 'function')
      throw new DeviceError('E_ARG', 'onProgress must be a function');
    // Progress arrives from the addon's worker thread via a thread-safe function; keep it
    // monotonic, drop late arrivals, and always end with the full length. A throwing callback
    // does not stop the upload; its first error is rethrown when the upload is done.
    let reported = 0;
    let done = false;
    let callbackError: { error: unknown } | undefined;
    const deliver = (bytes: number): void => {
      if (done || bytes <= reported || report === undefined) return;
      reported = bytes;
      try {
        report(bytes);
      } catch (error) {
        callbackError ??= { error };
      }
    };
    const result = await callNative(() =>
      self.#addon.uploadFile({
        ...self.#ref,
        path,
        fileOffset,
        length,
        deviceOffset,
        leafSize,
        sha256: opts.sha256 === true,
        chunkBytes,
        onProgress: report === undefined ? undefined : deliver,
      }),
    );
    if (reported < result.length) deliver(result.length);
    done = true;
    if (callbackError !== undefined) throw callbackError.error;
    return {
      leafHashes: new Uint8Array(result.leafHashes),
      sha256: result.sha256 === null ? null : new Uint8Array(result.sha256),
      length: result.length,
    };
  }

  async leafHashes(leafSize: number, firstLeaf: number, count: number): Promise<Uint8Array> {
    const self = brand(this);
    checkLeafSize(leafSize);
    checkInteger('firstLeaf', firstLeaf);
    checkInteger('count', count);
    return new Uint8Array(await callNative(() => self.#addon.leafHashes({ ...self.#ref, leafSize, firstLeaf, count })));
  }

  async root(leafSize: number): Promise<Uint8Array> {
    const self = brand(this);
    checkLeafSize(leafSize);
    return new Uint8Array(await callNative(() => self.#addon.root({ ...self.#ref, leafSize })));
  }

  async chosenLeafHashes(leafSize: number, indices: readonly number[]): Promise<Uint8Array> {
    const self = brand(this);
    checkLeafSize(leafSize);
    if (!Array.isArray(indices)) throw new DeviceError('E_ARG', 'indices must be an array of leaf indices');
    indices.forEach((index, i) => {
      checkInteger(`indices[${i}]`, index);
    });
    return new Uint8Array(
      await callNative(() => self.#addon.chosenLeafHashes({ ...self.#ref, leafSize, indices: [...indices] })),
    );
  }

  async flipBits(offset: number, mask: number): Promise<void> {
    const self = brand(this);
    checkInteger('offset', offset);
    checkInteger('mask', mask, 1, 255);
    await callNative(() => self.#addon.flipBits({ ...self.#ref, offset, mask }));
  }

  async free(): Promise<FreeResult> {
    const self = brand(this);
    const result = await callNative(() => self.#addon.free(self.#ref));
    leakedAllocations.unregister(self);
    return { zeroed: result.zeroed };
  }

  address(): bigint {
    const self = brand(this);
    return callNativeSync(() => self.#addon.allocationAddress(self.#ref));
  }

  async readRange(offset: number, length: number): Promise<Uint8Array> {
    const self = brand(this);
    checkInteger('offset', offset);
    checkInteger('length', length);
    return new Uint8Array(await callNative(() => self.#addon.readRange({ ...self.#ref, offset, length })));
  }

  async rangeRoots(leafSize: number, ranges: readonly (readonly [number, number])[]): Promise<Uint8Array> {
    const self = brand(this);
    checkLeafSize(leafSize);
    const flat: number[] = [];
    for (const [offset, length] of ranges) flat.push(checkInteger('offset', offset), checkInteger('length', length, 1));
    return new Uint8Array(await callNative(() => self.#addon.rangeRoots({ ...self.#ref, leafSize, ranges: flat })));
  }

  exportIpc(): NativeIpcHandle {
    const self = brand(this);
    return callNativeSync(() => self.#addon.exportIpc(self.#ref));
  }

  /** @internal The addon and handles, for the host-sim test helpers (ipc-testing.ts). */
  static nativeRef(value: unknown): { addon: NativeAddon; ref: AllocationRef } {
    const self = brand(value);
    return { addon: self.#addon, ref: self.#ref };
  }

  toJSON(): { size: number; backend: Backend } {
    return { size: this.size, backend: this.backend };
  }

  static isAllocation(value: unknown): value is NativeAllocation {
    return typeof value === 'object' && value !== null && #handle in value;
  }
}

// Methods called with a foreign `this` (a plain object, a copy) fail cleanly instead of reading
// private state that is not there.
function brand(value: unknown): NativeAllocation {
  if (!NativeAllocation.isAllocation(value))
    throw new DeviceError('E_ARG', 'not an Allocation made by openDevice().allocate()');
  return value;
}

/** @internal The addon and handles behind an Allocation (host-sim test helpers only). */
export function nativeRefOf(allocation: Allocation): { addon: NativeAddon; ref: AllocationRef } {
  return NativeAllocation.nativeRef(allocation);
}
