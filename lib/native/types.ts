// Public types of the native layer (device backends and the CPU engine).

/** Where shard bytes live: real VRAM, or host memory pretending to be a device (never VRAM). */
export type Backend = 'cuda' | 'host-sim';

export interface DeviceProperties {
  index: number;
  backend: Backend;
  name: string;
  uuid: string | null;
  totalMemory: number;
  computeCapability: { major: number; minor: number };
  integrated: boolean;
  canMapHostMemory: boolean;
  managedMemory: boolean;
  pageableMemoryAccess: boolean;
  pageableMemoryAccessUsesHostPageTables: boolean;
  driverVersion: number | null;
  runtimeVersion: number | null;
}

export interface NativeStatus {
  /** The addon binary loaded. */
  loaded: boolean;
  /** The addon was built with the CUDA backend (nvcc was found at install time). */
  withCuda: boolean;
  /** Why no CUDA device is usable: "built without CUDA", "no CUDA driver: …", "no device: …", a load error; null when usable. */
  reason: string | null;
  cudaDeviceCount: number;
  /** The CPU has SHA extensions (SHA-NI) that Node's OpenSSL uses for the CPU engine. */
  sha256Accelerated?: boolean;
}

export interface OpenDeviceOptions {
  backend: Backend;
  /** Device index (0…1023); default 0. */
  index?: number;
  /** host-sim only: bytes the simulated device can hold; default 1 GiB. */
  capacityBytes?: number;
  /** Allow Allocation.flipBits (tests and drills only); default false. */
  faultInjection?: boolean;
  /** host-sim only: CPU threads that run the simulated grid; default: all cores. */
  threads?: number;
}

export interface UploadFileOptions {
  /** First byte of the file to upload; default 0. */
  fileOffset?: number;
  /** Bytes to upload; default: to the end of the file. */
  length?: number;
  /** Where the bytes land in the allocation; default 0. Leaves are counted from here. */
  deviceOffset?: number;
  /** SPEC §1 leaf size (power of two, 4 KiB…16 MiB). */
  leafSize: number;
  /** Also compute the plain SHA-256 of the uploaded bytes; default false. */
  sha256?: boolean;
  /** Staging chunk (a multiple of leafSize); default: 8 MiB rounded up to a whole leaf. */
  chunkBytes?: number;
  /** Called with the number of bytes uploaded and hashed so far (monotonic, ends at length). */
  onProgress?: (bytesDone: number) => void;
}

export interface UploadFileResult {
  /** 32-byte leaf hashes, computed from device memory as each chunk landed. */
  leafHashes: Uint8Array;
  sha256: Uint8Array | null;
  /** Bytes uploaded (the resolved length). */
  length: number;
}

export interface MthFileOptions {
  leafSize: number;
  offset?: number;
  length?: number;
  threads?: number;
  sha256?: boolean;
}
